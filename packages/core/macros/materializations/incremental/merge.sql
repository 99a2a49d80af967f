{#- dbt's merge helpers (dbt-adapters' merge.sql), called by its strategy macros (strategies.sql).
    ClickHouse has no MERGE statement: get_merge_sql and get_insert_overwrite_merge_sql give dbt's
    SQL, which ClickHouse refuses, as under dbt-clickhouse (tsdbt's own `merge` and `insert_overwrite`
    strategies do not use them). get_delete_insert_merge_sql has a ClickHouse version: its DELETE
    FROM takes no table alias. -#}

{% macro get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) -%}
  {#- dbt's older keyword for incremental_predicates -#}
  {%- set incremental_predicates = kwargs.get('predicates', incremental_predicates) -%}
  {{ adapter.dispatch('get_merge_sql', 'dbt')(target, source, unique_key, dest_columns, incremental_predicates) }}
{%- endmacro %}

{% macro get_merge_unique_key_match(source_unique_key, target_unique_key) %}
  {{ return(adapter.dispatch('get_merge_unique_key_match', 'dbt')(source_unique_key, target_unique_key)) }}
{% endmacro %}

{% macro default__get_merge_unique_key_match(source_unique_key, target_unique_key) -%}
  {{ return(equals(source_unique_key, target_unique_key) | trim) }}
{%- endmacro %}

{% macro default__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) -%}
  {%- set conditions = [] if incremental_predicates is none else [] + incremental_predicates -%}
  {%- set columns_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
  {%- set update_columns = get_merge_update_columns(config.get('merge_update_columns'), config.get('merge_exclude_columns'), dest_columns) -%}
  {%- set sql_header = config.get('sql_header', none) -%}
  {%- if unique_key -%}
    {%- if unique_key is sequence and unique_key is not mapping and unique_key is not string -%}
      {%- for key in unique_key -%}
        {%- do conditions.append('DBT_INTERNAL_SOURCE.' ~ key ~ ' = DBT_INTERNAL_DEST.' ~ key) -%}
      {%- endfor -%}
    {%- else -%}
      {%- do conditions.append(get_merge_unique_key_match(('DBT_INTERNAL_SOURCE.' ~ unique_key) | trim, ('DBT_INTERNAL_DEST.' ~ unique_key) | trim)) -%}
    {%- endif -%}
  {%- else -%}
    {%- do conditions.append('FALSE') -%}
  {%- endif %}
    {{ sql_header if sql_header is not none }}
    merge into {{ target }} as DBT_INTERNAL_DEST
        using {{ source }} as DBT_INTERNAL_SOURCE
        on {{ "(" ~ conditions | join(") and (") ~ ")" }}
    {% if unique_key -%}
    when matched then update set
        {% for column_name in update_columns -%}
            {{ column_name }} = DBT_INTERNAL_SOURCE.{{ column_name }}{% if not loop.last %}, {% endif %}
        {%- endfor %}
    {%- endif %}
    when not matched then insert
        ({{ columns_csv }})
    values
        ({{ columns_csv }})
{% endmacro %}

{% macro get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {{ adapter.dispatch('get_delete_insert_merge_sql', 'dbt')(target, source, unique_key, dest_columns, incremental_predicates) }}
{%- endmacro %}

{#- The rows of target whose unique_key the new rows carry deleted (narrowed by incremental_predicates),
    then the new rows inserted: two statements, `;`-separated. -#}
{% macro default__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {{ tsdbt_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates, ' as DBT_INTERNAL_DEST') }}
{%- endmacro %}

{% macro clickhouse__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {{ tsdbt_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates, '') }}
{%- endmacro %}

{% macro tsdbt_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates, target_alias) -%}
  {%- set columns_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
  {%- if unique_key -%}
    {%- set keys = ([unique_key] if unique_key is string else unique_key) | join(', ') %}
    delete from {{ target }}{{ target_alias }}
    where ({{ keys }}) in (
        select distinct {{ keys }}
        from {{ source }} as DBT_INTERNAL_SOURCE
    )
    {%- for predicate in incremental_predicates or [] %}
        and {{ predicate }}
    {%- endfor %};
  {% endif %}
    insert into {{ target }} ({{ columns_csv }})
    (
        select {{ columns_csv }}
        from {{ source }}
    )
{%- endmacro %}

{% macro get_insert_overwrite_merge_sql(target, source, dest_columns, predicates, include_sql_header=false) -%}
  {{ adapter.dispatch('get_insert_overwrite_merge_sql', 'dbt')(target, source, dest_columns, predicates, include_sql_header) }}
{%- endmacro %}

{% macro default__get_insert_overwrite_merge_sql(target, source, dest_columns, predicates, include_sql_header) -%}
  {%- set conditions = [] if predicates is none else [] + predicates -%}
  {%- set columns_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
  {%- set sql_header = config.get('sql_header', none) %}
    {{ sql_header if sql_header is not none and include_sql_header }}
    merge into {{ target }} as DBT_INTERNAL_DEST
        using {{ source }} as DBT_INTERNAL_SOURCE
        on FALSE
    when not matched by source
        {% if conditions %} and {{ conditions | join(' and ') }} {% endif %}
        then delete
    when not matched then insert
        ({{ columns_csv }})
    values
        ({{ columns_csv }})
{% endmacro %}
