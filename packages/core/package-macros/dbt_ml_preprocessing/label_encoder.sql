{#- omnata-labs' dbt_ml_preprocessing: label_encoder's default is Snowflake's (`array_agg(distinct x) within group
    (order by x)`, `array_position(x::variant, …)`), a syntax error on ClickHouse (dbt-clickhouse too). Its Postgres,
    Redshift, Synapse and SQL Server versions are one SQL (each distinct value's 0-based rank, a correlated
    subquery), which runs here. -#}
{% macro clickhouse__label_encoder(source_table, source_column, include_columns) %}
    {% do return(dbt_ml_preprocessing.redshift__label_encoder(source_table, source_column, include_columns)) %}
{% endmacro %}
