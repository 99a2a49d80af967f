import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * `cast(x as timestamp)` / `x::timestamp` keep a time before 1970 (execute/dbt-semantics/float-casts.ts): Postgres,
 * Snowflake, BigQuery and Redshift give cast('1900-01-01 00:00:00' as timestamp) = 1900-01-01 00:00:00, where
 * ClickHouse's TIMESTAMP (DateTime) makes it 1970-01-01 and wraps a 1950 day to 2086. Under dbt_semantics the cast is
 * to DateTime64(0): whole seconds with DateTime's text, so every value DateTime held right reads the same.
 */
const MODEL = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select
  cast('1900-01-01 00:00:00' as timestamp) as first_day,
  '1955-11-05 10:30:00'::timestamp as travelled,
  CAST(d AS TIMESTAMP) as from_date,
  cast('2024-01-01 10:00:00.7' as timestamp) as recent
from (select toDate32('1950-01-01') as d)
`;

const TYPE_TEST = `{% test dtype_in(model, column_name, types) %}
{%- set cols = adapter.get_columns_in_relation(model) | selectattr('name', 'equalto', column_name) | list -%}
select '{{ cols[0].dtype | upper }}' as t, '{{ cols[0].data_type }}' as data_type where t not in ('{{ types | map("upper") | join("', '") }}')
{% endtest %}`;

describe('a cast to timestamp keeps times before 1970 (dbt_semantics)', () => {
  it("times before 1970 are kept with DateTime's text, and dbt_semantics: false keeps ClickHouse's DateTime", async () => {
    const p = dbtProject({ models: { 'times.sql': MODEL(''), 'times_ch.sql': MODEL(', dbt_semantics=false') } });
    await p.dbt(['run']);
    const q = (t: string) =>
      p.query(`select toString(first_day) a, toString(travelled) b, toString(from_date) c, toString(recent) d, toTypeName(first_day) type from {schema}.${t}`);
    expect(await q('times')).toEqual([{ a: '1900-01-01 00:00:00', b: '1955-11-05 10:30:00', c: '1950-01-01 00:00:00', d: '2024-01-01 10:00:00', type: 'DateTime64(0)' }]);
    expect(await q('times_ch')).toEqual([{ a: '1970-01-01 00:00:00', b: '1970-01-01 00:00:00', c: '2086-02-06 06:28:16', d: '2024-01-01 10:00:00', type: 'DateTime' }]);
  });

  it('a type test listing DateTime (dbt.type_timestamp() on ClickHouse) passes on the cast column, whose data_type stays DateTime64(0)', async () => {
    const p = dbtProject({
      models: {
        'times.sql': `select cast('1900-01-01 00:00:00' as timestamp) as at, toNullable('1950-01-01 00:00:00'::timestamp) as maybe`,
        'schema.yml': `version: 2
models:
  - name: times
    columns:
      - name: at
        data_tests: [{ dtype_in: { types: [date, "{{ dbt.type_timestamp() }}"] } }]
      - name: maybe
        data_tests: [{ dtype_in: { types: [DateTime] } }]
`,
      },
      macros: { 'dtype_in.sql': TYPE_TEST },
    });
    await p.dbt(['run']);
    const test = await p.dbt(['test']);
    expect(test.results.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(await p.query(`select toTypeName(at) a, toTypeName(maybe) m from {schema}.times`)).toEqual([{ a: 'DateTime64(0)', m: 'Nullable(DateTime64(0))' }]);
  });
});

describe("an incremental table storing ClickHouse's DateTime for a cast to timestamp", () => {
  const incremental = (mode: string, semantics: string) => `{{ config(materialized='incremental', unique_key=['id', 'at'], on_schema_change='${mode}'${semantics}) }}
select id, cast(s as timestamp) as at from (select 1 as id, '1960-05-01 10:00:00' as s union all select 2, '2024-02-29 10:00:00')
`;

  it("keeps the stored DateTime (on_schema_change 'fail' does not fail) and replaces the keyed rows", async () => {
    // Before: 'fail' failed on DateTime -> DateTime64(0), and the key (1, 1960-…) never matched the stored (1, 1970-01-01 00:00:00).
    const modes = { fails: 'fail', syncs: 'sync_all_columns', ignores: 'ignore' };
    const p = dbtProject({ models: Object.fromEntries(Object.entries(modes).map(([t, mode]) => [`${t}.sql`, incremental(mode, ', dbt_semantics=false')])) });
    await p.dbt(['run']);
    p.write(Object.fromEntries(Object.entries(modes).map(([t, mode]) => [`models/${t}.sql`, incremental(mode, '')])));
    const run = await p.dbt(['run']);
    expect(run.out.join('\n')).toMatch(/at is ClickHouse's DateTime in .*fails.*cast\(x as timestamp\)/);
    await p.dbt(['run']);
    for (const t of Object.keys(modes))
      expect(await p.query(`select id, toString(at) s, toTypeName(at) type from {schema}.${t} order by id`)).toEqual([
        { id: 1, s: '1970-01-01 00:00:00', type: 'DateTime' },
        { id: 2, s: '2024-02-29 10:00:00', type: 'DateTime' },
      ]);
    // --full-refresh moves the table to DateTime64(0), keeping the 1960 time.
    await p.dbt(['run', '--full-refresh', '--select', 'fails']);
    expect(await p.query(`select id, toString(at) s, toTypeName(at) type from {schema}.fails order by id`)).toEqual([
      { id: 1, s: '1960-05-01 10:00:00', type: 'DateTime64(0)' },
      { id: 2, s: '2024-02-29 10:00:00', type: 'DateTime64(0)' },
    ]);
  });
});
