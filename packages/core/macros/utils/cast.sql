{% macro cast(field, type) -%}
    {{ return(adapter.dispatch('cast', 'dbt')(field, type)) }}
{%- endmacro %}

{% macro default__cast(field, type) -%}
    cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro cast_bool_to_text(field) -%}
    {{ adapter.dispatch('cast_bool_to_text', 'dbt')(field) }}
{%- endmacro %}

{% macro default__cast_bool_to_text(field) -%}
    cast({{ field }} as {{ api.Column.translate_type('string') }})
{%- endmacro %}

{#- ClickHouse booleans are 1/0: spelled 'true'/'false' as on other warehouses (dbt-clickhouse). -#}
{% macro clickhouse__cast_bool_to_text(field) -%}
    multiIf({{ field }} > 0, 'true', {{ field }} = 0, 'false', NULL)
{%- endmacro %}

{% macro safe_cast(field, type) -%}
    {{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}
{%- endmacro %}

{% macro default__safe_cast(field, type) -%}
    cast({{ field }} as {{ type }})
{%- endmacro %}

{#- dbt-clickhouse: the literal 'null' gives the type's default value (unit test fixtures). -#}
{% macro clickhouse__safe_cast(field, type) -%}
    {%- if field == 'null' -%}
    CAST(defaultValueOfTypeName('{{ type | replace("'", "\\'") }}') AS {{ type }})
    {%- else -%}
    CAST({{ field }} AS {{ type }})
    {%- endif -%}
{%- endmacro %}
