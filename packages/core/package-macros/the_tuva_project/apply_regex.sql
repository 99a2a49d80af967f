{#- tuva-health/tuva: apply_regex(column_name, regex) is a predicate, the column matches the pattern. Its default is
    Snowflake's `regexp_like(col, 're')`, a function ClickHouse does not have (UNKNOWN_FUNCTION; dbt-clickhouse too), so
    hcc_suspecting__int_prep_egfr_labs, hcc_suspecting__int_observation_suspects and
    quality_measures__int_cqm438_denominator_criteria2 fail on ClickHouse. This answers as that default and as its
    Postgres/Redshift version (`similar to`): the whole text matches (Snowflake's REGEXP_LIKE anchors the pattern at
    both ends), NULL for a NULL column; the pattern is written as those warehouses' literal, as ClickHouse reads one. -#}
{% macro clickhouse__apply_regex(column_name, regex) %}
    match({{ column_name }}, '^(?:{{ regex }})$')
{%- endmacro %}
