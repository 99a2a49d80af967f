{#- dbt's DDL helpers for projects that build relations themselves (run_query(create_view_as(...)),
    custom materializations): dbt's names and signatures, dbt-clickhouse's SQL. -#}

{% macro on_cluster_clause(relation, force_sync=False) -%}
    {%- set cluster = target.cluster if target.cluster is defined else none -%}
    {%- if cluster -%} ON CLUSTER '{{ cluster }}' {%- endif -%}
{%- endmacro %}

{% macro get_create_view_as_sql(relation, sql) -%}
    {{ return(adapter.dispatch('get_create_view_as_sql', 'dbt')(relation, sql)) }}
{%- endmacro %}

{% macro default__get_create_view_as_sql(relation, sql) -%}
    {{ return(create_view_as(relation, sql)) }}
{%- endmacro %}

{% macro create_view_as(relation, sql) -%}
    {{ return(adapter.dispatch('create_view_as', 'dbt')(relation, sql)) }}
{%- endmacro %}

{% macro default__create_view_as(relation, sql) -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create view {{ relation }} as (
        {{ sql }}
    )
{%- endmacro %}

{% macro clickhouse__create_view_as(relation, sql) -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create view {{ relation }} {{ on_cluster_clause(relation) }}
    as {{ sql }}
    {{- adapter.get_model_query_settings(model) }}
{%- endmacro %}

{% macro get_create_table_as_sql(temporary, relation, sql) -%}
    {{ return(adapter.dispatch('get_create_table_as_sql', 'dbt')(temporary, relation, sql)) }}
{%- endmacro %}

{% macro default__get_create_table_as_sql(temporary, relation, sql) -%}
    {{ return(create_table_as(temporary, relation, sql)) }}
{%- endmacro %}

{% macro create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {{ return(adapter.dispatch('create_table_as', 'dbt')(temporary, relation, compiled_code, language)) }}
{%- endmacro %}

{% macro default__create_table_as(temporary, relation, sql, language='sql') -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create {% if temporary %}temporary {% endif %}table {{ relation }} as (
        {{ sql }}
    )
{%- endmacro %}

{#- ClickHouse needs an engine and a sorting key: the model's engine/order_by/partition_by configs
    (dbt-clickhouse's defaults: MergeTree(), tuple()). A temporary table is a Memory table. As
    dbt-clickhouse's create_table_or_empty, the model's query_settings end the statement (a custom
    materialization calling create_table_as builds with them: dbt_semantics' join_use_nulls too). -#}
{% macro clickhouse__create_table_as(temporary, relation, sql, language='sql') -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {%- set order_by = config.get('order_by', none) -%}
    {%- set partition_by = config.get('partition_by', none) -%}
    {{ sql_header if sql_header is not none }}
    {%- if temporary %}
    create temporary table {{ relation.identifier }} engine = Memory as {{ sql }}
    {%- else %}
    create table {{ relation }} {{ on_cluster_clause(relation) }}
    engine = {{ config.get('engine', 'MergeTree()') }}
    {%- if order_by is not none %} order by {{ order_by if order_by is string else '(' ~ order_by | join(', ') ~ ')' }}{% else %} order by tuple(){% endif %}
    {%- if partition_by is not none %} partition by {{ partition_by if partition_by is string else '(' ~ partition_by | join(', ') ~ ')' }}{% endif %}
    as {{ sql }}
    {{- adapter.get_model_query_settings(model) }}
    {%- endif %}
{%- endmacro %}

{#- dbt's set_sql_header: the caller's SQL becomes the node's sql_header config. -#}
{% macro set_sql_header(config) -%}
    {{ config.set('sql_header', caller()) }}
{%- endmacro %}
