import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of EqualExperts/dbt-unit-testing (its integration-tests project, run unmodified with its
 * CI's steps: docs/public-projects.md) that failed on tsdbt, reproduced minimally. The package
 * renders the tested model inside a test with render(), keeps its state in dbt's `context` dict and
 * compares rows through run_query.
 */
const setup = openedPerTest();

describe('EqualExperts/dbt-unit-testing constructs', () => {
  it("what a render writes into `context` is read back by later macro calls and by text it render()s, and by no other node", async () => {
    // dbt_unit_testing.set_test_context: `{% do context.update({"__DUT_TEST_CONTEXT__": …}) %}`, read with
    // context.get(…) by its model() and is_incremental() while the tested model is rendered — the writes
    // were lost ("Model node being tested not found.").
    const { p, project } = setup({
      'macros/state.sql': `{% macro put(key, value) %}{% do context.update({"__state__": {key: value}}) %}{% endmacro %}
{% macro got(key) %}{{ return(context.get("__state__", {}).get(key, "none")) }}{% endmacro %}`,
      'models/a.sql': `{% do put("k", "a-value") %}
{% set rendered = render("{{ got('k') }}") %}
select '{{ got("k") }}' as direct, '{{ rendered }}' as through_render, {{ "__state__" in context }} as present`,
      'models/b.sql': `select '{{ got("k") }}' as other_node, {{ "__state__" in context }} as present
-- depends_on: {{ ref('a') }}`,
    });
    expectStatuses(await project.run({}), { a: 'success', b: 'success' });
    expect(await queryRows(project, `select direct, through_render, toString(present) as present from ${p.schema}.a`)).toEqual([
      { direct: 'a-value', through_render: 'a-value', present: 'true' },
    ]);
    expect(await queryRows(project, `select other_node, toString(present) as present from ${p.schema}.b`)).toEqual([{ other_node: 'none', present: 'false' }]);
  });

  it('`{{ this }}` prints the text `this | string` gives, so a rendered model can have it replaced', async () => {
    // dbt_unit_testing.render_node_for_model_being_tested: render(model_sql).replace(this | string, <mock CTE>) —
    // `{{ this }}` printed a placeholder, the replace found nothing, and the test read the test's audit relation.
    const { p, project } = setup({
      'models/m.sql': `{% set this_name = this | string %}
{% set printed %}{{ this }}{% endset %}
{% set rendered = render("select max(x) from {{ this }}") %}
select {{ 1 if this_name in printed else 0 }} as printed_same, {{ 1 if this_name in rendered else 0 }} as rendered_same,
  '{{ rendered.replace(this_name, "mock") }}' as replaced`,
    });
    expectStatuses(await project.run({}), { m: 'success' });
    expect(await queryRows(project, `select * from ${p.schema}.m`)).toEqual([{ printed_same: 1, rendered_same: 1, replaced: 'select max(x) from mock' }]);
  });

  it("a run_query SELECT whose alias shadows a column it groups by runs with SQL's column precedence", async () => {
    // dbt_unit_testing's comparison query: `select count(1) as count, round("column_a", 4) as "column_a" from (…) as s
    // group by round("column_a", 4)` — ClickHouse read the alias inside the GROUP BY term (NOT_AN_AGGREGATE).
    const { p, project } = setup({
      'models/m.sql': `{% if execute %}
{%- set r = run_query('select count(1) as count, round("a", 1) as "a" from (select 1.04 as a union all select 1.01 as a union all select 2.0 as a) as s group by round("a", 1) order by "a" desc') -%}
select '{{ r.columns[0].values() | join(",") }}' as counts
{%- else -%}
select '' as counts
{%- endif %}`,
    });
    expectStatuses(await project.run({}), { m: 'success' });
    // ORDER BY "a" desc still reads the alias (the rounded value: 2.0 once, 1.0 twice), as in SQL.
    expect(await queryRows(project, `select * from ${p.schema}.m`)).toEqual([{ counts: '1,2' }]);
  });
});
