import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * accepted_values with true/false on a column of truth values: Postgres reads the quoted literal
 * ('True', 'true') as the column's type, so `values: [true, false]` passes on a comparison column.
 * On ClickHouse a comparison is UInt8 and 'True' does not convert to it (TYPE_MISMATCH) — the test
 * errored. The values are truth values on a column that is not text, text on a text column
 * (packages/core/macros/generic_test_sql/clickhouse_tests.sql).
 */
describe('accepted_values: true/false on a comparison column', () => {
  it("passes [true, false] and ['true', 'false'] on UInt8 and Bool; fails what is not accepted; text stays text", async () => {
    const p = dbtProject({
      models: {
        'flags.sql': `select number > 1 as b, toBool(number > 1) as bb, if(number > 1, 'true', 'false') as s, if(number > 1, 'True', 'x') as t from numbers(3)`,
        'schema.yml': `version: 2
models:
  - name: flags
    columns:
      - name: b
        data_tests:
          - accepted_values: { name: b_bools, values: [true, false] }
          - accepted_values: { name: b_texts, values: ['true', 'false'] }
          - accepted_values: { name: b_only_true, values: [true] }
      - name: bb
        data_tests:
          - accepted_values: { name: bb_bools, values: [true, false] }
          - accepted_values: { name: bb_only_false, values: ['False'] }
      - name: s
        data_tests:
          - accepted_values: { name: s_texts, values: ['true', 'false'] }
          - accepted_values: { name: s_upper, values: ['TRUE', 'false'] }
      - name: t
        data_tests:
          - accepted_values: { name: t_mixed, values: [true, 'x'] }
`,
      },
    });
    await p.dbt(['run']);
    const { results } = await p.dbt(['test'], { expectPass: false });
    const by = Object.fromEntries(results.map((r) => [r.unique_id.split('.')[2], [r.status, r.failures]]));
    expect(by).toEqual({
      b_bools: ['pass', 0],
      b_texts: ['pass', 0],
      b_only_true: ['fail', 1],
      bb_bools: ['pass', 0],
      bb_only_false: ['fail', 1],
      s_texts: ['pass', 0],
      // text compares as text (case kept, as Postgres): 'true' is not 'TRUE'
      s_upper: ['fail', 1],
      // true renders 'True' (as dbt's Jinja), the text of row 2
      t_mixed: ['pass', 0],
    });
  });
});
