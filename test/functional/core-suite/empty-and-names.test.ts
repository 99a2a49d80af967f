import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/test_empty.py (TestEmptyFlag), sources/test_name_chars.py (TestNameChars:
 * a source table named `"/test/orders"`, quotes and slashes, in a valid manifest.json) and
 * threading/test_thread_count.py (20 models at --threads 16 over a profile of 2; Postgres's
 * pg_sleep(1) is ClickHouse's sleep(1)).
 */
describe('--empty (test_empty.py)', () => {
  it('TestEmptyFlag: run/build --empty build the model with no rows; a unit test still runs; compile --empty', async () => {
    const p = dbtProject({
      seeds: { 'raw_source.csv': 'id\n3\n' },
      models: {
        'model_input.sql': '\nselect 1 as id\n',
        'ephemeral_model_input.sql': "\n{{ config(materialized='ephemeral') }}\nselect 2 as id\n",
        'model.sql': "\nselect *\nfrom {{ ref('model_input') }}\nunion all\nselect *\nfrom {{ ref('ephemeral_model_input') }}\nunion all\nselect *\nfrom {{ source('seed_sources', 'raw_source') }}\n",
        'model_no_ephemeral_ref.sql': "\nselect *\nfrom {{ ref('model_input') }}\nunion all\nselect *\nfrom {{ source('seed_sources', 'raw_source') }}\n",
        'sources.yml': '\nsources:\n  - name: seed_sources\n    schema: "{{ target.schema }}"\n    tables:\n      - name: raw_source\n',
        'unit_tests.yml': "\nunit_tests:\n  - name: test_my_model\n    model: model_no_ephemeral_ref\n    given:\n      - input: ref('model_input')\n        format: csv\n        rows: |\n          id\n          1\n      - input: source('seed_sources', 'raw_source')\n        format: csv\n        rows: |\n          id\n          2\n    expect:\n      format: csv\n      rows: |\n        id\n        1\n        2\n",
      },
    });
    const count = async () => Number((await p.query<{ n: string }>('select count(*) as n from {schema}.model'))[0]!.n);
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await count()).toBe(3);
    await p.dbt(['run', '--empty']);
    expect(await count()).toBe(0);
    await p.dbt(['build']);
    expect(await count()).toBe(3);
    await p.dbt(['build', '--empty']);
    expect(await count()).toBe(0);
    await p.dbt(['compile', '--empty']);
  });
});

describe('source names (sources/test_name_chars.py)', () => {
  it('TestNameChars: a table name with quotes and a slash parses and manifest.json reads back', async () => {
    const p = dbtProject({
      models: {
        'orders.sql': 'select 1 as id\n',
        'sources.yml': '\nsources:\n  - name: something_else\n    database: raw\n    schema: jaffle_shop\n    tables:\n      - name: "\\"/test/orders\\""\n      - name: customers\n',
      },
    });
    await p.dbt(['parse']);
    const sources = Object.keys(p.readJson('target/manifest.json').sources);
    expect(sources.sort()).toEqual(['source.test.something_else."/test/orders"', 'source.test.something_else.customers']);
  });
});

describe('threads (threading/test_thread_count.py)', () => {
  it('TestThreadCount: --threads 16 over a profile of 2 runs all 20 models', async () => {
    const models = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`do_nothing_${i + 1}.sql`, '\nwith x as (select sleep(1)) select 1\n']));
    const p = dbtProject({ models, projectConfig: 'config-version: 2\n' });
    p.write({ 'profiles.yml': (await import('node:fs')).readFileSync(`${p.dir}/profiles.yml`, 'utf8').replace('threads: 4', 'threads: 2') });
    const r = await p.dbt(['run', '--threads', '16']);
    expect(r.results.filter((x) => x.status === 'success')).toHaveLength(20);
    expect(r.out.join('\n')).toContain('Concurrency: 16 threads');
  });
});
