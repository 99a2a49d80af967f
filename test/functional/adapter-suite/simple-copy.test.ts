import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from './dbt-project.js';

/*
 * dbt-tests-adapter simple_copy/test_simple_copy.py (SimpleCopyBase incl. the materialized-views
 * case, EmptyModelsArentRunBase): a seed copied by a view, two incrementals, a table and a model
 * that asks adapter.get_relation first; the seed grows and everything follows. A model file with
 * no SQL at all is not selected (dbt's `node.empty`), a disabled one neither. Redshift's sort
 * configs are accepted and ignored. The seed rows are generated (upstream's are 100 then 200 fake
 * people: only their number and columns matter).
 */
const people = (n: number) =>
  `id,first_name,last_name,email,gender,ip_address\n${Array.from({ length: n }, (_, i) => `${i + 1},First${i},Last${i},p${i}@example.com,${i % 2 ? 'Male' : 'Female'},10.1.${i % 250}.${i % 7}`).join('\n')}\n`;

const MODELS = {
  'advanced_incremental.sql': '\n{{\n  config(\n    materialized = "incremental",\n    unique_key = "id",\n    persist_docs = {"relation": true}\n  )\n}}\n\nselect *\nfrom {{ ref(\'seed\') }}\n\n{% if is_incremental() %}\n\n    where id > (select max(id) from {{this}})\n\n{% endif %}\n',
  'compound_sort.sql': '\n{{\n  config(\n    materialized = "table",\n    sort = \'first_name\',\n    sort_type = \'compound\'\n  )\n}}\n\nselect * from {{ ref(\'seed\') }}\n',
  'disabled.sql': '\n{{\n  config(\n    materialized = "view",\n    enabled = False\n  )\n}}\n\nselect * from {{ ref(\'seed\') }}\n',
  'empty.sql': '\n',
  'get_and_ref.sql': "\n{%- do adapter.get_relation(database=target.database, schema=target.schema, identifier='materialized') -%}\n\nselect * from {{ ref('materialized') }}\n",
  'incremental.sql': '\n{{\n  config(\n    materialized = "incremental"\n  )\n}}\n\nselect * from {{ ref(\'seed\') }}\n\n{% if is_incremental() %}\n    where id > (select max(id) from {{this}})\n{% endif %}\n',
  'interleaved_sort.sql': '\n{{\n  config(\n    materialized = "table",\n    sort = [\'first_name\', \'last_name\'],\n    sort_type = \'interleaved\'\n  )\n}}\n\nselect * from {{ ref(\'seed\') }}\n',
  'materialized.sql':
    '\n{{\n  config(\n    materialized = "table"\n  )\n}}\n-- ensure that dbt_utils\' relation check will work\n{% set relation = ref(\'seed\') %}\n{%- if not (relation is mapping and relation.get(\'metadata\', {}).get(\'type\', \'\').endswith(\'Relation\')) -%}\n    {%- do exceptions.raise_compiler_error("Macro " ~ macro ~ " expected a Relation but received the value: " ~ relation) -%}\n{%- endif -%}\n-- this is a unicode character: å\nselect * from {{ relation }}\n',
  'view_model.sql': '\n{{\n  config(\n    materialized = "view"\n  )\n}}\n\nselect * from {{ ref(\'seed\') }}\n',
  'schema.yml': '\nversion: 2\nmodels:\n- name: disabled\n  columns:\n  - name: id\n    data_tests:\n    - unique\n',
};
const COPIES = ['seed', 'view_model', 'incremental', 'materialized', 'get_and_ref'];

describe('simple copy (dbt-tests-adapter simple_copy/test_simple_copy.py)', () => {
  it('SimpleCopyBase: test_simple_copy (seed, run, grow the seed, seed + run again)', async () => {
    const p = dbtProject({ models: MODELS, seeds: { 'seed.csv': people(100) }, projectConfig: 'seeds:\n  quote_columns: false\n' });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(7);
    await expectRelationsEqual(p, COPIES);

    p.write({ 'seeds/seed.csv': people(200) });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(7);
    await expectRelationsEqual(p, COPIES);
    expect((await p.query<{ n: string }>('select count() as n from {schema}.incremental'))[0]!.n).toBe('200');
  });

  it('SimpleCopyBase: test_simple_copy_with_materialized_views (unrelated MV and view in the schema)', async () => {
    const p = dbtProject({ models: MODELS, seeds: { 'seed.csv': people(100) }, projectConfig: 'seeds:\n  quote_columns: false\n' });
    await p.query('create database if not exists {schema}');
    await p.query('create table {schema}.unrelated_table (id Int32) engine = MergeTree order by id');
    await p.query('create materialized view {schema}.unrelated_materialized_view engine = MergeTree order by id as select * from {schema}.unrelated_table');
    await p.query('create view {schema}.unrelated_view as select * from {schema}.unrelated_materialized_view');
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(7);
  });

  it("EmptyModelsArentRunBase: an empty model and a disabled one are not run", async () => {
    const p = dbtProject({ models: MODELS, seeds: { 'seed.csv': people(100) }, projectConfig: 'seeds:\n  quote_columns: false\n' });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(7);
    const tables = (await p.query<{ name: string }>("select name from system.tables where database = '{schema}'")).map((t) => t.name);
    expect(tables).not.toContain('empty');
    expect(tables).not.toContain('disabled');
  });

  it('BaseSimpleCopyUppercase (test_copy_uppercase): upper-case model names, a get_relation + ref of MATERIALIZED', async () => {
    const upper = Object.fromEntries(
      Object.entries(MODELS)
        .filter(([f]) => f.endsWith('.sql'))
        .map(([f, sql]) => [f.replace(/^(.*)\.sql$/, (_, n: string) => `${n.toUpperCase()}.sql`), f === 'get_and_ref.sql' ? "\n{%- do adapter.get_relation(database=target.database, schema=target.schema, identifier='MATERIALIZED') -%}\n\nselect * from {{ ref('MATERIALIZED') }}\n" : sql]),
    );
    const p = dbtProject({ models: { ...upper, 'schema.yml': MODELS['schema.yml'] }, seeds: { 'seed.csv': people(100) }, projectConfig: 'seeds:\n  quote_columns: false\n' });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(7);
    await expectRelationsEqual(p, ['seed', 'VIEW_MODEL', 'INCREMENTAL', 'MATERIALIZED', 'GET_AND_REF']);
  });
});
