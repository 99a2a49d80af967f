{#- dbt_utils.get_relations_by_pattern / get_relations_by_prefix list tables through this query.
    The default reads `<database>.information_schema.tables`: ClickHouse has no database level
    above its databases (dbt's schemas), so that three-part name is a syntax error. system.tables
    answers on every server version; `ilike` is written as lower() LIKE lower() (same meaning,
    and servers before 20.6 have no ILIKE). ClickHouse's inner tables of materialized views and
    tsdbt's own build temporaries are not relations of the project, so they are left out. -#}
{% macro clickhouse__get_tables_by_pattern_sql(schema_pattern, table_pattern, exclude='', database=target.database) %}
        select distinct
            database as {{ adapter.quote('table_schema') }},
            name as {{ adapter.quote('table_name') }},
            multiIf(engine = 'View', 'view', engine = 'MaterializedView', 'materializedview', engine = 'Dictionary', 'dictionary', 'table') as {{ adapter.quote('table_type') }}
        from system.tables
        where lower(database) like lower('{{ schema_pattern }}')
        and lower(name) like lower('{{ table_pattern }}')
        and not lower(name) like lower('{{ exclude }}')
        and not name like '.inner%'
        and position(name, '__tsdbt_tmp_') = 0
        and position(name, '__tsdbt_backup_') = 0
        and not name like '\_tmp\_replace\_%'
{% endmacro %}
