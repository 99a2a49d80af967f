{#
    dbt's built-in materializations as macros (dbt-core's materialization_<name>_default, dbt-clickhouse's
    materialization_<name>_clickhouse), for a project's materialization that wraps one — elementary's
    `{% set relations = dbt.materialization_table_default() %}`, a query band or audit row written first.
    tsdbt's own materializations are TypeScript: the call builds the model with tsdbt's (atomic) one of that
    name, and the macro renders again around it with the warehouse's first answers replayed, so what it ran
    before the call runs once (execute/run-custom-materialization.ts). Returns dbt's {'relations': [...]}.
#}

{% macro materialization_table_default() %}
  {% do __tsdbt_builtin_materialization('table') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_view_default() %}
  {% do __tsdbt_builtin_materialization('view') %}
  {{ return({'relations': [this.incorporate(type='view')]}) }}
{% endmacro %}

{% macro materialization_incremental_default() %}
  {% do __tsdbt_builtin_materialization('incremental') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_materialized_view_default() %}
  {% do __tsdbt_builtin_materialization('materialized_view') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_table_clickhouse() %}
  {% do __tsdbt_builtin_materialization('table') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_view_clickhouse() %}
  {% do __tsdbt_builtin_materialization('view') %}
  {{ return({'relations': [this.incorporate(type='view')]}) }}
{% endmacro %}

{% macro materialization_incremental_clickhouse() %}
  {% do __tsdbt_builtin_materialization('incremental') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_materialized_view_clickhouse() %}
  {% do __tsdbt_builtin_materialization('materialized_view') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_distributed_table_clickhouse() %}
  {% do __tsdbt_builtin_materialization('distributed_table') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_distributed_incremental_clickhouse() %}
  {% do __tsdbt_builtin_materialization('distributed_incremental') %}
  {{ return({'relations': [this.incorporate(type='table')]}) }}
{% endmacro %}

{% macro materialization_dictionary_clickhouse() %}
  {% do __tsdbt_builtin_materialization('dictionary') %}
  {{ return({'relations': [this.incorporate(type='dictionary')]}) }}
{% endmacro %}
