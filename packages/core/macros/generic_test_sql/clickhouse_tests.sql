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

{% macro clickhouse__test_accepted_values(model, column_name, values, quote=True) -%}
select value_field, n_records from (
    select {{ column_name }} as value_field, count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
) all_values
where value_field is not null and value_field not in (
    {% for value in values -%}
    {% if quote %}'{{ value | replace("\\", "\\\\") | replace("'", "\\'") }}'{% else %}{{ value }}{% endif %}{% if not loop.last %}, {% endif %}
    {%- endfor %}
)
{%- endmacro %}

{% macro clickhouse__test_relationships(model, column_name, to, field) -%}
select from_field from (
    select {{ column_name }} as from_field from {{ model }} where {{ column_name }} is not null
) child
{# Both sides hold no NULL, so ClickHouse's notIn() is SQL's NOT IN (and not rewritten for NULLs:
   execute/dbt-semantics/not-in-nulls.ts, which would read the parent a second time). #}
where notIn(from_field, (select {{ field }} from {{ to }} where {{ field }} is not null))
{%- endmacro %}
