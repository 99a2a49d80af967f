import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A project's materialization copied from dbt's own table materialization (dbt-adapters
 * materializations/models/table.sql, as custom materializations usually start): it calls dbt's
 * create_indexes, should_revoke, apply_grants and persist_docs, which are built-in macros
 * (macros/materializations/after_build.sql); persist_docs and apply_grants do what tsdbt does for its own models.
 */
const DBT_TABLE = `
{% materialization dbt_table, default %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') %}
  {%- set intermediate_relation =  make_intermediate_relation(target_relation) -%}
  {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
  {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
  {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
  {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
  {% set grant_config = config.get('grants') %}
  {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
  {{ drop_relation_if_exists(preexisting_backup_relation) }}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {% call statement('main') -%}
    {{ get_create_table_as_sql(False, intermediate_relation, sql) }}
  {%- endcall %}
  {% do create_indexes(intermediate_relation) %}
  {% if existing_relation is not none %}
    {% set existing_relation = load_cached_relation(existing_relation) %}
    {% if existing_relation is not none %}
        {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}
  {{ adapter.commit() }}
  {{ drop_relation_if_exists(backup_relation) }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
`;

describe("custom materializations calling dbt's built-in helpers", () => {
  it("dbt's own table materialization, copied as a custom one, builds, rebuilds and persists the docs", async () => {
    const p = dbtProject({
      macros: { 'dbt_table.sql': DBT_TABLE },
      models: {
        'm.sql': `{{ config(materialized='dbt_table', persist_docs={'relation': true, 'columns': true}) }}\nselect 1 as id, '{{ var("name", "a") }}' as name`,
        'schema.yml': 'models:\n  - name: m\n    description: the m table\n    columns:\n      - name: id\n        description: the id\n',
      },
    });
    expect((await p.dbt(['run'])).results.map((r) => r.status)).toEqual(['success']);
    expect((await p.dbt(['run', '--vars', '{name: b}'])).results.map((r) => r.status)).toEqual(['success']);
    expect(await p.query('select id, name from {schema}.m')).toEqual([{ id: 1, name: 'b' }]);
    expect(await p.query("select comment from system.tables where database = '{schema}' and name = 'm'")).toEqual([{ comment: 'the m table' }]);
    expect(await p.query("select name, comment from system.columns where database = '{schema}' and table = 'm' order by position")).toEqual([
      { name: 'id', comment: 'the id' },
      { name: 'name', comment: '' },
    ]);
    // No backup or intermediate relation is left behind.
    expect(await p.query("select name from system.tables where database = '{schema}' order by name")).toEqual([{ name: 'm' }]);
  });
});

/*
 * A project's materialization that wraps one of dbt's (elementary's `{% set relations = dbt.materialization_table_default() %}`,
 * a query band or an audit row written first): the call builds the model with tsdbt's own materialization of that
 * name, and what the macro ran before it runs once, what it runs after sees the built model.
 */
const AUDIT = `on-run-start:
  - "create database if not exists {{ target.schema }}"
  - "create table if not exists {{ target.schema }}.audit (seq UInt64, what String, n UInt64) engine = MergeTree order by seq"
`;
const AUDIT_ROW = (what: string, n: string) =>
  `{% do run_query("insert into " ~ target.schema ~ ".audit select (select count() from " ~ target.schema ~ ".audit), " ~ ${what} ~ ", " ~ ${n}) %}`;

