import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { HACKERS_MV_MODEL as MV_MODEL, PEOPLE_SEED_CSV, SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_materialized_view.py (+ common.py):
 * a `materialized_view` model is its target table, the view `<model>_mv` writes into it; catchup,
 * schema changes (ignore / sync_all_columns / fail), --full-refresh, a switch to a view. Upstream
 * model files unchanged; upstream's `DESCRIBE TABLE people` names the seed without its database
 * (see docs/dbt-clickhouse-conformance.md), here with it. TestCatchup's
 * test_full_refresh_catchup_disabled_no_exchange (dbt-clickhouse mocks its can_exchange) is in
 * no-renameat2.test.ts, on a warehouse client that refuses EXCHANGE TABLES.
 */

const VIEW_MODEL_HACKERS = `
{{ config(
       materialized='view'
) }}

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
`;


type P = ReturnType<typeof dbtProject>;
const count = async (p: P, table: string) => Number((await p.query<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);
const engine = async (p: P, schema: string, table: string) =>
  (await p.query<{ engine: string }>(`select engine from system.tables where database = '${schema}' and name = '${table}'`))[0]?.engine;
const describe1 = async (p: P, table: string) => (await p.query<{ name: string; type: string }>(`DESCRIBE TABLE ${table}`)).map((c) => [c.name, c.type]);
const insertPeople = (p: P, values: string) => p.query(`insert into {schema}.people ("id", "name", "age", "department") values ${values}`);

describe('dbt-clickhouse test_materialized_view', () => {
  it('TestBasicMV.test_create: the model is a table, <model>_mv the view; inserts reach the table', async () => {
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers.sql': MV_MODEL } });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await describe1(p, '{schema}.people'))[0]![1]).toBe('Int32');
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    expect((await describe1(p, '{schema}.hackers'))[0]![1]).toBe('Int32');
    expect((await describe1(p, '{schema}.hackers_mv'))[0]![1]).toBe('Int32');
    expect(await p.relationTypes(['hackers_mv', 'hackers'])).toEqual({ hackers_mv: 'materialized_view', hackers: 'table' });
    await insertPeople(p, `(1232,'Dade',16,'engineering'), (9999,'eugene',40,'malware')`);
    expect(await count(p, '{schema}.hackers')).toBe(4);
  });

  describe('TestUpdateMV', () => {
    const project = () =>
      dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers_mv.sql': MV_MODEL, 'hackers.sql': VIEW_MODEL_HACKERS } });
    const aliasesOfDade = async (p: P) => (await p.query(`select distinct hacker_alias from {schema}.hackers_mv where name = 'Dade'`)).length;

    it('test_update_incremental: a changed SELECT applies to new inserts; without on_schema_change the new column is not added', async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      await p.dbt(['run', '--vars', JSON.stringify({ use_updated_schema: true })]);
      await insertPeople(p, `(1232,'Dade',11,'engineering'), (9999,'eugene',40,'malware')`);
      expect(await aliasesOfDade(p)).toBe(2);
      expect((await describe1(p, '{schema}.hackers_mv')).some(([n]) => n === 'id2')).toBe(false);
    });

    it('test_update_incremental_on_schema_change_sync_all_columns: the target gains id2, and loses it again', async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      await p.dbt(['run', '--vars', JSON.stringify({ use_updated_schema: true, on_schema_change: 'sync_all_columns' })]);
      await insertPeople(p, `(1232,'Dade',11,'engineering'), (9999,'eugene',40,'malware')`);
      expect((await describe1(p, '{schema}.hackers_mv')).some(([n, t]) => n === 'id2' && t === 'Int32')).toBe(true);
      await p.dbt(['run', '--vars', JSON.stringify({ on_schema_change: 'sync_all_columns' })]);
      expect((await describe1(p, '{schema}.hackers_mv')).some(([n]) => n === 'id2')).toBe(false);
    });

    it('test_update_incremental_on_schema_change_fail: the run fails saying the schemas are out of sync', async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      const run = await p.dbt(['run', '--vars', JSON.stringify({ use_updated_schema: true, on_schema_change: 'fail' })], { expectPass: false });
      const failed = run.results.find((r) => r.status === 'error');
      expect(failed?.message).toMatch(/out of sync/);
    });

    it('test_update_full_refresh: --full-refresh with the new SELECT', async () => {
      const p = project();
      await p.dbt(['seed']);
      await p.dbt(['run']);
      await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ use_updated_schema: true })]);
      await insertPeople(p, `(1232,'Dade',11,'engineering'), (9999,'eugene',40,'malware')`);
      expect(await aliasesOfDade(p)).toBe(2);
    });

    it('test_mv_is_dropped_on_full_refresh: switched to a view with --full-refresh, the _mv view is gone', async () => {
      const p = project();
      expect((await p.dbt(['seed'])).results).toHaveLength(1);
      expect((await p.dbt(['run'])).results).toHaveLength(2);
      expect(await engine(p, p.schema, 'hackers_mv')).toMatch(/MergeTree/);
      expect(await engine(p, p.schema, 'hackers_mv_mv')).toBe('MaterializedView');
      expect((await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ use_view: true })])).results).toHaveLength(2);
      expect(await engine(p, p.schema, 'hackers_mv')).toBe('View');
      expect(await engine(p, p.schema, 'hackers_mv_mv')).toBeUndefined();
    });

    it('test_view_full_refresh_does_not_affect_existing_mv_with_mv_suffix', async () => {
      const p = project();
      await p.dbt(['seed']);
      expect((await p.dbt(['run'])).results).toHaveLength(2);
      expect(await engine(p, p.schema, 'hackers')).toBe('View');
      expect(await engine(p, p.schema, 'hackers_mv')).toMatch(/MergeTree/);
      expect(await engine(p, p.schema, 'hackers_mv_mv')).toBe('MaterializedView');
      expect([await count(p, '{schema}.hackers'), await count(p, '{schema}.hackers_mv')]).toEqual([3, 3]);
      expect((await p.dbt(['run', '--full-refresh', '--select', 'hackers'])).results).toHaveLength(1);
      expect(await engine(p, p.schema, 'hackers')).toBe('View');
      expect(await engine(p, p.schema, 'hackers_mv_mv')).toBe('MaterializedView');
      expect([await count(p, '{schema}.hackers'), await count(p, '{schema}.hackers_mv')]).toEqual([3, 3]);
      await insertPeople(p, `(7777,'Neo',30,'engineering')`);
      expect([await count(p, '{schema}.hackers'), await count(p, '{schema}.hackers_mv')]).toEqual([4, 4]);
    });
  });

  describe('TestCatchup', () => {
    const project = () => dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers.sql': MV_MODEL } });

    it('test_initial_creation_catchup_disabled: catchup=False starts empty and sees only new inserts', async () => {
      const p = project();
      const schema = `${p.schema}_catchup_initial`;
      await p.dbt(['seed']);
      expect((await p.dbt(['run', '--vars', JSON.stringify({ schema_name: 'catchup_initial', catchup: false })])).results).toHaveLength(1);
      expect((await describe1(p, `${schema}.hackers`))[0]![1]).toBe('Int32');
      expect(await engine(p, schema, 'hackers_mv')).toBe('MaterializedView');
      expect(await count(p, `${schema}.hackers`)).toBe(0);
      await insertPeople(p, `(1232,'Dade',16,'engineering'), (9999,'eugene',40,'malware')`);
      expect(await count(p, `${schema}.hackers`)).toBe(1);
    });

    it('test_full_refresh_catchup_disabled: a full refresh with catchup=False does not backfill', async () => {
      const p = project();
      const schema = `${p.schema}_catchup_full_refresh_disabled`;
      await p.dbt(['seed']);
      await p.dbt(['run', '--vars', JSON.stringify({ schema_name: 'catchup_full_refresh_disabled', catchup: false })]);
      expect(await count(p, `${schema}.hackers`)).toBe(0);
      await insertPeople(p, `(1232,'Dade',16,'engineering'), (9999,'eugene',40,'malware')`);
      expect(await count(p, `${schema}.hackers`)).toBe(1);
      await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ schema_name: 'catchup_full_refresh_disabled', catchup: false, use_updated_schema: true })]);
      expect(await count(p, `${schema}.hackers`)).toBe(0);
      await insertPeople(p, `(5555,'Trinity',29,'engineering')`);
      expect(await count(p, `${schema}.hackers`)).toBe(1);
    });

    it('test_full_refresh_catchup_enabled: a full refresh backfills every row', async () => {
      const p = project();
      const schema = `${p.schema}_catchup_full_refresh_enabled`;
      await p.dbt(['seed']);
      await p.dbt(['run', '--vars', JSON.stringify({ schema_name: 'catchup_full_refresh_enabled' })]);
      expect(await count(p, `${schema}.hackers`)).toBe(3);
      await insertPeople(p, `(1232,'Dade',16,'engineering'), (9999,'eugene',40,'malware')`);
      expect(await count(p, `${schema}.hackers`)).toBe(4);
      await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ schema_name: 'catchup_full_refresh_enabled', use_updated_schema: true })]);
      expect(await count(p, `${schema}.hackers`)).toBe(4);
    });

    it('test_catchup_toggle_between_runs: catchup off, then a full refresh with it on backfills all', async () => {
      const p = project();
      const schema = `${p.schema}_catchup_toggle`;
      await p.dbt(['seed']);
      await p.dbt(['run', '--vars', JSON.stringify({ schema_name: 'catchup_toggle', catchup: false })]);
      expect(await count(p, `${schema}.hackers`)).toBe(0);
      await insertPeople(p, `(1232,'Dade',16,'engineering')`);
      expect(await count(p, `${schema}.hackers`)).toBe(1);
      await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ schema_name: 'catchup_toggle', use_updated_schema: true })]);
      expect(await count(p, `${schema}.hackers`)).toBe(4);
    });
  });
});
