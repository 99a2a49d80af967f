import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { PEOPLE_SEED_CSV, SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_refreshable_materialized_view_external_target.py:
 * a refreshable materialized_view model writing into a table model through
 * `materialization_target_table(ref('hackers_target'))` — the model's relation is the view itself
 * (`hackers`); depends_on_validation; refresh parameters changed in place (same uuid).
 */
const TARGET_TABLE_MODEL = `
{{ config(
       materialized='table',
       engine='MergeTree()',
       order_by='(department)'
) }}

SELECT
    '' AS department,
    toFloat64(0) AS average
WHERE 0  -- Creates empty table with correct schema
`;

const MV_MODEL = `
{{ config(
       materialized='materialized_view',
       refreshable=(
           {
               "interval": "EVERY 2 MINUTE",
               "depends_on": ['depend_on_model'],
               "depends_on_validation": True
           } if var('run_type', '') == 'validate_depends_on' else {
               "interval": "EVERY 2 MINUTE"
           }
       )
) }}

{{ materialization_target_table(ref('hackers_target')) }}

select
    department,
    avg(age) as average
from {{ source('raw', 'people') }}
group by department
`;

const MV_REFRESH_UPDATE_MODEL = `
{{ config(
       materialized='materialized_view',
       refreshable=(
           {
               "interval": "EVERY 5 MINUTE",
               "randomize": "30 SECOND"
           } if var('run_type', '') == 'update_refresh_params' else {
               "interval": "EVERY 2 MINUTE"
           }
       )
) }}

{{ materialization_target_table(ref('hackers_target')) }}

select
    department,
    avg(age) as average
from {{ source('raw', 'people') }}
group by department
`;

const project = (mv: string) => dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers_target.sql': TARGET_TABLE_MODEL, 'hackers.sql': mv } });
type P = ReturnType<typeof project>;
const ddlAndUuid = async (p: P) =>
  (await p.query<{ create_table_query: string; uuid: string }>("select create_table_query, toString(uuid) as uuid from system.tables where database = '{schema}' and name = 'hackers'"))[0]!;

describe('dbt-clickhouse test_refreshable_materialized_view_external_target', () => {
  it('TestBasicExternalTargetRefreshableMV.test_create: the model is the refreshable view, scheduled, writing into the table model', async () => {
    const p = project(MV_MODEL);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.query<{ type: string }>('DESCRIBE TABLE {schema}.people'))[0]!.type).toBe('Int32');
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    expect((await p.query<{ type: string }>('DESCRIBE TABLE {schema}.hackers_target'))[0]!.type).toBe('String');
    expect((await p.query<{ type: string }>('DESCRIBE {schema}.hackers'))[0]!.type).toBe('String');
    expect(await p.relationTypes(['hackers', 'hackers_target'])).toEqual({ hackers: 'materialized_view', hackers_target: 'table' });
    const [status] = await p.query<{ status: string }>("select status from system.view_refreshes where database = '{schema}' and view = 'hackers'");
    expect(['Scheduled', 'Running']).toContain(status?.status);
  });

  it("TestBasicExternalTargetRefreshableMV.test_validate_dependency: a depends_on view that does not exist is dbt-clickhouse's error", async () => {
    const p = project(MV_MODEL);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    const r = await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'validate_depends_on' })], { expectPass: false });
    const errors = r.results.filter((x) => x.status === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.message).toContain('No existing MV found matching MV');
  });

  it('TestModifyRefreshParamsExternalTargetMV: new refresh parameters applied in place (same uuid)', async () => {
    const p = project(MV_REFRESH_UPDATE_MODEL);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const before = await ddlAndUuid(p);
    expect(before.create_table_query).toContain('REFRESH EVERY 2 MINUTE');
    expect((await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'update_refresh_params' })])).results).toHaveLength(2);
    const after = await ddlAndUuid(p);
    expect(after.create_table_query).toContain('REFRESH EVERY 5 MINUTE');
    expect(after.create_table_query).toContain('RANDOMIZE FOR 30 SECOND');
    expect(after.uuid).toBe(before.uuid);
  });
});
