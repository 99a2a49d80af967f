import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse tests/integration/adapter: view/test_view.py, clickhouse/test_clickhouse_upper_case.py,
 * clickhouse/test_clickhouse_source_schema.py — upstream files unchanged; upstream's queries name the
 * view without its database (the session's database is the target schema, as here).
 */

const PEOPLE_SEED_CSV = `id,name,age,department
1231,Dade,33,engineering
6666,Ksenia,48,engineering
8888,Kate,50,engineering
`;

describe('dbt-clickhouse views, upper-case names, sources in other databases', () => {
  it('TestClickHouseView: a view, then the same view with one more column', async () => {
    const p = dbtProject({
      seeds: { 'people.csv': PEOPLE_SEED_CSV, 'schema.yml': SEED_SCHEMA_YML },
      models: {
        'people_view.sql': `
{{ config(
       materialized='view'
) }}

{% if var('run_type', '') == '' %}
    select id, name, age from {{ source('raw', 'people') }}
{% elif var('run_type', '') == 'update_view' %}
    select id, name, age, department from {{ source('raw', 'people') }}
{% endif %}
`,
      },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await p.query(`SELECT COUNT(*) AS n FROM people_view`)).toEqual([{ n: '3' }]);
    await p.dbt(['run', '--vars', JSON.stringify({ run_type: 'update_view' })]);
    expect((await p.query<{ name: string }>(`DESCRIBE TABLE people_view`)).map((c) => c.name)).toContain('department');
  });

  it('TestUpperCase: a model file named UPPER.sql in a project named upper_test, run twice', async () => {
    const p = dbtProject({
      projectConfig: '',
      seeds: {
        'seeds_upper.csv': `id,name,some_date
1,Easton,1981-05-20T06:46:51
2,Lillian,1978-09-03T18:10:33
3,Jeremiah,1982-03-11T03:59:51
`,
      },
      models: {
        'UPPER.sql': `
             {{ config(order_by='(some_date, id, name)', engine='MergeTree()', materialized='table',
                        settings={'allow_nullable_key': 1}) }}

            select * from {{ source('seeds', 'seeds_upper') }}
           `,
        'schema.yml': `
version: 2
sources:
  - name: seeds
    schema: "{{ target.schema }}"
    tables:
      - name: seeds_upper
        identifier: "{{ var('seed_name', 'seeds_upper') }}"
`,
      },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    for (let i = 0; i < 2; i++) expect((await p.dbt(['run'])).results.map((r) => r.unique_id)).toEqual(['model.test.UPPER']);
    expect(await p.query(`select count() as n from {schema}.UPPER`)).toEqual([{ n: '3' }]);
  });

  it("TestSourceSchema: a source in ClickHouse's system database (database: system)", async () => {
    const p = dbtProject({
      models: {
        'sys_tables.sql': `
                {{ config(order_by='(database, name)',
                 engine='MergeTree()',
                  materialized='table',
                  settings={'allow_nullable_key': 1}) }}

               select database, name, engine, total_rows from {{ source('system_source', 'tables') }}
              `,
        'sources.yml': `
version: 2
sources:
  - name: system_source
    database: system
    tables:
      - name: tables
        database: system
`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success']);
    expect(Number((await p.query<{ n: string }>(`select count() as n from {schema}.sys_tables`))[0]!.n)).toBeGreaterThan(0);
  });
});
