import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { PEOPLE_SEED_CSV, SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_multiple_materialized_views.py:
 * one model, several views — `--mv1:begin … --mv1:end` blocks joined by `union all` make the views
 * `hackers_mv1` and `hackers_mv2`, both writing into the model's table `hackers` (in a custom
 * schema). Upstream model file unchanged.
 */

const MULTIPLE_MV_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(id)',
       on_schema_change=var('on_schema_change', 'ignore'),
       schema='custom_schema_for_multiple_mv',
) }}

{% if var('run_type', '') == '' %}

--mv1:begin
select
    id,
    name,
    case
        when name like 'Dade' then 'crash_override'
        when name like 'Kate' then 'acid burn'
        else 'N/A'
    end as hacker_alias
from {{ source('raw', 'people') }}
where department = 'engineering'
--mv1:end

union all

--mv2:begin
select
    id,
    name,
    -- sales people are not cool enough to have a hacker alias
    'N/A' as hacker_alias
from {{ source('raw', 'people') }}
where department = 'sales'
--mv2:end

{% elif var('run_type', '') == 'extended_schema' %}

--mv1:begin
select
    id,
    name,
    case
         -- Dade wasn't always known as 'crash override'!
        when name like 'Dade' and age = 11 then 'zero cool'
        when name like 'Dade' and age != 11 then 'crash override'
        when name like 'Kate' then 'acid burn'
        else 'N/A'
    end as hacker_alias,
    id as id2
from {{ source('raw', 'people') }}
where department = 'engineering'
--mv1:end

union all

--mv2:begin
select
    id,
    name,
    -- sales people are not cool enough to have a hacker alias
    'N/A' as hacker_alias,
    id as id2
from {{ source('raw', 'people') }}
where department = 'sales'
--mv2:end

{% endif %}
`;

type P = ReturnType<typeof dbtProject>;
const project = () => dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers.sql': MULTIPLE_MV_MODEL } });
const mvSchema = (p: P) => `${p.schema}_custom_schema_for_multiple_mv`;
const columnsOf = async (p: P, table: string) => (await p.query<{ name: string; type: string }>(`DESCRIBE TABLE ${table}`)).map((c) => [c.name, c.type]);
const insertPeople = (p: P, values: string) => p.query(`insert into {schema}.people ("id", "name", "age", "department") values ${values}`);
const aliasesOfDade = async (p: P) =>
  (await p.query<{ a: string }>(`select distinct hacker_alias as a from ${mvSchema(p)}.hackers where name = 'Dade' order by hacker_alias`)).map((r) => r.a);

describe('dbt-clickhouse test_multiple_materialized_views', () => {
  it('TestMultipleMV.test_create: two views into one table, backfilled, then fed by new inserts', async () => {
    const p = project();
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    await p.dbt(['run']);
    const schema = mvSchema(p);
    expect((await columnsOf(p, `${schema}.hackers`))[0]![1]).toBe('Int32');
    expect((await columnsOf(p, `${schema}.hackers_mv1`))[0]![1]).toBe('Int32');
    expect((await columnsOf(p, `${schema}.hackers_mv2`))[0]![1]).toBe('Int32');
    await expect(p.query(`DESCRIBE ${schema}.hackers_mv`)).rejects.toThrow(/hackers_mv/);
    const engines = Object.fromEntries((await p.query<{ name: string; engine: string }>(`select name, engine from system.tables where database = '${schema}'`)).map((r) => [r.name, r.engine]));
    expect(engines).toEqual({ hackers: 'MergeTree', hackers_mv1: 'MaterializedView', hackers_mv2: 'MaterializedView' });
    await insertPeople(p, `(4000,'Dave',40,'sales'), (9999,'Eugene',40,'engineering')`);
    expect((await p.query<Record<string, unknown>>(`select * from ${schema}.hackers order by id`)).map((r) => Object.values(r))).toEqual([
      [1000, 'Alfie', 'N/A'],
      [1231, 'Dade', 'crash_override'],
      [2000, 'Bill', 'N/A'],
      [3000, 'Charlie', 'N/A'],
      [4000, 'Dave', 'N/A'],
      [6666, 'Ksenia', 'N/A'],
      [8888, 'Kate', 'acid burn'],
      [9999, 'Eugene', 'N/A'],
    ]);
  });

  describe('TestUpdateMultipleMV', () => {
    it('test_update_incremental: the views get their new SELECTs; the ignored id2 is not added', async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'extended_schema' })]);
      await insertPeople(p, `(1232,'Dade',11,'engineering'), (9999,'eugene',40,'malware')`);
      expect(await aliasesOfDade(p)).toEqual(['crash_override', 'zero cool']);
      expect((await columnsOf(p, `${mvSchema(p)}.hackers`)).some(([n]) => n === 'id2')).toBe(false);
    });

    it('test_update_incremental_on_schema_change_sync_all_columns: id2 added to the table, then dropped again', async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'extended_schema', on_schema_change: 'sync_all_columns' })]);
      await insertPeople(p, `(1232,'Dade',11,'engineering'), (9999,'eugene',40,'malware')`);
      expect((await columnsOf(p, `${mvSchema(p)}.hackers`)).some(([n, t]) => n === 'id2' && t === 'Int32')).toBe(true);
      await p.dbt(['run', '--vars', JSON.stringify({ on_schema_change: 'sync_all_columns' })]);
      expect((await columnsOf(p, `${mvSchema(p)}.hackers`)).some(([n]) => n === 'id2')).toBe(false);
    });

    it("test_update_on_schema_change_fail: dbt-clickhouse's out-of-sync message", async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      const run = await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'extended_schema', on_schema_change: 'fail' })], { expectPass: false });
      const message = run.results.find((r) => r.status === 'error')?.message ?? '';
      for (const part of [
        'The source and target schemas on this materialized view model are out of sync',
        'Source columns not in target: []',
        "Target columns not in source: ['id2 Int32']",
        'New column types: []',
      ])
        expect(message).toContain(part);
    });

    it('test_update_full_refresh: rebuilt with the new SELECTs', async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ run_type: 'extended_schema' })]);
      await insertPeople(p, `(1232,'Dade',11,'engineering'), (9999,'eugene',40,'malware')`);
      expect(await aliasesOfDade(p)).toEqual(['crash override', 'zero cool']);
    });
  });

  it('a model that moves from one view to marked blocks drops its old <model>_mv at the switch: every row once', async () => {
    const single = MULTIPLE_MV_MODEL.replace(/--mv\d:(begin|end)/g, '');
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers.sql': single } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    const schema = mvSchema(p);
    expect((await p.query<{ name: string }>(`select name from system.tables where database = '${schema}' order by name`)).map((r) => r.name)).toEqual(['hackers', 'hackers_mv']);
    p.write({ 'models/hackers.sql': MULTIPLE_MV_MODEL });
    await p.dbt(['run']);
    expect((await p.query<{ name: string }>(`select name from system.tables where database = '${schema}' order by name`)).map((r) => r.name)).toEqual(['hackers', 'hackers_mv1', 'hackers_mv2']);
    await insertPeople(p, `(4000,'Dave',40,'sales')`);
    expect(await p.query(`select count() as n, uniqExact(id) as u from ${schema}.hackers`)).toEqual([{ n: '7', u: '7' }]);
  });
});
