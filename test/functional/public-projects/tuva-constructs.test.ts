import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of tuva-health/tuva (the Tuva Project, its integration_tests) that failed when parsed
 * unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('tuva constructs', () => {
  it("a macro argument the caller did not pass (or passed undefined: `flags=N`) is Undefined, not dbt's global of that name", async () => {
    const { p: ip, project: p } = setup({
      'macros/regex.sql': `{% macro inner(a, flags) %}{{ 'undefined' if flags is not defined else 'defined' }}/{{ (flags or 'none') }}{% endmacro %}
{% macro outer(a, flags="") %}{{ inner(a, flags) }}{% endmacro %}
{% macro top(a, flags=N) %}{{ outer(a, flags=flags) }}{% endmacro %}`,
      'models/m.sql': "select '{{ top(1) }}' as passed_undefined, '{{ inner(1) }}' as not_passed, '{{ 'global' if flags.FULL_REFRESH is defined else 'missing' }}' as global_flags",
    });
    expectStatuses(await p.run(), { m: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.m`)).toEqual([{ passed_undefined: 'undefined/none', not_passed: 'undefined/none', global_flags: 'global' }]);
  });

  it("renders `var('x', None)` in the project file as None (a default given), and Jinja's replace filter makes text of None", async () => {
    const { p: ip, project: p } = setup({
      'project.yml': `name: proj
profile: proj
models:
  proj:
    +alias: "{%- if var('tuva_schema_prefix', None) != None -%}{{ var('tuva_schema_prefix') }}_m{% else %}plain_m{%- endif -%}"
`,
      'models/m.sql': "{%- set clean = var('predictions', None) | replace('`', '') -%}\nselect '{{ clean.split('.') | join('|') }}' as parts",
    });
    expectStatuses(await p.run(), { m: 'success' });
    expect(await queryRows(p, `select parts from ${ip.schema}.plain_m`)).toEqual([{ parts: 'None' }]);
  });

  it("a graph node's column has dbt 1.10's config (meta and tags, merged with the top-level keys): tuva's data-quality macros read column.config.meta.get(…)", async () => {
    const { p: ip, project: p } = setup({
      'models/m.sql': 'select 1 as id, 2 as plain',
      'models/m.yml': `models:
  - name: m
    columns:
      - name: id
        meta: {owner: a}
        config:
          meta: {data_type: integer, is_primary_key: true}
          tags: [pk]
      - name: plain
`,
      'models/expected.sql': `{%- set node = graph.nodes['model.proj.m'] -%}
{%- set out = [] -%}
{%- for column in node.columns.values() | sort(attribute='name') -%}
  {%- set meta = column.config.meta if column.config is not none and column.config.meta is not none else {} -%}
  {%- do out.append(column.name ~ ':' ~ meta.get('data_type') ~ ':' ~ meta.get('is_primary_key', false) ~ ':' ~ meta.get('owner') ~ ':' ~ (column.config.tags | join(','))) -%}
{%- endfor -%}
select '{{ out | join(' ') }}' as cols`,
    });
    // Before: 'meta.get' calls a macro of package 'meta' (column.config was undefined).
    expectStatuses(await p.run(), { m: 'success', expected: 'success' });
    expect(await queryRows(p, `select cols from ${ip.schema}.expected`)).toEqual([{ cols: 'id:integer:True:a:pk plain:None:False:None:' }]);
  });

  it('a number without its leading zero after a keyword (`then .059`, `select .5`, `between .1 and .9`) is that number, in a table and a view', async () => {
    const { p: ip, project: p } = setup({
      'models/adj.sql': "select y, case when y in (2024, 2025) then .059 else .1 end as adj, .5 as half from (select 2024 as y union all select 2023) where .5 between .1 and .9",
      'models/adj_view.sql': "{{ config(materialized='view') }}\nselect case when y = 2024 then .059 else .1 end as adj from {{ ref('adj') }}",
    });
    // Before: SYNTAX_ERROR at `.059` (ClickHouse reads a `.` after a bare word as a qualifier's dot).
    expectStatuses(await p.run(), { adj: 'success', adj_view: 'success' });
    expect(await queryRows(p, `select y, adj, half from ${ip.schema}.adj order by y`)).toEqual([
      { y: 2023, adj: 0.1, half: 0.5 },
      { y: 2024, adj: 0.059, half: 0.5 },
    ]);
    expect(await queryRows(p, `select adj from ${ip.schema}.adj_view order by adj`)).toEqual([{ adj: 0.059 }, { adj: 0.1 }]);
  });

  it('a CTE named as the schema (a ClickHouse database) of a relation it is joined with, under that alias', async () => {
    const { p: ip, project: p } = setup({
      'models/long.sql': "select 1 as person_id, 'copd' as condition union all select 2, 'chf'",
      'models/wide.sql': `with {{ this.schema }} as (select 'copd' as condition, 'has_copd' as column_name)
, conditions as (
    select u.person_id, {{ this.schema }}.column_name
    from {{ ref('long') }} as u
    inner join {{ this.schema }} as {{ this.schema }} on u.condition = {{ this.schema }}.condition
)
select person_id, column_name from conditions`,
    });
    // Before: UNKNOWN_IDENTIFIER "Compound identifier '<schema>.long' cannot be resolved as table expression".
    expectStatuses(await p.run(), { long: 'success', wide: 'success' });
    expect(await queryRows(p, `select person_id, column_name from ${ip.schema}.wide`)).toEqual([{ person_id: 1, column_name: 'has_copd' }]);
  });

  it("the_tuva_project's apply_regex (its default is Snowflake's regexp_like): the whole text matches, as that default and the Postgres version answer", async () => {
    const { p: ip, project: p } = setup({
      'dbt_packages/the_tuva_project/dbt_project.yml': "name: the_tuva_project\nversion: '0.18.0'\n",
      'dbt_packages/the_tuva_project/macros/apply_regex.sql': `{%- macro apply_regex(column_name, regex) -%}
    {{ return(adapter.dispatch('apply_regex')(column_name, regex)) }}
{%- endmacro -%}
{%- macro default__apply_regex(column_name, regex) -%}
    regexp_like({{ column_name }}, '{{ regex}}')
{%- endmacro -%}`,
      // In the package, as tuva's models: a dispatch without a namespace searches the rendering node's package.
      'dbt_packages/the_tuva_project/models/labs.sql': `with labs as (
    select 1 as id, '1.5' as result union all select 2, 'x1.5' union all select 3, '60' union all select 4, '-.5' union all select 5, '1.5 mg'
    union all select 6, cast(null as Nullable(String))
)
select id, {{ apply_regex('result', '^[+-]?([0-9]*[.])?[0-9]+$') }} as numeric_result
from labs where {{ apply_regex('result', '[0-9]|x.*') }} = false or result is null or id in (1, 2, 3, 4, 5)`,
    });
    // Before: UNKNOWN_FUNCTION regexp_like.
    expectStatuses(await p.run(), { labs: 'success' });
    expect(await queryRows(p, `select id, numeric_result from ${ip.schema}.labs order by id`)).toEqual([
      { id: 1, numeric_result: 1 },
      { id: 2, numeric_result: 0 },
      { id: 3, numeric_result: 1 },
      { id: 4, numeric_result: 1 },
      { id: 5, numeric_result: 0 },
      { id: 6, numeric_result: null },
    ]);
  });
});
