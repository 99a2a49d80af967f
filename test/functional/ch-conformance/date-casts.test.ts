import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * `cast(x as date)` / `x::date` keep a day before 1970 (execute/dbt-semantics/float-casts.ts): Postgres, Snowflake,
 * BigQuery and Redshift give cast('1960-05-01' as date) = 1960-05-01, where ClickHouse's Date clamps it to 1970-01-01.
 * Under dbt_semantics the cast is to Date32; a type test still reads the column as dbt's `date` (render/column.ts),
 * as dbt_expectations' expect_column_values_to_be_in_type_list does.
 */
const MODEL = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select
  cast('1960-05-01' as date) as born,
  '1955-11-05'::date as travelled,
  CAST(s AS DATE) as from_text,
  cast(toDateTime64('1969-12-31 23:00:00', 6) as date) as from_ts,
  cast('2024-02-29' as date) as recent
from (select '1901-01-02' as s)
`;

/** The comparison of dbt_expectations' type-list test, written for this project: the column's dtype, upper-cased. */
const TYPE_TEST = `{% test dtype_in(model, column_name, types) %}
{%- set cols = adapter.get_columns_in_relation(model) | selectattr('name', 'equalto', column_name) | list -%}
select '{{ cols[0].dtype | upper }}' as t, '{{ cols[0].data_type }}' as data_type where t not in ('{{ types | map("upper") | join("', '") }}')
{% endtest %}`;

describe('a cast to date keeps days before 1970 (dbt_semantics)', () => {
  it("dates before 1970 are kept, and dbt_semantics: false keeps ClickHouse's Date", async () => {
    const p = dbtProject({ models: { 'days.sql': MODEL(''), 'days_ch.sql': MODEL(', dbt_semantics=false') } });
    await p.dbt(['run']);
    const q = (t: string) => p.query(`select toString(born) b, toString(travelled) t, toString(from_text) x, toString(from_ts) f, toString(recent) r, toTypeName(born) type from {schema}.${t}`);
    expect(await q('days')).toEqual([{ b: '1960-05-01', t: '1955-11-05', x: '1901-01-02', f: '1969-12-31', r: '2024-02-29', type: 'Date32' }]);
    // ClickHouse's Date: clamped to 1970-01-01, and a timestamp before 1970 wraps to 2149.
    expect(await q('days_ch')).toEqual([{ b: '1970-01-01', t: '1970-01-01', x: '1970-01-01', f: '2149-06-06', r: '2024-02-29', type: 'Date' }]);
  });

  it("a type test listing `date` passes on the cast column, whose data_type stays Date32", async () => {
    const p = dbtProject({
      models: {
        'days.sql': `select cast('1960-05-01' as date) as born, toNullable(cast('1950-01-01' as date)) as maybe`,
        'schema.yml': `version: 2
models:
  - name: days
    columns:
      - name: born
        data_tests: [{ dtype_in: { types: [date, timestamp] } }]
      - name: maybe
        data_tests: [{ dtype_in: { types: [date] } }]
`,
      },
      macros: { 'dtype_in.sql': TYPE_TEST },
    });
    await p.dbt(['run']);
    const test = await p.dbt(['test']);
    expect(test.results.map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(await p.query(`select toTypeName(born) b, toTypeName(maybe) m from {schema}.days`)).toEqual([{ b: 'Date32', m: 'Nullable(Date32)' }]);
  });

  it("date(x) and BigQuery's date(y, m, d) keep them too (execute/dbt-semantics/function-names.ts)", async () => {
    const p = dbtProject({ models: { 'fns.sql': `select date('1960-05-01') as d, date(toDateTime64('1969-12-31 23:00:00', 6)) as t, date(1955, 11, 5) as parts, DATE('2024-02-29') as recent` } });
    await p.dbt(['run']);
    expect(await p.query(`select toString(d) d, toString(t) t, toString(parts) parts, toString(recent) recent from {schema}.fns`)).toEqual([
      { d: '1960-05-01', t: '1969-12-31', parts: '1955-11-05', recent: '2024-02-29' },
    ]);
  });
});
