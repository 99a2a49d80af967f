import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { PEOPLE_SEED_CSV, SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_table_repopulate_from_mvs_on_full_refresh.py:
 * a table model two views write into (`materialization_target_table(ref(…))`, catchup=False);
 * `repopulate_from_mvs_on_full_refresh` on the table refills it from the views' SELECTs on
 * --full-refresh. Upstream model files unchanged.
 */

const TARGET_MODEL = `
{{ config(
       materialized='table'
) }}
{%- if var('enable_repopulate', false) %}
{{ config(repopulate_from_mvs_on_full_refresh=true) }}
{%- endif %}

SELECT
    toInt32(0) AS id,
    '' AS name,
    '' AS department
WHERE 0  -- Creates empty table with correct schema
`;

const MV_MODEL_1 = `
{{ config(
       materialized='materialized_view',
       catchup=False
) }}

{{ materialization_target_table(ref('employees_target')) }}

select
    p.id,
    p.name,
    'engineering' as department
from {{ source('raw', 'people') }} p
where p.department = 'engineering'
`;

const MV_MODEL_2 = `
{{ config(
       materialized='materialized_view',
       catchup=False
) }}

{{ materialization_target_table(ref('employees_target')) }}

select
    p.id,
    p.name,
    'sales' as department
from {{ source('raw', 'people') }} p
where p.department = 'sales'
`;

const count = async (p: ReturnType<typeof dbtProject>) => Number((await p.query<{ n: string }>(`select count(*) as n from {schema}.employees_target`))[0]!.n);

describe('dbt-clickhouse test_table_repopulate_from_mvs_on_full_refresh', () => {
  it('TestFullRefreshRepopulate: empty after the first run (catchup=False); a full refresh with repopulate fills it from both views', async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: { 'employees_target.sql': TARGET_MODEL, 'employees_mv_engineering.sql': MV_MODEL_1, 'employees_mv_sales.sql': MV_MODEL_2 },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    expect(await count(p)).toBe(0);
    expect((await p.dbt(['run', '--full-refresh', '--vars', JSON.stringify({ enable_repopulate: true })])).results).toHaveLength(3);
    expect(await p.query(`select department, count(*) as cnt from {schema}.employees_target group by department order by department`)).toEqual([
      { department: 'engineering', cnt: '3' },
      { department: 'sales', cnt: '3' },
    ]);
    await p.query(`insert into {schema}.people ("id", "name", "age", "department") values (4000,'Dave',40,'sales'), (5000,'Eve',35,'engineering')`);
    expect(await count(p)).toBe(8);
  });

  it('TestFullRefreshRepopulateDisabled: without repopulate a full refresh leaves it empty', async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: { 'employees_target.sql': TARGET_MODEL, 'employees_mv_engineering.sql': MV_MODEL_1 },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await count(p)).toBe(0);
    await p.dbt(['run', '--full-refresh']);
    expect(await count(p)).toBe(0);
  });
});
