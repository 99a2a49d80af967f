{#
    dbt's helpers that its materializations call after the build (dbt-adapters: adapters/indexes.sql,
    apply_grants.sql, persist_docs.sql), for a project's materialization that calls them — one copied from
    dbt's table materialization does. tsdbt's own materializations are TypeScript: apply_grants and
    persist_docs here ask tsdbt to do what it does for its own models (grants, COMMENTs) once the macro returns
    (execute/run-custom-materialization.ts).
#}

{% macro create_indexes(relation) -%}
  {{ adapter.dispatch('create_indexes', 'dbt')(relation) }}
{%- endmacro %}

{% macro default__create_indexes(relation) -%}
  {%- for _index_dict in (config.get('indexes') or []) -%}
    {%- set create_index_sql = get_create_index_sql(relation, _index_dict) -%}
    {%- if create_index_sql -%}{% do run_query(create_index_sql) %}{%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{% macro get_create_index_sql(relation, index_dict) -%}
  {{ return(adapter.dispatch('get_create_index_sql', 'dbt')(relation, index_dict)) }}
{%- endmacro %}

{% macro default__get_create_index_sql(relation, index_dict) -%}
  {% do return(None) %}
{%- endmacro %}

{% macro copy_grants() %}
  {{ return(adapter.dispatch('copy_grants', 'dbt')()) }}
{% endmacro %}

{% macro default__copy_grants() %}
  {{ return(True) }}
{% endmacro %}

{% macro should_revoke(existing_relation, full_refresh_mode=True) %}
  {% if not existing_relation %}
    {{ return(False) }}
  {% elif full_refresh_mode %}
    {{ return(copy_grants()) }}
  {% else %}
    {{ return(True) }}
  {% endif %}
{% endmacro %}

{% macro apply_grants(relation, grant_config, should_revoke=True) %}
  {{ adapter.dispatch('apply_grants', 'dbt')(relation, grant_config, should_revoke) }}
{% endmacro %}

{% macro default__apply_grants(relation, grant_config, should_revoke=True) %}
  {% if grant_config %}{% do __tsdbt_after_build('grants') %}{% endif %}
{% endmacro %}

{#- dbt's grant SQL helpers (a project macro reading or changing grants itself: adapter.standardize_grants_dict
    over run_query(get_show_grant_sql(relation))), with dbt-clickhouse's ClickHouse statements. -#}
{% macro get_show_grant_sql(relation) %}
  {{ return(adapter.dispatch('get_show_grant_sql', 'dbt')(relation)) }}
{% endmacro %}

{% macro clickhouse__get_show_grant_sql(relation) -%}
  SELECT access_type AS privilege_type, coalesce(user_name, role_name) AS grantee FROM system.grants WHERE database = '{{ relation.schema }}' AND table = '{{ relation.identifier }}'
{%- endmacro %}

{% macro get_grant_sql(relation, privilege, grantees) %}
  {{ return(adapter.dispatch('get_grant_sql', 'dbt')(relation, privilege, grantees)) }}
{% endmacro %}

{% macro clickhouse__get_grant_sql(relation, privilege, grantees) -%}
  grant {{ on_cluster_clause(relation) }} {{ privilege }} on {{ relation }} to {{ grantees | join(', ') }}
{%- endmacro %}

{% macro get_revoke_sql(relation, privilege, grantees) %}
  {{ return(adapter.dispatch('get_revoke_sql', 'dbt')(relation, privilege, grantees)) }}
{% endmacro %}

{% macro clickhouse__get_revoke_sql(relation, privilege, grantees) -%}
  revoke {{ on_cluster_clause(relation) }} {{ privilege }} on {{ relation }} from {{ grantees | join(', ') }}
{%- endmacro %}

{% macro persist_docs(relation, model, for_relation=true, for_columns=true) -%}
  {{ return(adapter.dispatch('persist_docs', 'dbt')(relation, model, for_relation, for_columns)) }}
{%- endmacro %}

{% macro default__persist_docs(relation, model, for_relation, for_columns) -%}
  {% do __tsdbt_after_build('persist_docs') %}
{%- endmacro %}
