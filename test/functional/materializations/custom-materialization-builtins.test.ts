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
