import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter/projections/test_projections.py: the `projections`
 * config. Upstream reads system.query_log to see that a query used the projection; the embedded
 * engine keeps no query_log, so the query runs with `force_optimize_projection = 1`, which fails
 * unless a projection answers it — the same fact.
 */

const PEOPLE_SEED_CSV = `id,name,age,department
1231,Dade,33,engineering
6666,Ksenia,48,engineering
8888,Kate,50,engineering
1232,Eugene,40,malware
9999,Paul,25,sales
`;

const projection = (name: string, agg: string) => `
           {
               'name': '${name}',
               'query': 'SELECT department, ${agg}(age) AS avg_age GROUP BY department'
           }`;
const model = (materialized: string, projections: string[]) => `
{{ config(
       materialized='${materialized}',
       projections=[${projections.join(',')}
       ]
) }}

select
    id,
    name,
    age,
    department
from {{ source('raw', 'people') }}
`;

describe('dbt-clickhouse test_projections', () => {
  const project = () =>
    dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: {
        'people_with_projection.sql': model('table', [projection('projection_avg_age', 'avg')]),
        'distributed_people_with_projection.sql': model('distributed_table', [projection('projection_avg_age', 'avg')]),
        'people_with_multiple_projections.sql': model('table', [projection('projection_avg_age', 'avg'), projection('projection_sum_age', 'sum')]),
      },
    });
  const forced = 'SETTINGS force_optimize_projection = 1';

  it('test_create_and_verify_projection: the table has the projection and it answers the aggregate', async () => {
    const p = project();
    await p.dbt(['seed']);
    await p.dbt(['run', '--select', 'people_with_projection']);
    const rows = await p.query(`SELECT department, avg(age) AS avg_age FROM {schema}.people_with_projection GROUP BY department ORDER BY department ${forced}`);
    expect(rows).toEqual([
      { department: 'engineering', avg_age: 43.666666666666664 },
      { department: 'malware', avg_age: 40 },
      { department: 'sales', avg_age: 25 },
    ]);
    expect(await p.query(`select distinct name from system.projection_parts where database = '{schema}' and table = 'people_with_projection' and active`)).toEqual([{ name: 'projection_avg_age' }]);
  });

  it('test_create_and_verify_multiple_projections: both projections answer their aggregates', async () => {
    const p = project();
    await p.dbt(['seed']);
    await p.dbt(['run', '--select', 'people_with_multiple_projections']);
    expect(await p.query(`SELECT department, avg(age) AS avg_age FROM {schema}.people_with_multiple_projections GROUP BY department ORDER BY department ${forced}`)).toEqual([
      { department: 'engineering', avg_age: 43.666666666666664 },
      { department: 'malware', avg_age: 40 },
      { department: 'sales', avg_age: 25 },
    ]);
    expect(await p.query(`SELECT department, sum(age) AS sum_age FROM {schema}.people_with_multiple_projections GROUP BY department ORDER BY department ${forced}`)).toEqual([
      { department: 'engineering', sum_age: '131' },
      { department: 'malware', sum_age: '40' },
      { department: 'sales', sum_age: '25' },
    ]);
    const names = await p.query<{ name: string }>(`select distinct name from system.projection_parts where database = '{schema}' and table = 'people_with_multiple_projections' and active order by name`);
    expect(names.map((r) => r.name)).toEqual(['projection_avg_age', 'projection_sum_age']);
  });
});

/*
 * dbt-clickhouse's open PR 1b26c3b (over c5c810b) of test_projections.py: TestIndexProjections and
 * TestIndexProjectionValidation — a projection given an `index` (a column or a list) instead of a
 * `query` is a projection index (the rows' positions ordered by those columns); both or neither is
 * dbt-clickhouse's error, and the model's table is left as it was.
 */
describe('dbt-clickhouse test_projections (index projections)', () => {
  const indexModel = (projections: string) => `
{{ config(
       materialized='table',
       order_by='id',
       projections=${projections}
) }}
select id, name, age, department from {{ source('raw', 'people') }}
`;
  const project = () =>
    dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: {
        'people_with_index_projection.sql': indexModel("[{'name': 'proj_by_age', 'index': 'age'}]"),
        'people_with_multi_index_projection.sql': indexModel("[{'name': 'proj_by_dept_age', 'index': ['department', 'age']}]"),
        'both_query_and_index.sql': indexModel("[{'name': 'bad_proj', 'query': 'SELECT department ORDER BY department', 'index': 'age'}]"),
        'no_query_or_index.sql': indexModel("[{'name': 'bad_proj'}]"),
      },
    });

  it('TestIndexProjections: a single-column and a multi-column index projection', async () => {
    const p = project();
    await p.dbt(['seed']);
    for (const [model, proj] of [['people_with_index_projection', 'proj_by_age'], ['people_with_multi_index_projection', 'proj_by_dept_age']]) {
      await p.dbt(['run', '--select', model!]);
      expect(await p.query(`SELECT name FROM system.projections WHERE database = '{schema}' AND table = '${model}' AND name = '${proj}'`)).toEqual([{ name: proj }]);
      expect(await p.query(`SELECT toUInt8(count()) AS n FROM {schema}.${model}`)).toEqual([{ n: 5 }]);
    }
  });

  it("TestIndexProjectionValidation: both 'query' and 'index', or neither, fail with dbt-clickhouse's message; an existing table is kept", async () => {
    const p = project();
    await p.dbt(['seed']);
    const both = await p.dbt(['run', '--select', 'both_query_and_index'], { expectPass: false });
    expect(both.results.some((r) => (r.message ?? '').includes("cannot specify both 'query' and 'index'"))).toBe(true);
    const neither = await p.dbt(['run', '--select', 'no_query_or_index'], { expectPass: false });
    expect(neither.results.some((r) => (r.message ?? '').includes("must specify either 'query' or 'index'"))).toBe(true);
    // (TestDistributedProjectionValidationPreservesTable's point, on a table: a bad config changes nothing)
    await p.dbt(['run', '--select', 'people_with_index_projection']);
    p.write({ 'models/people_with_index_projection.sql': indexModel("[{'name': 'bad_proj', 'query': 'SELECT department ORDER BY department', 'index': 'age'}]") });
    const bad = await p.dbt(['run', '--select', 'people_with_index_projection'], { expectPass: false });
    expect(bad.results.some((r) => (r.message ?? '').includes("cannot specify both 'query' and 'index'"))).toBe(true);
    expect(await p.query(`SELECT toUInt8(count()) AS n FROM {schema}.people_with_index_projection`)).toEqual([{ n: 5 }]);
    expect(await p.query(`SELECT name FROM system.projections WHERE database = '{schema}' AND table = 'people_with_index_projection'`)).toEqual([{ name: 'proj_by_age' }]);
  });
});
