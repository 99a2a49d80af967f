import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { PEOPLE_SEED_CSV, SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_refreshable_materialized_view.py:
 * `refreshable` materialized views (the model is the table, `<model>_mv` the view), their schedule
 * changed in place (MODIFY REFRESH keeps the view's uuid), conversions. Upstream model files
 * unchanged. Where dbt-clickhouse refuses a change without --full-refresh (a regular view made
 * refreshable or back, APPEND toggled), tsdbt replaces the view in the normal run: the cases check
 * the end state, which both reach (docs/dbt-clickhouse-conformance.md).
 */

const MV_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(department)',
       refreshable=(
           {
               "interval": "EVERY 2 MINUTE",
               "depends_on": ['depend_on_model'],
               "depends_on_validation": True
           } if var('run_type', '') == 'validate_depends_on' else {
               "interval": "EVERY 2 MINUTE"
           }
       )
       )
 }}
select
    department,
    avg(age) as average
    from {{ source('raw', 'people') }}
group by department
`;

const MV_REFRESH_UPDATE_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(department)',
       refreshable=(
           {
               "interval": "EVERY 5 MINUTE",
               "randomize": "30 SECOND"
           } if var('run_type', '') == 'update_refresh_params' else {
               "interval": "EVERY 2 MINUTE"
           }
       )
       )
 }}
select
    department,
    avg(age) as average
    from {{ source('raw', 'people') }}
group by department
`;

const PLAIN_TO_REFRESHABLE_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(department)',
       refreshable=(
           {
               "interval": "EVERY 2 MINUTE"
           } if var('run_type', '') == 'make_refreshable' else none
       )
       )
 }}
select
    department,
    avg(age) as average
    from {{ source('raw', 'people') }}
group by department
`;

const REFRESHABLE_TO_PLAIN_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(department)',
       refreshable=(
           none if var('run_type', '') == 'make_regular' else {
               "interval": "EVERY 2 MINUTE"
           }
       )
       )
 }}
select
    department,
    avg(age) as average
    from {{ source('raw', 'people') }}
group by department
`;

const APPEND_UPDATE_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(department)',
       refreshable=(
           {
               "interval": "EVERY 5 MINUTE",
               "append": True
           } if var('run_type', '') == 'update_refresh_params' else {
               "interval": "EVERY 2 MINUTE",
               "append": True
           }
       )
       )
 }}
select
    department,
    avg(age) as average
    from {{ source('raw', 'people') }}
group by department
`;

const APPEND_TOGGLE_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(department)',
       refreshable=(
           {
               "interval": "EVERY 2 MINUTE"
           } if var('run_type', '') == 'drop_append' else {
               "interval": "EVERY 2 MINUTE",
               "append": True
           }
       )
       )
 }}
select
    department,
    avg(age) as average
    from {{ source('raw', 'people') }}
group by department
`;

const REFRESHABLE_FALSE_MODEL = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(department)',
       refreshable=false
       )
 }}
select
    department,
    avg(age) as average
    from {{ source('raw', 'people') }}
