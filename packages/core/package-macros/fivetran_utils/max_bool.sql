{#- fivetran_utils' max_bool: its default is Postgres' `bool_or(x)`, which ClickHouse lacks; dbt's
    bool_or (true when any value is true, NULLs skipped) is the same aggregate. -#}
{% macro clickhouse__max_bool(boolean_field) -%}
    {{ return(dbt.bool_or(boolean_field)) }}
{%- endmacro %}
