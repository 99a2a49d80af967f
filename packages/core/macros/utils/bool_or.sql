{% macro bool_or(expression) -%}
    {{ return(adapter.dispatch('bool_or', 'dbt')(expression)) }}
{%- endmacro %}

{% macro default__bool_or(expression) -%}
    bool_or({{ expression }})
{%- endmacro %}

{#- An aggregate call, as bool_or / boolor_agg / logical_or elsewhere, so that an OVER clause can follow it
    (audit_helper's compare_and_classify macros: `{{ dbt.bool_or('x') }} over (partition by …)`); NULLs are
    skipped and a group of only NULLs gives NULL, as bool_or does. dbt-clickhouse's `max(x) > 0` is a comparison,
    which OVER cannot follow. -#}
{% macro clickhouse__bool_or(expression) -%}
    max(toBool({{ expression }}))
{%- endmacro %}
