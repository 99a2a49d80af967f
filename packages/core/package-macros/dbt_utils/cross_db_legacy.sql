{#- dbt_utils before 0.9 had its own cross-database macros (`dbt_utils.datediff`, `dateadd`,
    `date_trunc`, `split_part`, the `type_*` family…), dispatched in the dbt_utils namespace with
    `default__` versions written for Postgres/Snowflake: `datediff(month, '2018-01-01', d)` (its
    date_spine) fails on ClickHouse, whose dateDiff takes no strings, and `split_part`,
    `safe_cast`, `hash`, `right`, `position`, `last_day`, `cast_bool_to_text`… are not ClickHouse
    functions. Since 0.9 they call dbt's own (`dbt.datediff`…). These `clickhouse__` versions do
    that for the old releases too: each one is tsdbt's `dbt.<name>`, which runs on ClickHouse.
    Releases from 1.0 on define none of these names, so nothing dispatches here. -#}
{% macro clickhouse__datediff(first_date, second_date, datepart) -%}
    {{ return(dbt.datediff(first_date, second_date, datepart)) }}
{%- endmacro %}

{% macro clickhouse__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {{ return(dbt.dateadd(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}

{% macro clickhouse__date_trunc(datepart, date) -%}
    {{ return(dbt.date_trunc(datepart, date)) }}
{%- endmacro %}

{% macro clickhouse__last_day(date, datepart) -%}
    {{ return(dbt.last_day(date, datepart)) }}
{%- endmacro %}

{% macro clickhouse__split_part(string_text, delimiter_text, part_number) -%}
    {{ return(dbt.split_part(string_text, delimiter_text, part_number)) }}
{%- endmacro %}

{% macro clickhouse__safe_cast(field, type) -%}
    {{ return(dbt.safe_cast(field, type)) }}
{%- endmacro %}

{% macro clickhouse__hash(field) -%}
    {{ return(dbt.hash(field)) }}
{%- endmacro %}

{% macro clickhouse__right(string_text, length_expression) -%}
    {{ return(dbt.right(string_text, length_expression)) }}
{%- endmacro %}

{% macro clickhouse__position(substring_text, string_text) -%}
    {{ return(dbt.position(substring_text, string_text)) }}
{%- endmacro %}

{% macro clickhouse__replace(field, old_chars, new_chars) -%}
    {{ return(dbt.replace(field, old_chars, new_chars)) }}
{%- endmacro %}

{% macro clickhouse__length(expression) -%}
    {{ return(dbt.length(expression)) }}
{%- endmacro %}

{% macro clickhouse__cast_bool_to_text(field) -%}
    {{ return(dbt.cast_bool_to_text(field)) }}
{%- endmacro %}

{% macro clickhouse__escape_single_quotes(expression) -%}
    {{ return(dbt.escape_single_quotes(expression)) }}
{%- endmacro %}

{% macro clickhouse__concat(fields) -%}
    {{ return(dbt.concat(fields)) }}
{%- endmacro %}

{% macro clickhouse__current_timestamp() -%}
    {{ return(dbt.current_timestamp()) }}
{%- endmacro %}

{% macro clickhouse__except() -%}
    {{ return(dbt.except()) }}
{%- endmacro %}

{% macro clickhouse__intersect() -%}
    {{ return(dbt.intersect()) }}
{%- endmacro %}

{% macro clickhouse__any_value(expression) -%}
    {{ return(dbt.any_value(expression)) }}
{%- endmacro %}

{% macro clickhouse__bool_or(expression) -%}
    {{ return(dbt.bool_or(expression)) }}
{%- endmacro %}

{% macro clickhouse__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {{ return(dbt.listagg(measure, delimiter_text, order_by_clause, limit_num)) }}
{%- endmacro %}

{% macro clickhouse__type_string() -%}
    {{ return(dbt.type_string()) }}
{%- endmacro %}

{% macro clickhouse__type_timestamp() -%}
    {{ return(dbt.type_timestamp()) }}
{%- endmacro %}

{% macro clickhouse__type_float() -%}
    {{ return(dbt.type_float()) }}
{%- endmacro %}

{% macro clickhouse__type_numeric() -%}
    {{ return(dbt.type_numeric()) }}
{%- endmacro %}

{% macro clickhouse__type_bigint() -%}
    {{ return(dbt.type_bigint()) }}
{%- endmacro %}

{% macro clickhouse__type_int() -%}
    {{ return(dbt.type_int()) }}
{%- endmacro %}
