{#- fivetran's dbt_sap: char_yyyymmdd_to_date(x) reads SAP's 'YYYYMMDD' text dates ("If the string is not valid, it
    will return a null value", says the package). Its default (`to_date(cast(x as string), 'YYYYMMDD')`) fails the whole
    model on the first value in another shape (CANNOT_PARSE_DATETIME: its own seed's eindt '2025-01-05' stopped
    sap__fact_purchasing_order; dbt-clickhouse the same); its Postgres, Snowflake (try_to_date), BigQuery (safe.parse_date),
    DuckDB (try_strptime) versions give NULL there. This answers as they do: the date, NULL for anything not eight digits
    of a real day (a Date32, as a `date` cast under dbt_semantics: days before 1970 kept). -#}
{% macro clickhouse__char_yyyymmdd_to_date(date_string) -%}
toDate32(parseDateTime64OrNull(toString({{ date_string }}), '%Y%m%d'))
{%- endmacro %}
