{#- fivetran_utils' string_agg: its default is Postgres' `string_agg(field, delimiter)`. ClickHouse
    has string_agg too, but refuses it with DISTINCT in front of the field ("Aggregate function
    groupConcat requires single argument"), and fivetran's packages pass `distinct x` (dbt_stripe's
    balance transactions). groupConcat takes the delimiter as a parameter, with or without DISTINCT,
    and skips NULLs as string_agg does. -#}
{% macro clickhouse__string_agg(field_to_agg, delimiter) -%}
    groupConcat({{ delimiter }})({{ field_to_agg }})
{%- endmacro %}
