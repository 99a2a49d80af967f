{#- dbt's array macros (array_construct, array_append, array_concat); ClickHouse's as dbt-clickhouse's. -#}
{% macro array_construct(inputs=[], data_type=api.Column.translate_type('integer')) -%}
    {{ return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) }}
{%- endmacro %}

{% macro default__array_construct(inputs, data_type) -%}
    {% if inputs | length > 0 %}array[ {{ inputs | join(' , ') }} ]{% else %}array[]::{{ data_type }}[]{% endif %}
{%- endmacro %}

{% macro clickhouse__array_construct(inputs, data_type) -%}
    {% if inputs | length > 0 %}[ {{ inputs | join(' , ') }} ]{% else %}emptyArray{{ data_type }}(){% endif %}
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
