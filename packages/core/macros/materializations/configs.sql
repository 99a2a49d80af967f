{% macro should_full_refresh() -%}
    {% set config_full_refresh = config.get('full_refresh') %}
    {% if config_full_refresh is none %}
        {% set config_full_refresh = flags.FULL_REFRESH %}
    {% endif %}
    {% do return(config_full_refresh) %}
{%- endmacro %}

{#- store_failures_as, when set, decides (dbt's TestConfig sets store_failures from it). -#}
{% macro should_store_failures() -%}
    {% set store_failures_as = config.get('store_failures_as') %}
    {% if store_failures_as is not none %}
        {% do return(store_failures_as != 'ephemeral') %}
    {% endif %}
    {% set config_store_failures = config.get('store_failures') %}
    {% if config_store_failures is none %}
        {% set config_store_failures = flags.STORE_FAILURES %}
    {% endif %}
    {% do return(config_store_failures) %}
{%- endmacro %}

{#- A generic test's `model` argument: the relation, or a subquery of it under the test's `where`. -#}
{% macro get_where_subquery(relation) -%}
    {% do return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) %}
{%- endmacro %}

{% macro default__get_where_subquery(relation) -%}
    {% set where = config.get('where', '') %}
    {% if where %}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {% do return(filtered) %}
    {%- else -%}
        {% do return(relation) %}
    {%- endif -%}
{%- endmacro %}
