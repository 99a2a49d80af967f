/*
 * dbt-clickhouse tests/integration/adapter/materialized_view/common.py: the `people` seed and its
 * source, shared by the materialized-view, dictionary and projection cases (upstream shares them too).
 */

export const PEOPLE_SEED_CSV = `id,name,age,department
1231,Dade,33,engineering
6666,Ksenia,48,engineering
8888,Kate,50,engineering
1000,Alfie,10,sales
2000,Bill,20,sales
3000,Charlie,30,sales
`;

export const SEED_SCHEMA_YML = `
version: 2

sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: people
`;

/** common.py TARGET_MODEL_HACKERS: an empty target table model for views writing into it (materialization_target_table). */
export const TARGET_MODEL_HACKERS = `
{{ config(materialized='table') }}

{%- if var('enable_repopulate_from_mvs_on_full_refresh', False) %}
{{ config(repopulate_from_mvs_on_full_refresh=true) }}
{%- endif %}

{% if var('run_type', '') == 'extended_schema' %}
SELECT
    toInt32(0) AS id,
    '' AS name,
    '' AS hacker_alias,
    toInt32(0) AS extra_col
WHERE 0
{% else %}
SELECT
    toInt32(0) AS id,
    '' AS name,
    '' AS hacker_alias
WHERE 0  -- Creates empty table with correct schema
{% endif %}
`;

/** common.py MV_MODEL: the engineering rows of `people`, written into `var('target_table')` when set. */
export const MV_MODEL = `
{{ config(materialized='materialized_view') }}

{%- if var('alias', '') %}
{{ config(alias=var('alias')) }}
{%- endif %}

{%- if not var('catchup', True) %}
{{ config(catchup=False) }}
{%- endif %}

{%- if var('target_table', none) %}
{{ materialization_target_table(ref(var('target_table'))) }}
{%- endif %}

select
    p.id,
    p.name,
    'engineering' as department
from {{ source('raw', 'people') }} p
where p.department = 'engineering'
`;

/** common.py TARGET_MODEL: an empty table model views write into; `run_type: extended_schema` adds a column. */
export const TARGET_MODEL = `
{{ config(materialized='table') }}

{%- if var('enable_repopulate_from_mvs_on_full_refresh', False) %}
{{ config(repopulate_from_mvs_on_full_refresh=true) }}
{%- endif %}

{% if var('run_type', '') == 'extended_schema' %}
SELECT
    toInt32(0) AS id,
    '' AS name,
    '' AS department,
    toInt32(0) AS extra_col
WHERE 0
{% else %}
SELECT
    toInt32(0) AS id,
    '' AS name,
    '' AS department
WHERE 0  -- Creates empty table with correct schema
{% endif %}
`;

/** test_materialized_view.py's `hackers` model: a materialized_view of the engineering rows (catchup, schema and on_schema_change from vars). */
export const HACKERS_MV_MODEL = `
{{ config(
       materialized='materialized_view' if not var('use_view', False) else 'view',
       engine='MergeTree()',
       order_by='(id)',
       on_schema_change=var('on_schema_change', 'ignore')
) }}
{%- if not var('catchup', True)%}
{{ config(catchup=False) }}
{%- endif %}
{%- if var('schema_name', none) %}
{{ config(schema=var('schema_name')) }}
{%- endif %}

{% if not var('use_updated_schema', False) %}
select
    id,
    name,
    case
        when name like 'Dade' then 'crash_override'
        when name like 'Kate' then 'acid burn'
        else 'N/A'
    end as hacker_alias
from {{ source('raw', 'people') }}
where department = 'engineering'

{% else %}
select
    id,
    name,
    case
        -- Dade wasn't always known as 'crash override'!
        when name like 'Dade' and age = 11 then 'zero cool'
        when name like 'Dade' and age != 11 then 'crash override'
        when name like 'Kate' then 'acid burn'
        else 'N/A'
    end as hacker_alias,
    id as id2
from {{ source('raw', 'people') }}
where department = 'engineering'

{% endif %}
`;
