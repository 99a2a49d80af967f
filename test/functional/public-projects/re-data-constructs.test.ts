import { describe, expect, it } from 'vitest';
import { expectStatuses, inlineProject, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of re-data/dbt-re-data (the package's own project, run unmodified:
 * docs/public-projects.md) that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('re-data/dbt-re-data constructs', () => {
  it('a run_query() table of no rows is false in {% if %} (agate Table has __len__), as are its empty columns', async () => {
    // re_data_columns: `{% set schemas = run_query(...) %}{% if schemas %} with x as ({% for row in schemas %}…{% endfor %})`
    // — with no monitored schema the CTE was left empty (a SYNTAX_ERROR) instead of taking the else branch.
    const { p, project } = setup({
      'models/m.sql': `{% if execute %}
{%- set none_ = run_query("select 1 as a where 0") -%}
{%- set one = run_query("select 1 as a") -%}
select '{{ "yes" if none_ else "no" }}' as empty_table, '{{ "yes" if one else "no" }}' as one_row,
  '{{ "yes" if not none_ else "no" }}' as not_empty, '{{ none_ or "other" }}' as empty_or,
  '{{ "yes" if none_.columns["a"] else "no" }}' as empty_column, '{{ "yes" if one.columns["a"] else "no" }}' as one_column
{%- else -%}
select 'x' as empty_table
{%- endif %}`,
    });
    expectStatuses(await project.run({}), { m: 'success' });
    expect(await queryRows(project, `select * from ${p.schema}.m`)).toEqual([
      { empty_table: 'no', one_row: 'yes', not_empty: 'yes', empty_or: 'other', empty_column: 'no', one_column: 'yes' },
    ]);
  });

  it("var.has_var(name): whether var() finds a value, from --vars or the node's package's vars", async () => {
    // re_data's internal_model_template: `{% if var.has_var('re_data:store_table_samples') %}` — was
    // "'var.has_var' calls a macro of package 'var', which is not installed".
    const p = inlineProject({
      'project.yml': "name: proj\nprofile: proj\nvars:\n  'x:set': false\n  other: null\n",
      'models/m.sql': `select {{ var.has_var('x:set') }} as set_, {{ var.has_var('other') }} as null_, {{ var.has_var('missing') }} as missing,
  {{ var.has_var('cli') }} as cli`,
    });
    const project = p.open({ vars: { cli: 1 } });
    setup.track(p, project);
    expectStatuses(await project.run({}), { m: 'success' });
    expect(await queryRows(project, `select toString(set_) as s, toString(null_) as n, toString(missing) as m, toString(cli) as c from ${p.schema}.m`)).toEqual([
      { s: 'true', n: 'true', m: 'false', c: 'true' },
    ]);
  });
});
