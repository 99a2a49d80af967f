import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult, TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, recordQueries, statuses, type InlineProject } from '../../helpers/inline-project.js';

/*
 * One model with failures of every kind:
 *   rn | id   | status | code | parent
 *    1 | 1    | a      | 1    | NULL
 *    2 | 2    | b      | 2    | 1
 *    3 | 2    | c      | 3    | 9
 *    4 | 3    | zz     | 5    | 8
 *    5 | 3    | zz     | 5    | 2
 *    6 | NULL | a      | 1    | 2
 *    7 | 4    | yy     | 7    | NULL
 *    8 | 5    | a      | 1    | 9
 */
const M = `{{ config(materialized='table') }}
select * from values('rn UInt32, id Nullable(Int32), status String, code Int32, parent Nullable(Int32)',
  (1, 1, 'a', 1, NULL), (2, 2, 'b', 2, 1), (3, 2, 'c', 3, 9), (4, 3, 'zz', 5, 8),
  (5, 3, 'zz', 5, 2), (6, NULL, 'a', 1, 2), (7, 4, 'yy', 7, NULL), (8, 5, 'a', 1, 9))`;

const SCHEMA = `version: 2
models:
  - name: parents
    columns:
      - name: pid
        tests: [not_null, {accepted_values: {values: [1, 2, 3, 4, 5], quote: false}}]
      - name: no_such_column
        tests: [not_null]
  - name: m
    columns:
      - name: rn
        tests: [unique, not_null, {is_even: {name: is_even_m_rn_where, config: {where: "rn % 2 = 0"}}}]
      - name: id
        tests:
          - not_null
          - unique
          - accepted_values: {values: [1, 2, 3, 4], quote: false}
          - relationships: {to: "ref('parents')", field: pid}
          - not_null: {name: nn_id_warn, severity: warn}
          - unique: {name: uq_id_warn_band, warn_if: ">1", error_if: ">5"}
          - unique: {name: uq_id_error_band, config: {warn_if: ">10", error_if: ">=2"}}
          - unique: {name: uq_id_below, warn_if: ">5", error_if: ">5"}
          - unique: {name: uq_id_sum, fail_calc: "sum(n_records)"}
          - not_null: {name: nn_id_where, where: "status != 'a'"}
          - unique: {name: uq_id_where, where: "rn <= 3"}
      - name: status
        tests:
          - not_null
          - accepted_values: {values: [a, b, c]}
          - accepted_values: {name: av_status_all, values: [a, b, c, zz, yy]}
          - accepted_values: {name: av_status_limit, values: [a], limit: 1}
          - accepted_values: {name: av_status_where, values: [a, b, c], where: "rn <= 3"}
          - accepted_values: {name: av_status_where_fail, values: [a], where: "rn <= 3"}
          - not_null: {name: nn_status_where, where: "rn <= 3"}
      - name: code
        tests:
          - accepted_values: {values: [1, 2, 3], quote: false}
          - is_even
          - max_value: {max: 5}
          - max_value: {name: max_value_ok, max: 10}
      - name: parent
        tests:
          - relationships: {to: "ref('parents')", field: pid}
          - relationships: {name: rel_parent_distinct, to: "ref('parents')", field: pid, fail_calc: "count(distinct from_field)"}
  - name: eph
    columns:
      - name: k
        tests: [not_null, unique]
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: src
        columns:
          - name: v
            tests: [not_null, unique]
`;

