{#- dbt's get_test_sql (global_project materializations/tests/helpers.sql): the one-row query a data
    test's result is read from. tsdbt runs its own equal wrapper (adapter/test-query.ts) unless a project
    or package overrides get_test_sql or its dispatched default__/clickhouse__ form: then this macro
    makes the query (execute/test-sql-override.ts). -#}
{% macro get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
  {{ adapter.dispatch('get_test_sql', 'dbt')(main_sql, fail_calc, warn_if, error_if, limit) }}
{%- endmacro %}

{% macro default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    select
      {{ fail_calc }} as failures,
      {{ fail_calc }} {{ warn_if }} as should_warn,
      {{ fail_calc }} {{ error_if }} as should_error
    from (
      {{ main_sql }}
      {{ "limit " ~ limit if limit != none }}
    ) dbt_internal_test
{%- endmacro %}
