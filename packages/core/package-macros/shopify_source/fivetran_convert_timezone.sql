{#- fivetran's shopify packages convert every timestamp with their own `fivetran_convert_timezone`
    (dispatched in the package's namespace); its default is Snowflake/Redshift's
    `convert_timezone(src, tgt, ts)`, which ClickHouse lacks, and the package ships no ClickHouse
    version. This one answers as its Postgres version (`ts at time zone src at time zone tgt`): the
    timestamp's wall-clock time read in `source_tz`, given as the wall-clock time in `target_tz`,
    without a time zone (microseconds kept). -#}
{% macro clickhouse__fivetran_convert_timezone(column, target_tz, source_tz) -%}
cast(toString(toTimeZone(toDateTime64(toString(cast({{ column }} as DateTime64(6))), 6, '{{ source_tz }}'), '{{ target_tz }}')) as DateTime64(6))
{%- endmacro %}
