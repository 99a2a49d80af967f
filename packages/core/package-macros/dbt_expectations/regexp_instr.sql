{#- dbt_expectations' regex tests with `flags`: the default ignores them (with a warning), so
    `flags: i` matched case-sensitively. ClickHouse's regular expressions are RE2, as BigQuery's and
    Trino's, which dbt_expectations handles by putting the flags in front of the pattern: `(?i)…`.
    RE2's flags are i, m, s and U; `c` (case-sensitive, as on Snowflake, Redshift and Postgres) is
    RE2's default, so it only cancels an earlier `i`. ClickHouse's regexp_instr(source, pattern,
    position, occurrence) answers as theirs (0: no match). -#}
{% macro clickhouse__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) %}
{%- set ns = namespace(flags='') -%}
{%- for flag in (flags or '') -%}
    {%- if flag == 'c' -%}
        {%- set ns.flags = ns.flags | replace('i', '') -%}
    {%- elif flag in 'imsU' -%}
        {%- set ns.flags = ns.flags ~ flag -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("flags " ~ flags ~ " isn't a valid flag list for ClickHouse's regular expressions (RE2): use i, m, s, U, or c for case-sensitive") }}
    {%- endif -%}
{%- endfor -%}
{%- set pattern = ("(?" ~ ns.flags ~ ")" if ns.flags else "") ~ regexp -%}
regexp_instr({{ source_value }}, '{{ pattern }}', {{ position }}, {{ occurrence }})
{%- endmacro %}
