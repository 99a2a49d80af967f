{#- dbt's except() and intersect() mean the SQL standard's EXCEPT / INTERSECT, which drop
    duplicates; ClickHouse's plain EXCEPT / INTERSECT keep them (except_default_mode and
    intersect_default_mode are ALL), so the ClickHouse versions say DISTINCT. -#}
{% macro except() -%}
    {{ return(adapter.dispatch('except', 'dbt')()) }}
{%- endmacro %}

{% macro default__except() -%}
    except
{%- endmacro %}

{% macro clickhouse__except() -%}
    except distinct
{%- endmacro %}

{% macro intersect() -%}
    {{ return(adapter.dispatch('intersect', 'dbt')()) }}
{%- endmacro %}

{% macro default__intersect() -%}
    intersect
{%- endmacro %}

{% macro clickhouse__intersect() -%}
    intersect distinct
{%- endmacro %}
