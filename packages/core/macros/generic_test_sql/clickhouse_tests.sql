{#- The generic tests on ClickHouse: no CTEs (they also run on old servers) and an anti-join for
    `relationships` that does not depend on join_use_nulls (a plain LEFT JOIN fills unmatched rows
    with defaults, never NULL, so dbt's SQL would never fail). NULLs are excluded explicitly:
    servers before ~19.x answer `NULL NOT IN (…)` with 1, not NULL. -#}
{#- As dbt: the failing rows are kept whole when they are stored. -#}
{% macro clickhouse__test_not_null(model, column_name) -%}
{% set column_list = '*' if should_store_failures() else column_name %}
select {{ column_list }} from {{ model }} where {{ column_name }} is null
{%- endmacro %}

{% macro clickhouse__test_unique(model, column_name) -%}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endmacro %}

{#- A quoted true/false (YAML `[true, false]` or `['true', 'false']`) on a column that is not text
    (a comparison's UInt8, a Bool) is that truth value, as Postgres reads the literal as the column's
    type; ClickHouse cannot convert 'True' to UInt8 (TYPE_MISMATCH). On a text column it is the text. -#}
{% macro clickhouse__test_accepted_values(model, column_name, values, quote=True) -%}
{%- set plain = [] -%}{%- set truths = [] -%}
{%- for value in values -%}
{%- if quote and ((value is boolean) or (value is string and (value | lower) in ['true', 'false'])) -%}{%- do truths.append(value) -%}{%- else -%}{%- do plain.append(value) -%}{%- endif -%}
{%- endfor -%}
select value_field, n_records from (
    select {{ column_name }} as value_field, count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
) all_values
where value_field is not null
{%- if plain or not truths %} and value_field not in (
    {% for value in plain -%}
    {% if quote %}'{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'{% else %}{{ value }}{% endif %}{% if not loop.last %}, {% endif %}
    {%- endfor %}
){%- endif %}
{%- for value in truths %}
  and not (toString(value_field) = '{{ value }}' or (toTypeName(value_field) not like '%String%' and toString(value_field) in ({{ "'1', 'true'" if (value | string | lower) == 'true' else "'0', 'false'" }})))
{%- endfor %}
{%- endmacro %}

{% macro clickhouse__test_relationships(model, column_name, to, field) -%}
select from_field from (
    select {{ column_name }} as from_field from {{ model }} where {{ column_name }} is not null
) child
{# Both sides hold no NULL, so ClickHouse's notIn() is SQL's NOT IN (and not rewritten for NULLs:
   execute/dbt-semantics/not-in-nulls.ts, which would read the parent a second time). #}
where notIn(from_field, (select {{ field }} from {{ to }} where {{ field }} is not null))
{%- endmacro %}
