{#- fivetran's dbt_ad_reporting has its own copy of the shopify packages' `fivetran_convert_timezone` (its
    metricflow_time_spine reads `fivetran_now()` through it), with the same Snowflake default; see
    ../shopify/fivetran_convert_timezone.sql: this answers as its Postgres version. -#}
{% macro clickhouse__fivetran_convert_timezone(column, target_tz, source_tz) -%}
cast(toString(toTimeZone(toDateTime64(toString(cast({{ column }} as DateTime64(6))), 6, '{{ source_tz }}'), '{{ target_tz }}')) as DateTime64(6))
{%- endmacro %}