describe("custom materializations calling dbt's built-in materializations", () => {
  it('materialization_table_default() builds the model; statements before it run once, those after it see the built table', async () => {
    const p = dbtProject({
      projectConfig: AUDIT,
      macros: {
        'audited.sql': `{% materialization audited_table, default %}
  ${AUDIT_ROW(`"'before'"`, "'0'")}
  {% set existing = load_relation(this) %}
  {% set relations = materialization_table_default() %}
  {% set counted = run_query('select count() from ' ~ this) %}
  ${AUDIT_ROW(`"'after " ~ ('new' if existing is none else 'existing') ~ "'"`, 'counted.columns[0].values()[0] | string')}
  {{ return(relations) }}
{% endmaterialization %}
`,
      },
      models: { 'audited.sql': "{{ config(materialized='audited_table') }}\nselect number as id from numbers(3)", 'child.sql': "select count() as n from {{ ref('audited') }}" },
    });
    for (let i = 0; i < 2; i++) {
      const r = await p.dbt(['run']);
      expect(r.results.filter((x) => x.unique_id.startsWith('model.')).map((x) => x.status)).toEqual(['success', 'success']);
    }
    expect(await p.query('select what, n from {schema}.audit order by seq')).toEqual([
      { what: 'before', n: '0' },
      { what: 'after new', n: '3' },
      { what: 'before', n: '0' },
      { what: 'after existing', n: '3' },
    ]);
    expect(await p.relationTypes(['audited'])).toEqual({ audited: 'table' });
    expect(await p.query('select n from {schema}.child')).toEqual([{ n: '3' }]);
  });

  it('an audit row stamped with the clock while rendering (modules.datetime.datetime.now()) is written once before the build and once after', async () => {
    const STAMPED = (what: string) =>
      `{% do run_query("insert into " ~ target.schema ~ ".stamps values ('" ~ modules.datetime.datetime.now().isoformat() ~ "', '${what}')") %}`;
    const p = dbtProject({
      projectConfig: `on-run-start:
  - "create database if not exists {{ target.schema }}"
  - "create table if not exists {{ target.schema }}.stamps (at String, what String) engine = MergeTree order by at"
`,
      macros: {
        'stamped.sql': `{% materialization stamped_table, default %}
  ${STAMPED('before')}
  {% set relations = materialization_table_default() %}
  ${STAMPED('after')}
  {{ return(relations) }}
{% endmaterialization %}
`,
      },
      // The build takes a while (the clock moves between the macro's two renders).
      models: { 'stamped.sql': "{{ config(materialized='stamped_table') }}\nselect number as id, sleepEachRow(0.01) as z from numbers(3)" },
    });
    expect((await p.dbt(['run'])).results.filter((r) => r.unique_id.startsWith('model.')).map((r) => r.status)).toEqual(['success']);
    expect(await p.query('select what from {schema}.stamps order by at')).toEqual([{ what: 'before' }, { what: 'after' }]);
    expect(await p.query('select count() as n from {schema}.stamped')).toEqual([{ n: '3' }]);
  });

  it("a root incremental override for ClickHouse wrapping dbt.materialization_incremental_clickhouse() keeps tsdbt's incremental runs", async () => {
    const p = dbtProject({
      projectConfig: AUDIT,
      macros: {
        'incremental.sql': `{% materialization incremental, adapter='clickhouse' %}
  ${AUDIT_ROW(`"'incremental " ~ this.identifier ~ "'"`, "'0'")}
  {{ return(dbt.materialization_incremental_clickhouse()) }}
{% endmaterialization %}
`,
      },
      models: {
        'events.sql': `{{ config(materialized='incremental', unique_key='id') }}
select number as id, 'v{{ var("v", 1) }}' as version from numbers({{ var('n', 2) }})
{% if is_incremental() %} where id >= (select max(id) from {{ this }}){% endif %}`,
      },
    });
    await p.dbt(['run']);
    await p.dbt(['run', '--vars', '{n: 4, v: 2}']);
    expect(await p.query('select id, version from {schema}.events order by id')).toEqual([
      { id: '0', version: 'v1' },
      { id: '1', version: 'v2' },
      { id: '2', version: 'v2' },
      { id: '3', version: 'v2' },
    ]);
    expect(await p.query('select what from {schema}.audit order by seq')).toEqual([{ what: 'incremental events' }, { what: 'incremental events' }]);
  });
});
