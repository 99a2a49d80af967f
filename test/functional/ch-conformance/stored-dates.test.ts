import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * Incremental tables built with ClickHouse's Date for `cast(x as date)` — by dbt-clickhouse, a tsdbt before dbt_semantics ran it
 * as Date32, or with dbt_semantics off — stay as they were stored (adapter/materializations/stored-dates.ts): an
 * incremental run with on_schema_change 'fail' does not fail on a type change the user never made, a key with such
 * a day replaces its stored row (1970-01-01 stored, 1960-05-01 computed would keep both). (A snapshot's such column
 * is widened to Date32 instead: snapshots/stored-precision.test.ts.)
 */
const ROWS = `(select 1 as id, '1960-05-01' as s union all select 2, '2024-02-29')`;
/** A Nullable(Date) (or Nullable(Date32)): ClickHouse's CAST of a NULL to Date fails. */
const N = `if(id = 1, cast('1965-01-01' as date), NULL) as n`;
const incremental = (mode: string, semantics: string) => `{{ config(materialized='incremental', unique_key=['id', 'd'], on_schema_change='${mode}'${semantics}) }}
select id, cast(s as date) as d, ${N}, date(s) as f from ${ROWS}
`;
const OFF = ', dbt_semantics=false';

describe("a table storing ClickHouse's Date for a cast to date (dbt_semantics)", () => {
  it("an incremental run with on_schema_change 'fail' keeps the stored Date and replaces the keyed rows", async () => {
    // 'ignore' (the default): the key (1, 1960-05-01) never matched the stored (1, 1970-01-01): id 1 added again each run.
    const modes = { fails: 'fail', syncs: 'sync_all_columns', ignores: 'ignore' };
    const p = dbtProject({ models: Object.fromEntries(Object.entries(modes).map(([t, mode]) => [`${t}.sql`, incremental(mode, OFF)])) });
    await p.dbt(['run']);
    p.write(Object.fromEntries(Object.entries(modes).map(([t, mode]) => [`models/${t}.sql`, incremental(mode, '')])));
    const run = await p.dbt(['run']);
    expect(run.out.join('\n')).toMatch(/d, n, f are ClickHouse's Date in .*fails/);
    await p.dbt(['run']);
    for (const t of Object.keys(modes))
      expect(await p.query(`select id, toString(d) ds, toString(n) ns, toString(f) fs, toTypeName(d) td, toTypeName(n) tn from {schema}.${t} order by id`)).toEqual([
        { id: 1, ds: '1970-01-01', ns: '1970-01-01', fs: '1970-01-01', td: 'Date', tn: 'Nullable(Date)' },
        { id: 2, ds: '2024-02-29', ns: null, fs: '2024-02-29', td: 'Date', tn: 'Nullable(Date)' },
      ]);
  });

  it('a table created by hand with Date columns takes the incremental rows the same way', async () => {
    const p = dbtProject({ models: { 'other.sql': 'select 1 as x' } });
    await p.dbt(['run']);
    await p.query('create table {schema}.handmade (id UInt8, d Date, n Nullable(Date), f Date) engine = MergeTree order by id');
    await p.query("insert into {schema}.handmade values (1, '1970-01-01', '1970-01-01', '1970-01-01')");
    p.write({ 'models/handmade.sql': incremental('fail', '') });
    await p.dbt(['run', '--select', 'handmade']);
    expect(await p.query('select id, toString(d) ds, toTypeName(d) t from {schema}.handmade order by id')).toEqual([
      { id: 1, ds: '1970-01-01', t: 'Date' },
      { id: 2, ds: '2024-02-29', t: 'Date' },
    ]);
  });
});

describe("microbatch and materialized views over a table storing ClickHouse's Date for a cast to date", () => {
  const microbatch = (mode: string, semantics: string) => `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='year', begin='2024-01-01', on_schema_change='${mode}'${semantics}) }}
select id, toDateTime('2024-03-01 00:00:00') + id as ts, cast(s as date) as d, date(s) as f from ${ROWS}
`;

  it("a microbatch batch computes the casts as the stored Date: on_schema_change 'fail' does not fail", async () => {
    // Before: 'fail' failed on Date -> Date32 (a type change the user never made).
    const modes = { fails: 'fail', ignores: 'ignore' };
    const p = dbtProject({ models: Object.fromEntries(Object.entries(modes).map(([t, mode]) => [`${t}.sql`, microbatch(mode, OFF)])) });
    const window = ['--event-time-start', '2024-01-01', '--event-time-end', '2025-01-01'];
    await p.dbt(['run', ...window]);
    p.write(Object.fromEntries(Object.entries(modes).map(([t, mode]) => [`models/${t}.sql`, microbatch(mode, '')])));
    const run = await p.dbt(['run', ...window]);
    expect(run.out.join('\n')).toMatch(/d, f are ClickHouse's Date in .*fails/);
    for (const t of Object.keys(modes))
      expect(await p.query(`select id, toString(d) ds, toString(f) fs, toTypeName(d) td from {schema}.${t} order by id`)).toEqual([
        { id: 1, ds: '1970-01-01', fs: '1970-01-01', td: 'Date' },
        { id: 2, ds: '2024-02-29', fs: '2024-02-29', td: 'Date' },
      ]);
  });

  it('a materialized view writing into a table storing Date keeps its SELECT and fills the table as before', async () => {
    // Before: the view's SELECT gave Date32 where the table has Date: the run failed ("out of sync").
    const view = (semantics: string) => `{{ config(materialized='materialized_view', order_by='id'${semantics}) }}
select id, cast(s as date) as d from {{ ref('raw') }}
`;
    const p = dbtProject({ models: { 'raw.sql': `{{ config(materialized='table', order_by='id') }}\nselect 1 as id, '2024-02-29' as s`, 'mv.sql': view(OFF) } });
    await p.dbt(['run']);
    p.write({ 'models/mv.sql': view('') });
    const run = await p.dbt(['run', '--select', 'mv']);
    expect(run.out.join('\n')).toMatch(/d is ClickHouse's Date in .*\.mv\b/);
    await p.query("insert into {schema}.raw values (2, '1960-05-01')");
    expect(await p.query('select id, toString(d) ds, toTypeName(d) td from {schema}.mv order by id')).toEqual([
      { id: 1, ds: '2024-02-29', td: 'Date' },
      { id: 2, ds: '1970-01-01', td: 'Date' },
    ]);
  });
});