/** name → [status, failures] for every test of the project. */
const EXPECTED: Record<string, [string, number | undefined]> = {
  // a broken test in a batch errors alone; its neighbours still get their answer
  not_null_parents_pid: ['pass', 0],
  accepted_values_parents_pid__False__1__2__3__4__5: ['pass', 0],
  not_null_parents_no_such_column: ['error', undefined],
  unique_m_rn: ['pass', 0],
  not_null_m_rn: ['pass', 0],
  is_even_m_rn_where: ['pass', 0],
  not_null_m_id: ['fail', 1],
  unique_m_id: ['fail', 2],
  // dbt counts distinct offending values; NULL is never one.
  accepted_values_m_id__False__1__2__3__4: ['fail', 1],
  relationships_m_id__pid__ref_parents_: ['pass', 0],
  nn_id_warn: ['warn', 1],
  uq_id_warn_band: ['warn', 2],
  uq_id_error_band: ['fail', 2],
  uq_id_below: ['pass', 0], // 2 duplicates, under its thresholds: dbt's TestRunner reports 0 failures for a pass
  uq_id_sum: ['fail', 4],
  nn_id_where: ['pass', 0],
  not_null_m_status: ['pass', 0],
  accepted_values_m_status__a__b__c: ['fail', 2],
  av_status_all: ['pass', 0],
  av_status_limit: ['fail', 1],
  av_status_where: ['pass', 0],
  av_status_where_fail: ['fail', 2],
  nn_status_where: ['pass', 0],
  uq_id_where: ['fail', 1],
  accepted_values_m_code__False__1__2__3: ['fail', 2],
  is_even_m_code: ['fail', 7],
  max_value_m_code__5: ['fail', 1],
  max_value_ok: ['pass', 0],
  relationships_m_parent__pid__ref_parents_: ['fail', 3],
  rel_parent_distinct: ['fail', 2],
  source_not_null_raw_src_v: ['fail', 1],
  source_unique_raw_src_v: ['fail', 1],
  // tests on an ephemeral model read it as a CTE (there is no relation to scan)
  not_null_eph_k: ['pass', 0],
  unique_eph_k: ['fail', 2],
  no_zz_rows: ['fail', 2],
  always_passes: ['pass', 0],
  warn_singular: ['warn', 1],
};

let p: InlineProject;
let project: TsdbtProject;

beforeAll(async () => {
  p = inlineProject({
    'models/m.sql': M,
    'models/parents.sql': "{{ config(materialized='table') }}\nselect toInt32(number + 1) as pid from numbers(5)",
    'models/schema.yml': SCHEMA,
    'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect number % 3 as k from numbers(5)",
    'macros/is_even.sql': '{% test is_even(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} % 2 != 0\n{% endtest %}\n',
    'tests/generic/max_value.sql': '{% test max_value(model, column_name, max) %}\nselect {{ column_name }} from {{ model }} where {{ column_name }} > {{ max }}\n{% endtest %}\n',
    'tests/no_zz_rows.sql': "select * from {{ ref('m') }} where status = 'zz'",
    'tests/warn_singular.sql': "{{ config(severity='warn') }}\nselect * from {{ ref('m') }} where code > 5",
    'tests/always_passes.sql': "select rn from {{ ref('m') }} where rn > 100",
  });
  project = p.open();
  const adapter = await project.adapter();
  await adapter.ensureDatabase(p.schema);
  await adapter.client.command(`CREATE TABLE ${p.schema}.src (v Nullable(String)) ENGINE = MergeTree ORDER BY tuple()`);
  await adapter.client.command(`INSERT INTO ${p.schema}.src VALUES ('x'), ('y'), ('y'), (NULL)`);
  const run = await project.run();
  expect(statuses(run)).toEqual({ m: 'success', parents: 'success' });
});

afterAll(async () => {
  await project?.close();
  p?.cleanup();
});

function outcomes(r: RunResult): Record<string, [string, number | undefined]> {
  return Object.fromEntries(r.results.map((x) => [x.node.name, [x.status, x.failures]]));
}

