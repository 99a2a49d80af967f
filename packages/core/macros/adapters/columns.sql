{#- dbt's column helpers. Reading the columns is TypeScript (adapter.get_columns_in_relation). -#}
{% macro get_columns_in_relation(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation)) }}
{%- endmacro %}

{% macro sql_convert_columns_in_relation(table) -%}
    {% set columns = [] %}
    {% for row in table %}
        {% do columns.append(api.Column(*row)) %}
    {% endfor %}
    {{ return(columns) }}
{%- endmacro %}

{% macro get_list_of_column_names(columns) -%}
    {% set col_names = [] %}
    {% for col in columns %}
        {% do col_names.append(col.name) %}
    {% endfor %}
    {{ return(col_names) }}
{%- endmacro %}

{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
    {{ return(adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header)) }}
{%- endmacro %}

{% macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
    {%- if select_sql_header is not none -%}
    {{ select_sql_header }}
    {%- endif -%}
    select * from (
        {{ select_sql }}
    ) as __dbt_sbq
    where false
    limit 0
{%- endmacro %}

{% macro get_column_schema_from_query(select_sql, select_sql_header=none) -%}
    {{ return(adapter.get_column_schema_from_query(get_empty_subquery_sql(select_sql, select_sql_header))) }}
{%- endmacro %}

{% macro get_columns_in_query(select_sql) -%}
    {{ return(adapter.dispatch('get_columns_in_query', 'dbt')(select_sql)) }}
{%- endmacro %}

{% macro default__get_columns_in_query(select_sql) -%}
    {% call statement('get_columns_in_query', fetch_result=True, auto_begin=False) -%}
        {{ get_empty_subquery_sql(select_sql) }}
    {% endcall %}
    {{ return(load_result('get_columns_in_query').table.columns | map(attribute='name') | list) }}
{%- endmacro %}

{#- dbt-clickhouse's: no `where false` (ClickHouse may still read a LIMIT 0 query's tables, not its rows). -#}
{% macro clickhouse__get_columns_in_query(select_sql) -%}
    {% call statement('get_columns_in_query', fetch_result=True, auto_begin=False) -%}
        select * from (
            {{ select_sql }}
        ) as __dbt_sbq
        limit 0
    {% endcall %}
    {{ return(load_result('get_columns_in_query').table.columns | map(attribute='name') | list) }}
{%- endmacro %}

{% macro alter_column_type(relation, column_name, new_column_type) -%}
    {{ return(adapter.dispatch('alter_column_type', 'dbt')(relation, column_name, new_column_type)) }}
{%- endmacro %}

{#- relation.render(): the name itself, also under --empty (where a ref prints as a zero-row subquery). -#}
{% macro clickhouse__alter_column_type(relation, column_name, new_column_type) -%}
    {% call statement('alter_column_type') %}
        alter table {{ relation.render() }} modify column {{ adapter.quote(column_name) }} {{ new_column_type }}
    {% endcall %}
{%- endmacro %}

{% macro alter_relation_add_remove_columns(relation, add_columns=none, remove_columns=none) -%}
    {{ return(adapter.dispatch('alter_relation_add_remove_columns', 'dbt')(relation, add_columns, remove_columns)) }}
{%- endmacro %}

{% macro clickhouse__alter_relation_add_remove_columns(relation, add_columns, remove_columns) -%}
    {% set changes = [] %}
    {% for column in add_columns or [] %}{% do changes.append('add column ' ~ adapter.quote(column.name) ~ ' ' ~ column.data_type) %}{% endfor %}
    {% for column in remove_columns or [] %}{% do changes.append('drop column ' ~ adapter.quote(column.name)) %}{% endfor %}
    {% if changes %}{% do run_query('alter table ' ~ relation.render() ~ ' ' ~ changes | join(', ')) %}{% endif %}
{%- endmacro %}
