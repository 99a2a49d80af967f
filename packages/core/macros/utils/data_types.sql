{#- dbt's type_* macros: api.Column.translate_type() names the type, as dbt-clickhouse's
    ClickHouseColumn does (string → String, timestamp → DateTime, integer → Int32; float is Float64 below;
    ClickHouse reads bigint and boolean as Int64 and Bool). -#}
{% macro type_string() -%}
    {{ return(adapter.dispatch('type_string', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_string() -%}
    {{ return(api.Column.translate_type('string')) }}
{%- endmacro %}

{% macro type_timestamp() -%}
    {{ return(adapter.dispatch('type_timestamp', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_timestamp() -%}
    {{ return(api.Column.translate_type('timestamp')) }}
{%- endmacro %}

{% macro type_float() -%}
    {{ return(adapter.dispatch('type_float', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_float() -%}
    {{ return(api.Column.translate_type('float')) }}
{%- endmacro %}

{# dbt's float is a double elsewhere (Postgres float8, Snowflake, BigQuery, Redshift); ClickHouse's FLOAT
   (dbt-clickhouse's Float32) reads 1.2345 back as 1.2345000505. Float64, as tsdbt's seeds infer decimals. #}
{% macro clickhouse__type_float() -%}
    {{ return('Float64') }}
{%- endmacro %}

{% macro type_numeric() -%}
    {{ return(adapter.dispatch('type_numeric', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_numeric() -%}
    {{ return(api.Column.numeric_type('numeric', 28, 6)) }}
{%- endmacro %}

{% macro type_bigint() -%}
    {{ return(adapter.dispatch('type_bigint', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_bigint() -%}
    {{ return(api.Column.translate_type('bigint')) }}
{%- endmacro %}

{% macro type_int() -%}
    {{ return(adapter.dispatch('type_int', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_int() -%}
    {{ return(api.Column.translate_type('integer')) }}
{%- endmacro %}

{% macro type_boolean() -%}
    {{ return(adapter.dispatch('type_boolean', 'dbt')()) }}
{%- endmacro %}

{% macro default__type_boolean() -%}
    {{ return(api.Column.translate_type('boolean')) }}
{%- endmacro %}
