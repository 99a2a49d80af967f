import { afterEach, describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/list/test_list.py (TestList): expect_select, expect_resource_type_multiple,
 * expect_resource_type_env_var and expect_selected_keys, on the part of its happy_path_project that
 * tsdbt has (models outer, sub/inner, ephemeral, incremental; a singular test; generic tests on
 * outer). Semantic models, metrics and saved queries are left out.
 */
const files = {
  models: {
    'outer.sql': 'select * from {{ ref("ephemeral") }}\n',
    'ephemeral.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id\n",
    'sub/inner.sql': 'select * from {{ ref("outer") }}\n',
    'incremental.sql': "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id') }}\nselect 1 as id\n",
    'schema.yml': 'version: 2\nmodels:\n  - name: outer\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\n',
  },
  tests: { 't.sql': 'select 1 as id limit 0\n' },
};
const lines = (out: string[]) => out.flatMap((l) => l.split('\n')).filter((l) => l.trim() && !/^\d\d:\d\d:\d\d/.test(l));
const MODELS = ['test.ephemeral', 'test.incremental', 'test.outer', 'test.sub.inner'];
const TESTS = ['test.not_null_outer_id', 'test.t', 'test.unique_outer_id'];

afterEach(() => {
  delete process.env.DBT_RESOURCE_TYPES;
  delete process.env.DBT_EXCLUDE_RESOURCE_TYPES;
});

describe('dbt ls (list/test_list.py)', () => {
  it('expect_select: tests of a model, outer+, --exclude, config.incremental_strategy:delete+insert', async () => {
    const p = dbtProject(files);
    const ls = async (args: string[]) => new Set(lines((await p.dbt(['ls', ...args])).out));
    expect(await ls(['--resource-type', 'test', '--select', 'outer'])).toEqual(new Set(['test.not_null_outer_id', 'test.unique_outer_id']));
    expect(await ls(['--resource-type', 'model', '--select', 'outer+'])).toEqual(new Set(['test.outer', 'test.sub.inner']));
    expect(await ls(['--resource-type', 'model', '--exclude', 'inner'])).toEqual(new Set(['test.ephemeral', 'test.outer', 'test.incremental']));
    expect(await ls(['--select', 'config.incremental_strategy:delete+insert'])).toEqual(new Set(['test.incremental']));
    await p.dbt(['ls', '--select', 'config.incremental_strategy:insert_overwrite']);
  });

  it('expect_resource_type_multiple: repeated and space-separated --resource-type', async () => {
    const p = dbtProject(files);
    const ls = async (args: string[]) => new Set(lines((await p.dbt(['ls', ...args])).out));
    expect(await ls(['--resource-type', 'test', '--resource-type', 'model'])).toEqual(new Set([...MODELS, ...TESTS]));
    expect(await ls(['--resource-type', 'test', '--resource-type', 'model', '--exclude', 'unique_outer_id'])).toEqual(new Set([...MODELS, ...TESTS].filter((n) => n !== 'test.unique_outer_id')));
    expect(await ls(['--resource-type', 'test', 'model', '--select', '+inner', 'outer+', '--exclude', 'inner'])).toEqual(new Set(['test.ephemeral', 'test.not_null_outer_id', 'test.unique_outer_id', 'test.outer']));
  });

  it('expect_resource_type_env_var: DBT_RESOURCE_TYPES and DBT_EXCLUDE_RESOURCE_TYPES', async () => {
    const p = dbtProject({ ...files, seeds: { 'seed.csv': 'a,b\n1,2\n' } });
    const ls = async () => new Set(lines((await p.dbt(['ls'])).out));
    process.env.DBT_RESOURCE_TYPES = 'test model';
    expect(await ls()).toEqual(new Set([...MODELS, ...TESTS]));
    delete process.env.DBT_RESOURCE_TYPES;
    process.env.DBT_EXCLUDE_RESOURCE_TYPES = 'test saved_query metric source semantic_model snapshot seed';
    expect(await ls()).toEqual(new Set(MODELS));
  });

  it('expect_selected_keys: --output json --output-keys (repeated, several, unknown); --model implies models only', async () => {
    const p = dbtProject(files);
    const json = async (args: string[]) => lines((await p.dbt(['ls', ...args])).out).map((l) => JSON.parse(l));
    expect(await json(['--model', 'inner', '--output', 'json', '--output-keys', 'database', 'schema', 'alias'])).toEqual([{ database: '', schema: p.schema, alias: 'inner' }]);
    expect(await json(['--model', 'inner', '--output', 'json', '--output-keys', 'database', '--output-keys', 'schema'])).toEqual([{ database: '', schema: p.schema }]);
    const tests = (await json(['--resource-type', 'test', '--output', 'json', '--output-keys', 'name', 'column_name'])).sort((a, b) => a.name.localeCompare(b.name));
    expect(tests).toEqual([
      { name: 'not_null_outer_id', column_name: 'id' },
      { name: 't' },
      { name: 'unique_outer_id', column_name: 'id' },
    ]);
    expect(await json(['--model', 'inner outer', '--output', 'json', '--output-keys', 'non_existent_key'])).toEqual([{}, {}]);
  });
});
