{#- Datavault-UK's automate_dv: the pit_incremental and bridge_incremental materializations replace the table's rows
    with the new query's (a temporary table) by incremental_pit_replace / incremental_bridge_replace, whose default
    is `TRUNCATE TABLE t; INSERT INTO t (…) (SELECT … FROM tmp);` in one statement — one transaction on Snowflake or
    Postgres; ClickHouse refuses several statements in one query (dbt-clickhouse fails every incremental run), and
    run one after the other a failure between them would leave the table empty. Here the rows go into a new table
    of the same structure, which is EXCHANGEd with the table in one step (a failure before leaves the table as it
    was); the main statement then drops the old rows. A copy left by a process that died after the EXCHANGE holds
    the old rows only and is dropped by the next run. -#}
{% macro clickhouse__incremental_pit_replace(tmp_relation, target_relation, statement_name="main") %}
    {{- automate_dv.clickhouse__replace_rows_from_temporary(tmp_relation, target_relation) -}}
{% endmacro %}

{% macro clickhouse__incremental_bridge_replace(tmp_relation, target_relation, statement_name="main") %}
    {{- automate_dv.clickhouse__replace_rows_from_temporary(tmp_relation, target_relation) -}}
{% endmacro %}

{% macro clickhouse__replace_rows_from_temporary(tmp_relation, target_relation) %}
    {%- set dest_cols_csv = adapter.get_columns_in_relation(target_relation) | map(attribute='quoted') | join(', ') -%}
    {#- the materialization made tmp_relation with create_table_as(True, …): a session's temporary table, which has
        no database (dbt-clickhouse's too), so it is read by its name alone -#}
    {%- set temporary_name = adapter.quote(tmp_relation.identifier) -%}
    {%- set new_relation = target_relation.incorporate(path={"identifier": target_relation.identifier ~ "__automate_dv_new"}) -%}
    {%- do run_query("DROP TABLE IF EXISTS " ~ new_relation) -%}
    {%- do run_query("CREATE TABLE " ~ new_relation ~ " AS " ~ target_relation) -%}
    {%- do run_query("INSERT INTO " ~ new_relation ~ " (" ~ dest_cols_csv ~ ") SELECT " ~ dest_cols_csv ~ " FROM " ~ temporary_name) -%}
    {%- do run_query("EXCHANGE TABLES " ~ target_relation ~ " AND " ~ new_relation) -%}
    DROP TABLE IF EXISTS {{ new_relation }}
{% endmacro %}
