{#- data-mie/dbt-profiler picks each column's measures from its information_schema data_type, lower-cased.
    Its defaults read Postgres/Snowflake names (`int…`, `numeric`, `bool…`, `date…`/`timestamp…`); ClickHouse's
    are `nullable(int32)`, `lowcardinality(nullable(string))`, `uint64`, `decimal(10, 2)`, `datetime64(3)`…, so
    a Nullable number, boolean or date was profiled as text (no min/max/avg/median/stddev). These read the
    type inside Nullable/LowCardinality with ClickHouse's names. -#}
{% macro clickhouse__is_numeric_dtype(dtype) %}
    {%- set t = dtype | lower | replace('lowcardinality(', '') | replace('nullable(', '') -%}
    {% do return(t.startswith('int') or t.startswith('uint') or t.startswith('float') or t.startswith('decimal')) %}
{% endmacro %}

{% macro clickhouse__is_logical_dtype(dtype) %}
    {%- set t = dtype | lower | replace('lowcardinality(', '') | replace('nullable(', '') -%}
    {% do return(t.startswith('bool')) %}
{% endmacro %}

{% macro clickhouse__is_date_or_time_dtype(dtype) %}
    {%- set t = dtype | lower | replace('lowcardinality(', '') | replace('nullable(', '') -%}
    {% do return(t.startswith('date') or t.startswith('timestamp')) %}
{% endmacro %}
