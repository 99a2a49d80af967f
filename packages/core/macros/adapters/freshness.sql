{#- dbt's freshness macros (dbt-adapters adapters/freshness.sql). tsdbt runs its own equal query unless a
    project or package overrides one of them; then `source freshness` calls collect_freshness (or
    collect_freshness_custom_sql for loaded_at_query) as dbt's adapter does, and reads its one row. -#}
{% macro collect_freshness(source, loaded_at_field, filter) %}
  {{ return(adapter.dispatch('collect_freshness', 'dbt')(source, loaded_at_field, filter)) }}
{% endmacro %}

{% macro default__collect_freshness(source, loaded_at_field, filter) %}
  {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
    select
      max({{ loaded_at_field }}) as max_loaded_at,
      {{ current_timestamp() }} as snapshotted_at
    from {{ source }}
    {% if filter %}
    where {{ filter }}
    {% endif %}
  {% endcall %}
  {{ return(load_result('collect_freshness')) }}
{% endmacro %}

{#- ClickHouse: max() of no rows is 1970-01-01, not NULL (maxOrNull is); times as UTC text. -#}
{% macro clickhouse__collect_freshness(source, loaded_at_field, filter) %}
  {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
    select
      toString(toDateTime64(maxOrNull({{ loaded_at_field }}), 3, 'UTC')) as max_loaded_at,
      toString(now64(3, 'UTC')) as snapshotted_at
    from {{ source }}
    {% if filter %}
    where {{ filter }}
    {% endif %}
  {% endcall %}
  {{ return(load_result('collect_freshness')) }}
{% endmacro %}

{% macro collect_freshness_custom_sql(source, loaded_at_query) %}
  {{ return(adapter.dispatch('collect_freshness_custom_sql', 'dbt')(source, loaded_at_query)) }}
{% endmacro %}

{% macro default__collect_freshness_custom_sql(source, loaded_at_query) %}
  {% call statement('collect_freshness_custom_sql', fetch_result=True, auto_begin=False) -%}
  with source_query as (
    {{ loaded_at_query }}
  )
  select
    (select * from source_query) as max_loaded_at,
    {{ current_timestamp() }} as snapshotted_at
  {% endcall %}
  {{ return(load_result('collect_freshness_custom_sql')) }}
{% endmacro %}

{% macro clickhouse__collect_freshness_custom_sql(source, loaded_at_query) %}
  {% call statement('collect_freshness_custom_sql', fetch_result=True, auto_begin=False) -%}
  with source_query as (
    {{ loaded_at_query }}
  )
  select
    toString(toDateTime64((select * from source_query), 3, 'UTC')) as max_loaded_at,
    toString(now64(3, 'UTC')) as snapshotted_at
  {% endcall %}
  {{ return(load_result('collect_freshness_custom_sql')) }}
{% endmacro %}
