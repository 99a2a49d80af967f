{#- dbt_date before its ClickHouse support (calogica/dbt_date up to 0.10, which calogica/dbt_expectations
    up to 0.10.4 installs, and godatadriven/dbt_date's first releases) has none of these for ClickHouse,
    and their defaults are Snowflake's: `convert_timezone(src, tgt, ts)`, which ClickHouse lacks (every
    `dbt_date.today()` / `now()` went through it), `date_trunc('isoweek', …)`, `to_char(d, 'Dy')`,
    `last_day(d, 'week')`. These answer as the package's Postgres versions (its integration tests'
    expectations). A dbt_date release that has its own `clickhouse__` versions keeps them. -#}

{#- The timestamp's wall-clock time read in `source_tz`, given as the wall-clock time in `target_tz`,
    without a time zone (Postgres' `ts at time zone src at time zone tgt`). -#}
{% macro clickhouse__convert_timezone(column, target_tz, source_tz) -%}
cast(cast(toString(toTimeZone(toDateTime64(toString(cast({{ column }} as DateTime64(6))), 6, '{{ source_tz }}'), '{{ target_tz }}')) as DateTime64(6)) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Weeks start on Sunday (Postgres' version: a day back from the Monday of the next day's week).
    Written with day arithmetic, which keeps a Date32 (toStartOfWeek gives a Date: 1970–2149). -#}
{%- macro clickhouse__week_start(date) -%}
cast(toDate32({{ date }}) - toDayOfWeek(toDate32({{ date }}), 2) as date)
{%- endmacro %}

{%- macro clickhouse__week_end(date) -%}
{{ dbt_date.n_days_away(6, dbt_date.week_start(date)) }}
{%- endmacro %}

{#- ISO weeks start on Monday. -#}
{%- macro clickhouse__iso_week_start(date) -%}
cast(toDate32({{ date }}) - toDayOfWeek(toDate32({{ date }}), 1) as date)
{%- endmacro %}

{%- macro clickhouse__iso_week_end(date) -%}
{{ dbt_date.n_days_away(6, dbt_date.iso_week_start(date)) }}
{%- endmacro %}

{#- Week of the year as Postgres' to_char(d, 'WW'): days 1–7 of the year are week 1 (the package's
    default, `date_part('week', d)`, is the ISO week on Postgres and other warehouses alike). -#}
{%- macro clickhouse__week_of_year(date) -%}
cast(intDiv(toDayOfYear({{ date }}) - 1, 7) + 1 as {{ dbt.type_int() }})
{%- endmacro %}

{%- macro clickhouse__iso_week_of_year(date) -%}
cast(toISOWeek({{ date }}) as {{ dbt.type_int() }})
{%- endmacro %}

{#- Sunday 1 … Saturday 7, or Monday 1 … Sunday 7 for `isoweek` (the package's convention). -#}
{%- macro clickhouse__day_of_week(date, isoweek) -%}
{%- if isoweek -%}
cast(toDayOfWeek({{ date }}, 0) as {{ dbt.type_int() }})
{%- else -%}
cast(toDayOfWeek({{ date }}, 3) as {{ dbt.type_int() }})
{%- endif -%}
{%- endmacro %}

{#- English names: 'Sunday' / 'Sun', 'November' / 'Nov' (Postgres' FMDay / FMDy, FMMonth / FMMon). -#}
{%- macro clickhouse__day_name(date, short) -%}
{%- if short -%}
substring(dateName('weekday', {{ date }}), 1, 3)
{%- else -%}
dateName('weekday', {{ date }})
{%- endif -%}
{%- endmacro %}

{%- macro clickhouse__month_name(date, short) -%}
{%- if short -%}
substring(dateName('month', {{ date }}), 1, 3)
{%- else -%}
dateName('month', {{ date }})
{%- endif -%}
{%- endmacro %}

{#- The timestamp of a number of seconds since 1970-01-01 00:00:00 UTC, without a time zone; also
    milliseconds and microseconds, as the package's Snowflake version takes them. -#}
{%- macro clickhouse__from_unixtimestamp(epochs, format="seconds") -%}
{%- set scale = {"seconds": 0, "milliseconds": 3, "microseconds": 6}.get(format) -%}
{%- if scale is none -%}
{{ exceptions.raise_compiler_error("value " ~ format ~ " for `format` for from_unixtimestamp is not supported.") }}
{%- endif -%}
{%- if scale == 0 -%}
cast(toString(toDateTime({{ epochs }}, 'UTC')) as {{ dbt.type_timestamp() }})
{%- else -%}
cast(toString(fromUnixTimestamp64{{ 'Milli' if scale == 3 else 'Micro' }}(cast({{ epochs }} as Int64), 'UTC')) as DateTime64({{ scale }}))
{%- endif -%}
{%- endmacro %}
