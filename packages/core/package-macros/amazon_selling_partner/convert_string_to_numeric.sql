{#- fivetran's dbt_amazon_selling_partner: convert_string_to_numeric(column) reads an amount held as text ('1,039.01',
    '39.01a') as a number. Its default (`cast(replace(x, ',', '') as numeric)`, warning 'unsupported warehouse') fails
    the whole model on the first value with trailing text (CANNOT_PARSE_TEXT: amazon_selling_partner__orders and
    __order_items; dbt-clickhouse the same). This answers as its Postgres version
    (`substring(replace(x, ',', '') from '(-?[0-9]+(\.[0-9]+)?)')`): the first number in the text, NULL when none. -#}
{% macro clickhouse__convert_string_to_numeric(column) -%}
cast(nullIf(extract(replaceAll(toString({{ column }}), ',', ''), '-?[0-9]+(?:\\.[0-9]+)?'), '') as {{ dbt.type_numeric() }})
{%- endmacro %}
