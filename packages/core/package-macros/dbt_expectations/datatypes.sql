{#- dbt_expectations names the timestamp type `timestamp` by default: ClickHouse accepts it in a
    CAST but calls the column DateTime, so a test comparing column types against the list
    [date, type_timestamp()] fails where the column is exactly that type. ClickHouse's name for it
    is DateTime (dbt.type_timestamp() on ClickHouse, as dbt-clickhouse's). -#}
{% macro clickhouse__type_timestamp() -%}
    DateTime
{%- endmacro %}
