{#- dbt's incremental strategy macros (dbt-adapters' strategies.sql): each takes dbt's arg_dict
    (target_relation, temp_relation, unique_key, dest_columns, incremental_predicates) and returns the
    SQL that adds temp_relation's rows to target_relation. tsdbt's own incremental materialization does
    not call them (it stages and swaps: adapter/materializations/incremental.ts); a project calls them
    from its custom strategy (`get_incremental_<name>_sql`) or its own materialization, or overrides
    them (`default__…` / `clickhouse__…`, found through adapter.dispatch). -#}

{% macro get_incremental_append_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_append_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_append_sql(arg_dict) %}
  {% do return(get_insert_into_sql(arg_dict["target_relation"], arg_dict["temp_relation"], arg_dict["dest_columns"])) %}
{% endmacro %}

{% macro get_incremental_delete_insert_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_delete_insert_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_delete_insert_sql(arg_dict) %}
  {% do return(get_delete_insert_merge_sql(arg_dict["target_relation"], arg_dict["temp_relation"], arg_dict["unique_key"], arg_dict["dest_columns"], arg_dict["incremental_predicates"])) %}
{% endmacro %}

{% macro get_incremental_merge_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_merge_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_merge_sql(arg_dict) %}
  {% do return(get_merge_sql(arg_dict["target_relation"], arg_dict["temp_relation"], arg_dict["unique_key"], arg_dict["dest_columns"], arg_dict["incremental_predicates"])) %}
{% endmacro %}

{% macro get_incremental_insert_overwrite_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_insert_overwrite_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_insert_overwrite_sql(arg_dict) %}
  {% do return(get_insert_overwrite_merge_sql(arg_dict["target_relation"], arg_dict["temp_relation"], arg_dict["dest_columns"], arg_dict["incremental_predicates"])) %}
{% endmacro %}

{#- dbt's strategy when a model sets none: append. -#}
{% macro get_incremental_default_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_default_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_default_sql(arg_dict) %}
  {% do return(get_incremental_append_sql(arg_dict)) %}
{% endmacro %}

{#- dbt's default raises; tsdbt builds microbatch models itself (incremental_strategy='microbatch'). -#}
{% macro get_incremental_microbatch_sql(arg_dict) %}
  {{ return(adapter.dispatch('get_incremental_microbatch_sql', 'dbt')(arg_dict)) }}
{% endmacro %}

{% macro default__get_incremental_microbatch_sql(arg_dict) %}
  {{ exceptions.raise_not_implemented('microbatch materialization strategy not implemented for adapter ' + adapter.type()) }}
{% endmacro %}

{% macro get_insert_into_sql(target_relation, temp_relation, dest_columns) %}
  {%- set columns_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    insert into {{ target_relation }} ({{ columns_csv }})
    (
        select {{ columns_csv }}
        from {{ temp_relation }}
    )
{% endmacro %}
