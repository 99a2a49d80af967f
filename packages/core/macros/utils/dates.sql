{#- dbt's date macros: date, dateadd, datediff, date_trunc, last_day. ClickHouse reads
    `dateadd(day, n, d)`, `datediff(day, a, b)` and `date_trunc('day', d)` as written. -#}
{% macro date(year, month, day) -%}
    {{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}
{%- endmacro %}

{% macro default__date(year, month, day) -%}
    {%- set dt = modules.datetime.date(year, month, day) -%}
    to_date('{{ dt.strftime('%Y-%m-%d') }}', 'YYYY-MM-DD')
{%- endmacro %}

{% macro clickhouse__date(year, month, day) -%}
    {%- set dt = modules.datetime.date(year, month, day) -%}
    toDate('{{ dt.strftime('%Y-%m-%d') }}')
{%- endmacro %}

{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}
    {{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}

{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
    dateadd(
        {{ datepart }},
        {{ interval }},
        {{ from_date_or_timestamp }}
        )
{%- endmacro %}

{% macro datediff(first_date, second_date, datepart) -%}
    {{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}
{%- endmacro %}

{% macro default__datediff(first_date, second_date, datepart) -%}
    datediff(
        {{ datepart }},
        {{ first_date }},
        {{ second_date }}
        )
{%- endmacro %}

{#- ClickHouse's dateDiff takes only Date/DateTime arguments; dbt's datediff is called with date
    strings too ("'2018-01-01'", a string column), which other warehouses cast implicitly. Each side
    goes through toDateTime64, which reads a string and keeps a Date's day and a DateTime's time
    zone: the count of datepart boundaries is the same. -#}
{#- A string literal is parsed as other warehouses read it ('09/01/2023' is September 1st, ISO
    text as written); any other expression is converted. -#}
{% macro clickhouse__datetime64_of(expr, scale) -%}
    {%- set e = expr | string | trim -%}
    {%- if e.startswith("'") and e.endswith("'") -%}
    parseDateTime64BestEffortUS({{ e }}, {{ scale }})
    {%- else -%}
    toDateTime64({{ expr }}, {{ scale }})
    {%- endif -%}
{%- endmacro %}

{% macro clickhouse__datediff(first_date, second_date, datepart) -%}
    {%- set scale = 9 if datepart | lower in ('nanosecond', 'ns') else 6 -%}
    dateDiff('{{ datepart | replace("'", "") }}', {{ clickhouse__datetime64_of(first_date, scale) }}, {{ clickhouse__datetime64_of(second_date, scale) }})
{%- endmacro %}

{% macro date_trunc(datepart, date) -%}
    {{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}
{%- endmacro %}

{% macro default__date_trunc(datepart, date) -%}
    date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{% macro last_day(date, datepart) -%}
    {{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}
{%- endmacro %}

{% macro default_last_day(date, datepart) -%}
    cast(
        {{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }}
        as date)
{%- endmacro %}

{% macro default__last_day(date, datepart) -%}
    {{ dbt.default_last_day(date, datepart) }}
{%- endmacro %}

{% macro clickhouse__last_day(date, datepart) -%}
    {{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }}
{%- endmacro %}
