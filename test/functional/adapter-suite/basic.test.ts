import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as f from './basic-files.js';
import { dbtProject, expectRelationsEqual, statusByName } from './dbt-project.js';

/*
 * dbt-tests-adapter basic/ (dbt/tests/adapter/basic/test_*.py) and dbt-clickhouse's
 * tests/integration/adapter/basic/ (which runs the same classes, with ClickHouse SQL where the
 * upstream SQL is Postgres'): each case is the upstream project and command sequence, with the
 * upstream assertions.
 */
describe('basic (dbt-tests-adapter basic/)', () => {
  it('BaseSimpleMaterializations: seed, run, catalog, swapping materializations', async () => {
    const p = dbtProject({
      models: {
        'view_model.sql': f.configured('view', f.MODEL_BASE),
        'table_model.sql': f.configured('table', f.MODEL_BASE),
        'swappable.sql': `  {{ config(materialized=var("materialized_var", "table"))}}\n${f.MODEL_BASE}`,
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      seeds: { 'base.csv': f.SEED_BASE },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    const run = await p.dbt(['run']);
    expect(Object.keys(statusByName(run.results)).sort()).toEqual(['swappable', 'table_model', 'view_model']);
    expect(await p.relationTypes(['base', 'view_model', 'table_model', 'swappable'])).toEqual({ base: 'table', view_model: 'view', table_model: 'table', swappable: 'table' });
    expect(await p.query(`select count(*) as num_rows from {schema}.base`)).toEqual([{ num_rows: '10' }]);
    await expectRelationsEqual(p, ['base', 'view_model', 'table_model', 'swappable']);

    await p.dbt(['docs', 'generate']);
    const catalog = p.readJson('target/catalog.json');
    expect(Object.keys(catalog.nodes)).toHaveLength(4);
    expect(Object.keys(catalog.sources)).toHaveLength(1);

    expect((await p.dbt(['run', '-m', 'swappable', '--vars', 'materialized_var: view'])).results).toHaveLength(1);
    expect(await p.relationTypes(['base', 'view_model', 'table_model', 'swappable'])).toEqual({ base: 'table', view_model: 'view', table_model: 'table', swappable: 'view' });
    expect((await p.dbt(['run', '-m', 'swappable', '--vars', 'materialized_var: incremental'])).results).toHaveLength(1);
    expect(await p.relationTypes(['swappable'])).toEqual({ swappable: 'table' });
  });

  it('BaseEmpty: an empty project seeds, runs and documents nothing', async () => {
    const p = dbtProject({});
    expect((await p.dbt(['seed'])).results).toHaveLength(0);
    expect(existsSync(join(p.dir, 'target/run_results.json'))).toBe(true);
    expect((await p.dbt(['run'])).results).toHaveLength(0);
    expect(existsSync(join(p.dir, 'target/catalog.json'))).toBe(false);
    await p.dbt(['docs', 'generate']);
    const catalog = p.readJson('target/catalog.json');
    expect([Object.keys(catalog.nodes).length, Object.keys(catalog.sources).length]).toEqual([0, 0]);
  });

  it('BaseEphemeral: views and tables over an ephemeral model', async () => {
    const p = dbtProject({
      models: {
        'ephemeral.sql': f.configured('ephemeral', f.MODEL_BASE),
        'view_model.sql': f.configured('view', f.MODEL_EPHEMERAL),
        'table_model.sql': f.configured('table', f.MODEL_EPHEMERAL),
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      seeds: { 'base.csv': f.SEED_BASE },
    });
    expect(statusByName((await p.dbt(['seed'])).results)).toEqual({ base: 'success' });
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ view_model: 'success', table_model: 'success' });
    await expectRelationsEqual(p, ['base', 'view_model', 'table_model']);
    await p.dbt(['docs', 'generate']);
    const catalog = p.readJson('target/catalog.json');
    expect([Object.keys(catalog.nodes).length, Object.keys(catalog.sources).length]).toEqual([3, 1]);
    const manifest = p.readJson('target/manifest.json');
    expect([Object.keys(manifest.nodes).length, Object.keys(manifest.sources).length]).toEqual([4, 1]);
  });

  it('BaseIncremental: a var switches the source, the model appends the new rows', async () => {
    const p = dbtProject({
      models: { 'incremental.sql': f.configured('incremental', f.MODEL_INCREMENTAL), 'schema.yml': f.SCHEMA_BASE_YML },
      seeds: { 'base.csv': f.SEED_BASE, 'added.csv': f.SEED_ADDED },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    expect(await p.query(`select count(*) as n from {schema}.added`)).toEqual([{ n: '20' }]);
    expect((await p.dbt(['run', '--vars', 'seed_name: base'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['base', 'incremental']);
    expect((await p.dbt(['run', '--vars', 'seed_name: added'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['added', 'incremental']);
    await p.dbt(['docs', 'generate']);
    const catalog = p.readJson('target/catalog.json');
    expect([Object.keys(catalog.nodes).length, Object.keys(catalog.sources).length]).toEqual([3, 1]);
  });

  it("BaseIncrementalNotSchemaChange with upstream's Postgres SQL (1 || '-' || current_timestamp, sync_all_columns)", async () => {
    const p = dbtProject({
      models: {
        'incremental_not_schema_change.sql': `
{{ config(materialized="incremental", unique_key="user_id_current_time",on_schema_change="sync_all_columns") }}
select
    1 || '-' || current_timestamp as user_id_current_time,
    {% if is_incremental() %}
        'thisis18characters' as platform
    {% else %}
        'okthisis20characters' as platform
    {% endif %}
`,
      },
    });
    await p.dbt(['run', '--select', 'incremental_not_schema_change']);
    const r = await p.dbt(['run', '--select', 'incremental_not_schema_change']);
    expect(r.results.map((x) => x.status)).toEqual(['success']);
  });

  it('BaseIncrementalNotSchemaChange: a wider value of the unique key column on the second run (dbt-clickhouse SQL)', async () => {
    const p = dbtProject({
      models: {
        'incremental_not_schema_change.sql': `{{ config(materialized="incremental", unique_key="user_id_current_time",on_schema_change="append_new_columns") }}
select
    toString(1) || '-' || toString(now64()) as user_id_current_time,
    {% if is_incremental() %}
        'thisis18characters' as platform
    {% else %}
        'okthisis20characters' as platform
    {% endif %}
`,
      },
    });
    await p.dbt(['run', '--select', 'incremental_not_schema_change']);
    const second = await p.dbt(['run', '--select', 'incremental_not_schema_change']);
    expect(second.results[0]!.status).toBe('success');
  });

  it('BaseIncrementalBadStrategy: an unknown strategy fails the model with dbt\'s message', async () => {
    const p = dbtProject({
      models: {
        'incremental.sql': `  {{ config(materialized="incremental", incremental_strategy="bad_strategy") }}\n${f.MODEL_INCREMENTAL}`,
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      seeds: { 'base.csv': f.SEED_BASE, 'added.csv': f.SEED_ADDED },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    const run = await p.dbt(['run'], { expectPass: false });
    expect(run.results).toHaveLength(1);
    expect(run.results[0]!.message).toContain('dbt could not find an incremental strategy macro with the name "get_incremental_bad_strategy_sql"');
  });

  it('BaseGenericTests: not_null on a seed, a view and a table', async () => {
    const p = dbtProject({
      seeds: { 'base.csv': f.SEED_BASE, 'schema.yml': f.notNullYml('seeds', 'base') },
      models: {
        'view_model.sql': f.configured('view', f.MODEL_BASE),
        'table_model.sql': f.configured('table', f.MODEL_BASE),
        'schema.yml': f.SCHEMA_BASE_YML,
        'schema_view.yml': f.notNullYml('models', 'view_model'),
        'schema_table.yml': f.notNullYml('models', 'table_model'),
      },
    });
    await p.dbt(['seed']);
    expect((await p.dbt(['test', '-m', 'base'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const test = await p.dbt(['test']);
    expect(test.results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('BaseSingularTests: one passing and one failing singular test', async () => {
    const p = dbtProject({ tests: { 'passing.sql': f.TEST_PASSING, 'failing.sql': f.TEST_FAILING } });
    const test = await p.dbt(['test'], { expectPass: false });
    expect(statusByName(test.results)).toEqual({ passing: 'pass', failing: 'fail' });
  });

  it('BaseSingularTestsEphemeral: singular tests and models reading an ephemeral CTE model', async () => {
    const p = dbtProject({
      seeds: { 'base.csv': f.SEED_BASE },
      models: {
        'ephemeral.sql': f.EPHEMERAL_WITH_CTE,
        'passing_model.sql': f.TEST_EPHEMERAL_PASSING,
        'failing_model.sql': f.TEST_EPHEMERAL_FAILING,
        'schema.yml': f.SCHEMA_BASE_YML,
      },
      tests: { 'passing.sql': f.TEST_EPHEMERAL_PASSING, 'failing.sql': f.TEST_EPHEMERAL_FAILING },
    });
    expect(statusByName((await p.dbt(['seed'])).results)).toEqual({ base: 'success' });
    expect(statusByName((await p.dbt(['test'], { expectPass: false })).results)).toEqual({ passing: 'pass', failing: 'fail' });
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ failing_model: 'success', passing_model: 'success' });
  });

  it('BaseTableMaterialization: sort/dist configs are accepted and ignored', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i + 1},First${i},Last${i},e${i}@x.org,${i % 2 ? 'Male' : 'Female'},10.0.0.${i}`);
    const p = dbtProject({
      seeds: { 'seed.csv': `id,first_name,last_name,email,gender,ip_address\n${rows.join('\n')}\n` },
      models: { 'materialized.sql': `{{\n  config(\n    materialized = "table",\n    sort = 'first_name',\n    dist = 'first_name'\n  )\n}}\nselect * from {{ this.schema }}.seed\n` },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['seed', 'materialized']);
  });

  it('BaseValidateConnection: debug validates the profile\'s connection', async () => {
    const p = dbtProject({});
    const debug = await p.dbt(['debug']);
    expect(debug.out.join('\n')).toMatch(/OK connection ok|Connection test: OK|All checks passed/i);
  });
});

describe('adapter methods (dbt-tests-adapter basic/test_adapter_methods.py)', () => {
  it('BaseAdapterMethod: drop_schema, get_relation, create_schema, create_view_as and run_query inside a model', async () => {
    const p = dbtProject({
      tests: {
        'get_columns_in_relation.sql': `{% set columns = adapter.get_columns_in_relation(ref('model')) %}
{% set limit_query = 0 %}
{% if (columns | length) == 0 %}
    {% set limit_query = 1 %}
{% endif %}
select 1 as id limit {{ limit_query }}
`,
      },
      models: {
        'upstream.sql': 'select 1 as id\n',
        'expected.sql': "-- make sure this runs after 'model'\n-- {{ ref('model') }}\nselect 2 as id\n",
        'model.sql': `{% set upstream = ref('upstream') %}
{% if execute %}
    {# don't ever do any of this #}
    {%- do adapter.drop_schema(upstream) -%}
    {% set existing = adapter.get_relation(upstream.database, upstream.schema, upstream.identifier) %}
    {% if existing is not none %}
        {% do exceptions.raise_compiler_error('expected ' ~ ' to not exist, but it did') %}
    {% endif %}
    {%- do adapter.create_schema(upstream) -%}
    {% set sql = create_view_as(upstream, 'select 2 as id') %}
    {% do run_query(sql) %}
{% endif %}
select * from {{ upstream }}
`,
      },
    });
    await p.dbt(['compile']);
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    await expectRelationsEqual(p, ['model', 'expected']);
  });
});

describe("dbt's DDL macros (create_table_as / create_view_as, used by custom materializations and run_query)", () => {
  it('builds a table and a view through run_query, with the model config deciding the ClickHouse engine and key', async () => {
    const p = dbtProject({
      models: {
        'maker.sql': `{{ config(order_by='id', engine='MergeTree()') }}
{% if execute %}
  {% set t = api.Relation.create(schema=this.schema, identifier='made_table') %}
  {% set v = api.Relation.create(schema=this.schema, identifier='made_view') %}
  {% do run_query(get_create_table_as_sql(False, t, 'select 3 as id')) %}
  {% do run_query(get_create_view_as_sql(v, 'select id * 2 as id from ' ~ t)) %}
{% endif %}
select 1 as id`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query('select id from {schema}.made_view')).toEqual([{ id: 6 }]);
    expect(await p.query(`select engine, sorting_key from system.tables where database = '{schema}' and name = 'made_table'`)).toEqual([{ engine: 'MergeTree', sorting_key: 'id' }]);
  });
});
