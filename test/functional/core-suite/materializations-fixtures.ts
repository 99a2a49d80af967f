/* dbt-core tests/functional/materializations/fixtures.py and conftest.py (1.10.latest), as upstream wrote them. */
export const fct_eph_first_sql = `
-- fct_eph_first.sql
{{ config(materialized='ephemeral') }}

with int_eph_first as(
    select * from {{ ref('int_eph_first') }}
)

select * from int_eph_first
`;
export const int_eph_first_sql = `
-- int_eph_first.sql
{{ config(materialized='ephemeral') }}

select
    1 as first_column,
    2 as second_column
`;
export const schema_yml = `
version: 2

models:
  - name: int_eph_first
    columns:
      - name: first_column
        data_tests:
          - not_null
      - name: second_column
        data_tests:
          - not_null

  - name: fct_eph_first
    columns:
      - name: first_column
        data_tests:
          - not_null
      - name: second_column
        data_tests:
          - not_null

`;
export const bar_sql = `
{{ config(materialized = 'table') }}

WITH foo AS (

    SELECT * FROM {{ ref('foo') }}

), foo_1 AS (

    SELECT * FROM {{ ref('foo_1') }}

), foo_2 AS (

   SELECT * FROM {{ ref('foo_2') }}

)

SELECT * FROM foo
UNION ALL
SELECT * FROM foo_1
UNION ALL
SELECT * FROM foo_2
`;
export const bar1_sql = `
{{ config(materialized = 'table') }}

WITH foo AS (

    SELECT * FROM {{ ref('foo') }}

), foo_1 AS (

    SELECT * FROM {{ ref('foo_1') }}

), foo_2 AS (

   SELECT * FROM {{ ref('foo_2') }}

)

SELECT * FROM foo
UNION ALL
SELECT * FROM foo_1
UNION ALL
SELECT * FROM foo_2
`;
export const bar2_sql = `
{{ config(materialized = 'table') }}

WITH foo AS (

    SELECT * FROM {{ ref('foo') }}

), foo_1 AS (

    SELECT * FROM {{ ref('foo_1') }}

), foo_2 AS (

   SELECT * FROM {{ ref('foo_2') }}

)

SELECT * FROM foo
UNION ALL
SELECT * FROM foo_1
UNION ALL
SELECT * FROM foo_2
`;
export const bar3_sql = `
{{ config(materialized = 'table') }}

WITH foo AS (

    SELECT * FROM {{ ref('foo') }}

), foo_1 AS (

    SELECT * FROM {{ ref('foo_1') }}

), foo_2 AS (

   SELECT * FROM {{ ref('foo_2') }}

)

SELECT * FROM foo
UNION ALL
SELECT * FROM foo_1
UNION ALL
SELECT * FROM foo_2
`;
export const bar4_sql = `
{{ config(materialized = 'table') }}

WITH foo AS (

    SELECT * FROM {{ ref('foo') }}

), foo_1 AS (

    SELECT * FROM {{ ref('foo_1') }}

), foo_2 AS (

   SELECT * FROM {{ ref('foo_2') }}

)

SELECT * FROM foo
UNION ALL
SELECT * FROM foo_1
UNION ALL
SELECT * FROM foo_2
`;
export const bar5_sql = `
{{ config(materialized = 'table') }}

WITH foo AS (

    SELECT * FROM {{ ref('foo') }}

), foo_1 AS (

    SELECT * FROM {{ ref('foo_1') }}

), foo_2 AS (

   SELECT * FROM {{ ref('foo_2') }}

)

SELECT * FROM foo
UNION ALL
SELECT * FROM foo_1
UNION ALL
SELECT * FROM foo_2
`;
export const baz_sql = `
{{ config(materialized = 'table') }}
SELECT * FROM {{ ref('bar') }}
`;
export const baz1_sql = `
{{ config(materialized = 'table') }}
SELECT * FROM {{ ref('bar_1') }}
`;
export const foo_sql = `
{{ config(materialized = 'ephemeral') }}

with source as (

    select 1 as id

), renamed as (

    select id as uid from source

)

select * from renamed
`;
export const foo1_sql = `
{{ config(materialized = 'ephemeral') }}

WITH source AS (

    SELECT 1 AS id

), RENAMED as (

    SELECT id as UID FROM source

)

SELECT * FROM renamed
`;
export const foo2_sql = `
{{ config(materialized = 'ephemeral') }}

WITH source AS (

    SELECT 1 AS id

), RENAMED as (

    SELECT id as UID FROM source

)

SELECT * FROM renamed
`;
export const override_view_adapter_pass_dep__dbt_project_yml = `
name: view_adapter_override
version: '1.0'
macro-paths: ['macros']
config-version: 2

`;
export const override_view_adapter_pass_dep__macros__override_view_sql = `
{# copy+pasting the default view impl #}
{% materialization view, default %}

  {%- set identifier = model['alias'] -%}
  {%- set tmp_identifier = model['name'] + '__dbt_tmp' -%}
  {%- set backup_identifier = model['name'] + '__dbt_backup' -%}

  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- set target_relation = api.Relation.create(identifier=identifier, schema=schema, database=database,
                                                type='view') -%}
  {%- set intermediate_relation = api.Relation.create(identifier=tmp_identifier,
                                                      schema=schema, database=database, type='view') -%}

  /*
     This relation (probably) doesn't exist yet. If it does exist, it's a leftover from
     a previous run, and we're going to try to drop it immediately. At the end of this
     materialization, we're going to rename the "old_relation" to this identifier,
     and then we're going to drop it. In order to make sure we run the correct one of:
       - drop view ...
       - drop table ...

     We need to set the type of this relation to be the type of the old_relation, if it exists,
     or else "view" as a sane default if it does not. Note that if the old_relation does not
     exist, then there is nothing to move out of the way and subsequentally drop. In that case,
     this relation will be effectively unused.
  */
  {%- set backup_relation_type = 'view' if old_relation is none else old_relation.type -%}
  {%- set backup_relation = api.Relation.create(identifier=backup_identifier,
                                                schema=schema, database=database,
                                                type=backup_relation_type) -%}

  {%- set exists_as_view = (old_relation is not none and old_relation.is_view) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  -- drop the temp relations if they exists for some reason
  {{ adapter.drop_relation(intermediate_relation) }}
  {{ adapter.drop_relation(backup_relation) }}

  -- \`BEGIN\` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  -- build model
  {% call statement('main') -%}
    {{ create_view_as(intermediate_relation, sql) }}
  {%- endcall %}

  -- cleanup
  -- move the existing view out of the way
  {% if old_relation is not none %}
    {{ adapter.rename_relation(target_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}

`;
export const override_view_adapter_macros__override_view_sql = `
{%- materialization view, adapter='postgres' -%}
{{ exceptions.raise_compiler_error('intentionally raising an error in the postgres view materialization') }}
{%- endmaterialization -%}

{# copy+pasting the default view impl #}
{% materialization view, default %}

  {%- set identifier = model['alias'] -%}
  {%- set tmp_identifier = model['name'] + '__dbt_tmp' -%}
  {%- set backup_identifier = model['name'] + '__dbt_backup' -%}

  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- set target_relation = api.Relation.create(identifier=identifier, schema=schema, database=database,
                                                type='view') -%}
  {%- set intermediate_relation = api.Relation.create(identifier=tmp_identifier,
                                                      schema=schema, database=database, type='view') -%}

  /*
     This relation (probably) doesn't exist yet. If it does exist, it's a leftover from
     a previous run, and we're going to try to drop it immediately. At the end of this
     materialization, we're going to rename the "old_relation" to this identifier,
     and then we're going to drop it. In order to make sure we run the correct one of:
       - drop view ...
       - drop table ...

     We need to set the type of this relation to be the type of the old_relation, if it exists,
     or else "view" as a sane default if it does not. Note that if the old_relation does not
     exist, then there is nothing to move out of the way and subsequentally drop. In that case,
     this relation will be effectively unused.
  */
  {%- set backup_relation_type = 'view' if old_relation is none else old_relation.type -%}
  {%- set backup_relation = api.Relation.create(identifier=backup_identifier,
                                                schema=schema, database=database,
                                                type=backup_relation_type) -%}

  {%- set exists_as_view = (old_relation is not none and old_relation.is_view) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  -- drop the temp relations if they exists for some reason
  {{ adapter.drop_relation(intermediate_relation) }}
  {{ adapter.drop_relation(backup_relation) }}

  -- \`BEGIN\` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  -- build model
  {% call statement('main') -%}
    {{ create_view_as(intermediate_relation, sql) }}
  {%- endcall %}

  -- cleanup
  -- move the existing view out of the way
  {% if old_relation is not none %}
    {{ adapter.rename_relation(target_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}

`;
export const override_view_adapter_dep__dbt_project_yml = `
name: view_adapter_override
version: '1.0'
macro-paths: ['macros']
config-version: 2

`;
export const override_view_adapter_dep__macros__override_view_sql = `
{%- materialization view, adapter='postgres' -%}
{{ exceptions.raise_compiler_error('intentionally raising an error in the postgres view materialization') }}
{%- endmaterialization -%}

{# copy+pasting the default view impl #}
{% materialization view, default %}

  {%- set identifier = model['alias'] -%}
  {%- set tmp_identifier = model['name'] + '__dbt_tmp' -%}
  {%- set backup_identifier = model['name'] + '__dbt_backup' -%}

  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- set target_relation = api.Relation.create(identifier=identifier, schema=schema, database=database,
                                                type='view') -%}
  {%- set intermediate_relation = api.Relation.create(identifier=tmp_identifier,
                                                      schema=schema, database=database, type='view') -%}

  /*
     This relation (probably) doesn't exist yet. If it does exist, it's a leftover from
     a previous run, and we're going to try to drop it immediately. At the end of this
     materialization, we're going to rename the "old_relation" to this identifier,
     and then we're going to drop it. In order to make sure we run the correct one of:
       - drop view ...
       - drop table ...

     We need to set the type of this relation to be the type of the old_relation, if it exists,
     or else "view" as a sane default if it does not. Note that if the old_relation does not
     exist, then there is nothing to move out of the way and subsequentally drop. In that case,
     this relation will be effectively unused.
  */
  {%- set backup_relation_type = 'view' if old_relation is none else old_relation.type -%}
  {%- set backup_relation = api.Relation.create(identifier=backup_identifier,
                                                schema=schema, database=database,
                                                type=backup_relation_type) -%}

  {%- set exists_as_view = (old_relation is not none and old_relation.is_view) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  -- drop the temp relations if they exists for some reason
  {{ adapter.drop_relation(intermediate_relation) }}
  {{ adapter.drop_relation(backup_relation) }}

  -- \`BEGIN\` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  -- build model
  {% call statement('main') -%}
    {{ create_view_as(intermediate_relation, sql) }}
  {%- endcall %}

  -- cleanup
  -- move the existing view out of the way
  {% if old_relation is not none %}
    {{ adapter.rename_relation(target_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}

`;
export const override_view_default_dep__dbt_project_yml = `
name: view_default_override
config-version: 2
version: '1.0'
macro-paths: ['macros']

`;
export const override_view_default_dep__macros__default_view_sql = `
{%- materialization view, default -%}
{{ exceptions.raise_compiler_error('intentionally raising an error in the default view materialization') }}
{%- endmaterialization -%}

`;
export const override_view_return_no_relation__dbt_project_yml = `
name: view_adapter_override
version: 2
macro-paths: ['macros']
config-version: 2

`;
export const override_view_return_no_relation__macros__override_view_sql = `
{# copy+pasting the default view impl #}
{% materialization view, default %}

  {%- set identifier = model['alias'] -%}
  {%- set tmp_identifier = model['name'] + '__dbt_tmp' -%}
  {%- set backup_identifier = model['name'] + '__dbt_backup' -%}

  {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
  {%- set target_relation = api.Relation.create(identifier=identifier, schema=schema, database=database,
                                                type='view') -%}
  {%- set intermediate_relation = api.Relation.create(identifier=tmp_identifier,
                                                      schema=schema, database=database, type='view') -%}

  /*
     This relation (probably) doesn't exist yet. If it does exist, it's a leftover from
     a previous run, and we're going to try to drop it immediately. At the end of this
     materialization, we're going to rename the "old_relation" to this identifier,
     and then we're going to drop it. In order to make sure we run the correct one of:
       - drop view ...
       - drop table ...

     We need to set the type of this relation to be the type of the old_relation, if it exists,
     or else "view" as a sane default if it does not. Note that if the old_relation does not
     exist, then there is nothing to move out of the way and subsequentally drop. In that case,
     this relation will be effectively unused.
  */
  {%- set backup_relation_type = 'view' if old_relation is none else old_relation.type -%}
  {%- set backup_relation = api.Relation.create(identifier=backup_identifier,
                                                schema=schema, database=database,
                                                type=backup_relation_type) -%}

  {%- set exists_as_view = (old_relation is not none and old_relation.is_view) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  -- drop the temp relations if they exists for some reason
  {{ adapter.drop_relation(intermediate_relation) }}
  {{ adapter.drop_relation(backup_relation) }}

  -- \`BEGIN\` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  -- build model
  {% call statement('main') -%}
    {{ create_view_as(intermediate_relation, sql) }}
  {%- endcall %}

  -- cleanup
  -- move the existing view out of the way
  {% if old_relation is not none %}
    {{ adapter.rename_relation(target_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {# do not return anything! #}
  {# {{ return({'relations': [target_relation]}) }} #}

{%- endmaterialization -%}
`;
export const custom_materialization_dep__dbt_project_yml = `
name: custom_materialization_default
macro-paths: ['macros']
`;
export const custom_materialization_sql = `
{% materialization custom_materialization, default %}
    {%- set target_relation = this.incorporate(type='table') %}
    {% call statement('main') -%}
        select 1 as column1
    {%- endcall %}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
`;
