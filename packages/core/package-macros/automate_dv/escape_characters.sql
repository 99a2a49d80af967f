{#- Datavault-UK's automate_dv: get_escape_characters() has no default__ (only Snowflake, BigQuery, SQL Server,
    Databricks and Postgres versions), so every stage/hub/link/sat fails to render on ClickHouse — dbt-clickhouse
    too. ClickHouse takes both "…" and `…` around a name; "…" as on Snowflake/Postgres, whose SQL its defaults are. -#}
{%- macro clickhouse__get_escape_characters() %}
    {%- do return(('"', '"')) -%}
{%- endmacro %}
