{#-
  The parts of a SQL function's CREATE statement, as dbt 1.11 names them (dbt-adapters' functions/scalar.sql
  dispatches them; dbt-clickhouse's clickhouse__scalar_function_sql joins the three). tsdbt builds a function with
  its own statement (execute/run-function.ts); a project's or package's macro for one of these names replaces that
  part of it (execute/function-override.ts). These are here for such a macro to call: ClickHouse's spelling of
  each part — `CREATE OR REPLACE FUNCTION f AS (a, b) -> <expression>`.
-#}

{% macro scalar_function_create_replace_signature_sql(target_relation) -%}
  {{ return(adapter.dispatch('scalar_function_create_replace_signature_sql', 'dbt')(target_relation)) }}
{%- endmacro %}

{% macro clickhouse__scalar_function_create_replace_signature_sql(target_relation) -%}
  CREATE OR REPLACE FUNCTION {{ target_relation.identifier }} {{ on_cluster_clause(this) }} AS ({{ formatted_scalar_function_args_sql() }}) ->
{%- endmacro %}

{% macro formatted_scalar_function_args_sql() -%}
  {{ return(adapter.dispatch('formatted_scalar_function_args_sql', 'dbt')()) }}
{%- endmacro %}

{#- A ClickHouse lambda's parameters are names only: the declared types are the body's to apply. -#}
{% macro clickhouse__formatted_scalar_function_args_sql() -%}
  {{ model.arguments | map(attribute='name') | join(', ') }}
{%- endmacro %}

{% macro scalar_function_body_sql() -%}
  {{ return(adapter.dispatch('scalar_function_body_sql', 'dbt')()) }}
{%- endmacro %}

{% macro clickhouse__scalar_function_body_sql() -%}
  {{ model.compiled_code }}
{%- endmacro %}
