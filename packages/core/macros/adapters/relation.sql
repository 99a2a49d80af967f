{#- dbt's relation helpers, over the TypeScript adapter methods. -#}
{% macro make_intermediate_relation(base_relation, suffix='__dbt_tmp') -%}
    {{ return(adapter.dispatch('make_intermediate_relation', 'dbt')(base_relation, suffix)) }}
{%- endmacro %}

{% macro default__make_intermediate_relation(base_relation, suffix) -%}
    {{ return(default__make_temp_relation(base_relation, suffix)) }}
{%- endmacro %}

{% macro make_temp_relation(base_relation, suffix='__dbt_tmp') -%}
    {{ return(adapter.dispatch('make_temp_relation', 'dbt')(base_relation, suffix)) }}
{%- endmacro %}

{% macro default__make_temp_relation(base_relation, suffix) -%}
    {%- set temp_identifier = base_relation.identifier ~ suffix -%}
    {%- set temp_relation = base_relation.incorporate(path={"identifier": temp_identifier}) -%}
    {{ return(temp_relation) }}
{%- endmacro %}

{% macro make_backup_relation(base_relation, backup_relation_type, suffix='__dbt_backup') -%}
    {{ return(adapter.dispatch('make_backup_relation', 'dbt')(base_relation, backup_relation_type, suffix)) }}
{%- endmacro %}

{% macro default__make_backup_relation(base_relation, backup_relation_type, suffix) -%}
    {%- set backup_identifier = base_relation.identifier ~ suffix -%}
    {%- set backup_relation = base_relation.incorporate(path={"identifier": backup_identifier}, type=backup_relation_type) -%}
    {{ return(backup_relation) }}
{%- endmacro %}

{% macro truncate_relation(relation) -%}
    {{ return(adapter.truncate_relation(relation)) }}
{%- endmacro %}

{% macro rename_relation(from_relation, to_relation) -%}
    {{ return(adapter.rename_relation(from_relation, to_relation)) }}
{%- endmacro %}

{% macro drop_relation(relation) -%}
    {{ return(adapter.drop_relation(relation)) }}
{%- endmacro %}

{% macro drop_relation_if_exists(relation) -%}
    {% if relation is not none %}
        {{ adapter.drop_relation(relation) }}
    {% endif %}
{%- endmacro %}

{% macro get_or_create_relation(database, schema, identifier, type) -%}
    {%- set target_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) %}
    {% if target_relation %}
        {% do return([true, target_relation]) %}
    {% endif %}
    {%- set new_relation = api.Relation.create(database=database, schema=schema, identifier=identifier, type=type) -%}
    {% do return([false, new_relation]) %}
{%- endmacro %}

{% macro load_cached_relation(relation) -%}
    {% do return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) -%}
{%- endmacro %}

{% macro create_schema(relation) -%}
    {{ return(adapter.create_schema(relation)) }}
{%- endmacro %}

{% macro drop_schema(relation) -%}
    {{ return(adapter.drop_schema(relation)) }}
{%- endmacro %}

{% macro drop_schema_named(schema_name) -%}
    {{ return(adapter.dispatch('drop_schema_named', 'dbt')(schema_name)) }}
{%- endmacro %}

{% macro default__drop_schema_named(schema_name) -%}
    {% set schema_relation = api.Relation.create(schema=schema_name) %}
    {{ adapter.drop_schema(schema_relation) }}
{%- endmacro %}

{% macro list_schemas(database) -%}
    {{ return(adapter.list_schemas(database)) }}
{%- endmacro %}

{% macro check_schema_exists(information_schema, schema) -%}
    {{ return(adapter.check_schema_exists(none, schema)) }}
{%- endmacro %}

{% macro list_relations_without_caching(schema_relation) -%}
    {{ return(adapter.list_relations_without_caching(schema_relation)) }}
{%- endmacro %}