describe('data tests', () => {
  let batched: RunResult;
  beforeAll(async () => {
    batched = await project.test();
  });

  it('every test has dbt’s status and exact failure count (batched path, the default)', () => {
    expect(outcomes(batched)).toEqual(EXPECTED);
    expect(batched.success).toBe(false);
  });

  it('the unbatched path gives identical statuses and failure counts, with more queries', async () => {
    const again = await recordQueries(project, () => project.test());
    const single = await recordQueries(project, () => project.test({ batchTests: false }));
    expect(outcomes(single.result)).toEqual(outcomes(batched));
    expect(outcomes(again.result)).toEqual(outcomes(batched));
    expect(single.sent).toHaveLength(Object.keys(EXPECTED).length);
    // a batch counts accepted_values' offending rows; only members that have some are re-counted (distinct values):
    // av_status_all (every value accepted) is not
    const recounts = again.sent.filter((sql) => sql.startsWith('SELECT uniqExactIf('));
    expect(recounts.length).toBeGreaterThan(0);
    expect(recounts.some((sql) => sql.includes("'a', 'b', 'c', 'zz', 'yy'"))).toBe(false);
    expect(again.sent.length - recounts.length).toBeLessThan(single.sent.length);
  });

  it('messages follow dbt: PASS, Got N results, configured to fail/warn if …', () => {
    const msg = Object.fromEntries(batched.results.map((x) => [x.node.name, x.message]));
    expect(msg.unique_m_rn).toBe('PASS');
    expect(msg.not_null_m_id).toBe('Got 1 result, configured to fail if != 0');
    expect(msg.unique_m_id).toBe('Got 2 results, configured to fail if != 0');
    expect(msg.nn_id_warn).toBe('Got 1 result, configured to warn if != 0');
    expect(msg.uq_id_warn_band).toBe('Got 2 results, configured to warn if >1');
    expect(msg.uq_id_error_band).toBe('Got 2 results, configured to fail if >=2');
    expect(msg.uq_id_below).toBe('PASS');
  });

  it('warnError turns warnings into failures', async () => {
    const r = await project.test({ select: ['nn_id_warn', 'uq_id_warn_band'], warnError: true });
    expect(outcomes(r)).toEqual({ nn_id_warn: ['fail', 1], uq_id_warn_band: ['fail', 2] });
  });

  it('tests declared on a source select from the source table', async () => {
    const t = batched.results.find((x) => x.node.name === 'source_not_null_raw_src_v')!;
    expect(t.node.dependsOn).toEqual(['source.proj.raw.src']);
    expect(t.node.name).toBe('source_not_null_raw_src_v');
    const [compiled] = await project.compile({ select: ['source_not_null_raw_src_v'], write: false });
    expect(compiled!.sql).toBe(`select v from \`${p.schema}\`.\`src\` where v is null`);
  });

  it('storeFailures writes the failing rows to <schema>_dbt_test__audit', async () => {
    const r = await project.test({ select: ['not_null_m_id', 'unique_m_id', 'unique_m_rn', 'no_zz_rows'], storeFailures: true });
    expect(outcomes(r)).toEqual({ not_null_m_id: ['fail', 1], unique_m_id: ['fail', 2], unique_m_rn: ['pass', 0], no_zz_rows: ['fail', 2] });
    const audit = `${p.schema}_dbt_test__audit`;
    expect(await queryRows(project, `SELECT id FROM ${audit}.not_null_m_id`)).toEqual([{ id: null }]);
    expect(await queryRows(project, `SELECT unique_field, n_records FROM ${audit}.unique_m_id ORDER BY unique_field`)).toEqual([
      { unique_field: 2, n_records: '2' },
      { unique_field: 3, n_records: '2' },
    ]);
    expect(await queryRows(project, `SELECT rn FROM ${audit}.no_zz_rows ORDER BY rn`)).toEqual([{ rn: 4 }, { rn: 5 }]);
    // As dbt: a passing test stores an empty table (so no stale rows survive a fix).
    expect(await queryRows(project, `SELECT name, total_rows FROM system.tables WHERE database = '${audit}' ORDER BY name`)).toEqual([
      { name: 'no_zz_rows', total_rows: '2' },
      { name: 'not_null_m_id', total_rows: '1' },
      { name: 'unique_m_id', total_rows: '2' },
      { name: 'unique_m_rn', total_rows: '0' },
    ]);
    // A test's own store_failures: false wins over --store-failures (dbt's should_store_failures).
    p.write({ 'tests/unstored.sql': '{{ config(store_failures=false) }}\nselect 1 as x' });
    const again = p.open();
    try {
      const r2 = await again.test({ select: ['unstored'], storeFailures: true });
      expect(outcomes(r2)).toEqual({ unstored: ['fail', 1] });
      expect(await queryRows(again, `SELECT name FROM system.tables WHERE database = '${audit}' AND name = 'unstored'`)).toEqual([]);
    } finally {
      await again.close();
      p.remove('tests/unstored.sql');
    }
    await (await project.adapter()).client.command(`DROP DATABASE ${audit}`);
  });
});
