{#- dbt's array macros (array_construct, array_append, array_concat); ClickHouse's as dbt-clickhouse's. -#}
{% macro array_construct(inputs=[], data_type=api.Column.translate_type('integer')) -%}
    {{ return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) }}
{%- endmacro %}

{% macro default__array_construct(inputs, data_type) -%}
    {% if inputs | length > 0 %}array[ {{ inputs | join(' , ') }} ]{% else %}array[]::{{ data_type }}[]{% endif %}
{%- endmacro %}

{#- Integers given as numbers make an Array(Int32), as Postgres' array[1, 2] is int4[] (dbt's `integer`):
    ClickHouse would type [1, 2] Array(UInt8), unlike the empty array (Int32) it is appended to or
    compared with (dbt-tests-adapter BaseArrayUtils compares the column types). -#}
{% macro clickhouse__array_construct(inputs, data_type) -%}
    {%- set ns = namespace(int32 = inputs | length > 0) -%}
    {%- for x in inputs -%}
        {%- if not (x is number and x == (x | int) and x >= -2147483648 and x <= 2147483647) -%}{%- set ns.int32 = false -%}{%- endif -%}
    {%- endfor -%}
    {% if ns.int32 %}CAST([ {{ inputs | join(' , ') }} ] AS Array(Int32)){% elif inputs | length > 0 %}[ {{ inputs | join(' , ') }} ]{% else %}emptyArray{{ data_type }}(){% endif %}
{%- endmacro %}

{% macro array_append(array, new_element) -%}
    {{ return(adapter.dispatch('array_append', 'dbt')(array, new_element)) }}
{%- endmacro %}

{% macro default__array_append(array, new_element) -%}
    array_append({{ array }}, {{ new_element }})
{%- endmacro %}

{% macro clickhouse__array_append(array, new_element) -%}
    arrayPushBack({{ array }}, {{ new_element }})
{%- endmacro %}

{% macro array_concat(array_1, array_2) -%}
    {{ return(adapter.dispatch('array_concat', 'dbt')(array_1, array_2)) }}
{%- endmacro %}

{% macro default__array_concat(array_1, array_2) -%}
    array_cat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}

{% macro clickhouse__array_concat(array_1, array_2) -%}
    arrayConcat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}