group by department
`;

type P = ReturnType<typeof dbtProject>;
const project = (model: string) => dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers.sql': model } });
const ddlAndUuid = async (p: P) =>
  (await p.query<{ create_table_query: string; uuid: string }>(`select create_table_query, toString(uuid) as uuid from system.tables where database = '{schema}' and name = 'hackers_mv'`))[0]!;

describe('dbt-clickhouse test_refreshable_materialized_view', () => {
  it('TestBasicRefreshableMV.test_create: a scheduled refreshable view into the model table', async () => {
    const p = project(MV_MODEL);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    expect((await p.query<{ type: string }>(`DESCRIBE TABLE {schema}.hackers`))[0]!.type).toBe('String');
    expect((await p.query<{ type: string }>(`DESCRIBE {schema}.hackers_mv`))[0]!.type).toBe('String');
    expect(await p.relationTypes(['hackers_mv', 'hackers'])).toEqual({ hackers_mv: 'materialized_view', hackers: 'table' });
    const [status] = await p.query<{ status: string }>(`select status from system.view_refreshes where database = '{schema}' and view = 'hackers_mv'`);
    expect(['Scheduled', 'Running']).toContain(status?.status);
  });

  it("TestBasicRefreshableMV.test_validate_dependency: depends_on_validation with a view that does not exist is dbt-clickhouse's error", async () => {
    const p = project(MV_MODEL);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    const r = await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'validate_depends_on' })], { expectPass: false });
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toContain('No existing MV found matching MV');
    expect(await p.relationTypes(['hackers_mv'])).toEqual({ hackers_mv: undefined });
  });

  it('TestModifyRefreshParamsMV: a new interval and randomize are applied in place (same uuid); the same again is harmless', async () => {
    const p = project(MV_REFRESH_UPDATE_MODEL);
    await p.dbt(['seed']);
    await p.dbt(['run']);
    const before = await ddlAndUuid(p);
    expect(before.create_table_query).toContain('REFRESH EVERY 2 MINUTE');
    const vars = JSON.stringify({ run_type: 'update_refresh_params' });
    await p.dbt(['run', '--vars', vars]);
    const after = await ddlAndUuid(p);
    expect(after.create_table_query).toContain('REFRESH EVERY 5 MINUTE');
    expect(after.create_table_query).toContain('RANDOMIZE FOR 30 SECOND');
    expect(after.uuid).toBe(before.uuid);
    await p.dbt(['run', '--vars', vars]);
    const noop = await ddlAndUuid(p);
    expect(noop.create_table_query).toContain('REFRESH EVERY 5 MINUTE');
    expect(noop.uuid).toBe(after.uuid);
  });

  it('TestModifyRefreshParamsAppendMV: an APPEND view keeps APPEND when its interval changes in place', async () => {
    const p = project(APPEND_UPDATE_MODEL);
    await p.dbt(['seed']);
    await p.dbt(['run']);
    const before = await ddlAndUuid(p);
    expect(before.create_table_query).toContain('REFRESH EVERY 2 MINUTE');
    expect(before.create_table_query).toContain(' APPEND ');
    await p.dbt(['run']);
    await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'update_refresh_params' })]);
    const after = await ddlAndUuid(p);
    expect(after.create_table_query).toContain('REFRESH EVERY 5 MINUTE');
    expect(after.create_table_query).toContain(' APPEND ');
    expect(after.uuid).toBe(before.uuid);
  });

  it('TestRegularToRefreshableMV / TestRefreshableToRegularMV: the view follows the config (dbt-clickhouse asks for --full-refresh)', async () => {
    const p = project(PLAIN_TO_REFRESHABLE_MODEL);
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect((await ddlAndUuid(p)).create_table_query).not.toContain(' REFRESH ');
    await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'make_refreshable' })]);
    expect((await ddlAndUuid(p)).create_table_query).toContain('REFRESH EVERY 2 MINUTE');
    const q = project(REFRESHABLE_TO_PLAIN_MODEL);
    await q.dbt(['seed']);
    await q.dbt(['run']);
    expect((await ddlAndUuid(q)).create_table_query).toContain('REFRESH EVERY 2 MINUTE');
    await q.dbt(['run', '--vars', JSON.stringify({ run_type: 'make_regular' })]);
    expect((await ddlAndUuid(q)).create_table_query).not.toContain(' REFRESH ');
    expect(await q.query(`select department, average from {schema}.hackers order by department`)).toEqual([
      { department: 'engineering', average: 43.666666666666664 },
      { department: 'sales', average: 20 },
    ]);
  });

  it('TestChangeAppendRefreshableMV: APPEND dropped (dbt-clickhouse asks for --full-refresh)', async () => {
    const p = project(APPEND_TOGGLE_MODEL);
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect((await ddlAndUuid(p)).create_table_query).toContain(' APPEND ');
    await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ run_type: 'drop_append' })]);
    expect((await ddlAndUuid(p)).create_table_query).not.toContain(' APPEND ');
  });

  it('refreshable=false is a regular materialized view', async () => {
    const p = project(REFRESHABLE_FALSE_MODEL);
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect((await ddlAndUuid(p)).create_table_query).not.toContain(' REFRESH ');
    expect(await p.query(`select count() as n from {schema}.hackers`)).toEqual([{ n: '2' }]);
  });
});
