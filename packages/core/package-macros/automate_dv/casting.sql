{#- Datavault-UK's automate_dv casts (cast_date, cast_datetime, cast_binary) on ClickHouse.
    cast_date and cast_datetime have no default__ (dbt-clickhouse fails to render every ghost record and
    effectivity satellite). Their ghost records are 1900-01-01, before ClickHouse's Date and DateTime
    (1970-…): a date is Date32 and a timestamp DateTime64(6), which hold 1900 and microseconds as the package's
    Snowflake TIMESTAMP_NTZ does. The package's default__cast_binary writes CAST('<hex>' AS BINARY(16)):
    Snowflake reads the text as hex (16 bytes), ClickHouse's BINARY(16) is FixedString(16) and takes the text's
    characters (a 32-character ghost key does not fit) — here a quoted value is unhex()ed first, as Snowflake. -#}
{%- macro clickhouse__cast_date(column_str, as_string=false, alias=none) -%}
    {%- if as_string -%}
        toDate32('{{ column_str }}')
    {%- else -%}
        CAST({{ column_str }} AS Date32)
    {%- endif -%}
    {%- if alias %} AS {{ alias }} {%- endif %}
{%- endmacro -%}

{%- macro clickhouse__cast_datetime(column_str, as_string=false, alias=none, date_type=none) -%}
    {#- cast_datetime() has already quoted column_str when as_string -#}
    {%- if as_string -%}
        toDateTime64({{ column_str }}, 6)
    {%- else -%}
        CAST({{ column_str }} AS DateTime64(6))
    {%- endif -%}
    {%- if alias %} AS {{ alias }} {%- endif %}
{%- endmacro -%}

{%- macro clickhouse__cast_binary(column_str, alias=none, quote=true) -%}
    {%- if quote -%}
        CAST(unhex('{{ column_str }}') AS {{ automate_dv.type_binary() }})
    {%- else -%}
        CAST({{ column_str }} AS {{ automate_dv.type_binary() }})
    {%- endif -%}
    {%- if alias %} AS {{ alias }} {%- endif -%}
{%- endmacro -%}
