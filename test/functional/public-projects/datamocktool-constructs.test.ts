import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of mjirv/dbt-datamocktool (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('mjirv/dbt-datamocktool constructs', () => {
  it("render(): a model's raw_code from graph rendered with the caller's context, a Relation argument as its text, plain text as is", async () => {
    const { p, project } = setup({
      'models/a.sql': 'select 1 as id union all select 2 as id',
      'models/mock_a.sql': 'select 7 as id',
      'models/b.sql': "select id * 10 as id from {{ ref('a') }}",
      // As datamocktool's unit_test: the test's kwarg ref('mock_a') is a Relation; the tested
      // model's raw_code has its ref replaced by that Relation's rendered text, then is rendered.
      'macros/mocked.sql': `{% test mocked(model, mock, expected) %}
{%- set mock_text = render(mock) -%}
{%- if execute -%}
{%- set sql = graph.nodes.get('model.proj.b').raw_code | replace("{{ ref('a') }}", mock_text) -%}
select * from (select count(*) as n, sum(id) as total from ({{ render(sql) }})) where total != {{ render(expected) }}
{%- else -%}
select 1 where false
{%- endif -%}
{% endtest %}`,
      'models/b.yml': "models:\n  - name: b\n    data_tests:\n      - mocked:\n          mock: ref('mock_a')\n          expected: '70'\n",
      // render() at parse: its ref() is a dependency of the node (c runs after a).
      'models/c.sql': "{% set t = \"{{ ref('a') }}\" %}select count(*) as n from {{ render(t) }}",
    });
    // Before: "Macro 'render' not found" (the test and c errored).
    expectStatuses(await project.build({}), { a: 'success', mock_a: 'success', b: 'success', c: 'success', mocked_b_70__ref_mock_a_: 'pass' });
    expect(await queryRows(project, `select n from ${p.schema}.c`)).toEqual([{ n: '2' }]);
  });
});
