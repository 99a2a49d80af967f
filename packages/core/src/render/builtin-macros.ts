/**
 * dbt's built-in generic tests, as Jinja, adjusted for ClickHouse: no CTEs (so they also run on
 * old servers) and an anti-join for `relationships` that does not depend on `join_use_nulls`
 * (a plain LEFT JOIN fills unmatched rows with defaults, never NULL, so dbt's SQL never fails).
 * NULLs are excluded explicitly: servers before ~19.x answer `NULL NOT IN (…)` with 1, not NULL.
 * A project macro of the same name (e.g. `test_unique`) overrides these, as in dbt.
 */
export const BUILTIN_MACROS_FILE = '<tsdbt builtin macros>';

export const BUILTIN_MACROS = String.raw`
{#- dbt's naming macros, for project overrides that call them (load/relation-names.ts computes the same defaults directly). -#}
{% macro default__generate_schema_name(custom_schema_name, node) -%}
    {%- set default_schema = target.schema -%}
    {%- if custom_schema_name is none -%}
        {{ default_schema }}
    {%- else -%}
        {{ default_schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{% macro generate_schema_name_for_env(custom_schema_name, node) -%}
    {%- set default_schema = target.schema -%}
    {%- if target.name == 'prod' and custom_schema_name is not none -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ default_schema }}
    {%- endif -%}
{%- endmacro %}

{% macro default__generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- if custom_alias_name -%}
        {{ custom_alias_name | trim }}
    {%- else -%}
        {{ node.name }}
    {%- endif -%}
{%- endmacro %}

{% macro test_not_null(model, column_name) -%}
select {{ column_name }} from {{ model }} where {{ column_name }} is null
{%- endmacro %}

{% macro test_unique(model, column_name) -%}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endmacro %}

{% macro test_accepted_values(model, column_name, values, quote=True) -%}
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

{% macro test_relationships(model, column_name, to, field) -%}
select from_field from (
    select {{ column_name }} as from_field from {{ model }} where {{ column_name }} is not null
) child
where from_field not in (select {{ field }} from {{ to }} where {{ field }} is not null)
{%- endmacro %}
`;
