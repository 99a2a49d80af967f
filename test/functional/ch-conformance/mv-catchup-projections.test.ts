import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { PEOPLE_SEED_CSV, SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/test_catchup_projections.py
 * (TestCatchupFalseKeepsProjections, its #637): `catchup: false` builds the target empty but still
 * with its configured projections. The model sits in a custom schema (`<target>_catchup_projections`).
 */
const MV_WITH_PROJECTION_CATCHUP_FALSE = `
{{ config(
       materialized='materialized_view',
       engine='MergeTree()',
       order_by='(id)',
       catchup=False,
       schema='catchup_projections',
       projections=[
           {
               'name': 'projection_by_name',
               'query': 'SELECT id, name ORDER BY name'
           }
       ]
) }}

select
    id,
    name,
    age,
    department
from {{ source('raw', 'people') }}
where department = 'engineering'
`;

describe('dbt-clickhouse test_catchup_projections', () => {
  it('TestCatchupFalseKeepsProjections: catchup=false leaves the target empty, with its projection', async () => {
    const p = dbtProject({ seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML }, models: { 'hackers.sql': MV_WITH_PROJECTION_CATCHUP_FALSE } });
    const schema = `${p.schema}_catchup_projections`;
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    const r = await p.dbt(['run']);
    expect(r.results.map((x) => x.status)).toEqual(['success']);
    expect(await p.query<{ n: string }>(`select count(*) as n from \`${schema}\`.hackers`)).toEqual([{ n: '0' }]);
    const projections = await p.query<{ name: string }>(`SELECT name FROM system.projections WHERE database = '${schema}' AND table = 'hackers'`);
    expect(projections.map((x) => x.name)).toContain('projection_by_name');
    // The view writes new rows into it.
    await p.query("insert into {schema}.people values (9999, 'Zed', 40, 'engineering')");
    expect(await p.query<{ n: string }>(`select count(*) as n from \`${schema}\`.hackers`)).toEqual([{ n: '1' }]);
  });
});
