import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

/*
 * Tests that ask the warehouse while rendering (dbt_utils.equality, dbt_expectations' column
 * checks): dbt renders them at parse time with `execute` false and again at run time; a ref()
 * given in YAML is a Relation (dbt's native rendering of test arguments), not its text.
 */
const setup = openedPerTest();

describe('tests rendered at run time', () => {
  it('a generic test that reads columns under `if execute` and takes a Relation argument', async () => {
    const { project } = setup({
      'models/a.sql': "{{ config(materialized='table') }} select 1 as id, 'x' as name",
      'models/b.sql': "{{ config(materialized='table') }} select 1 as id",
      'models/c.sql': "{{ config(materialized='table') }} select 2 as id, 'y' as name",
      'macros/same_columns.sql': `{% test same_columns(model, other) %}
{%- if not execute -%}{{ return('') }}{%- endif -%}
{%- set mine = adapter.get_columns_in_relation(model) | map(attribute='name') | list -%}
{%- set theirs = adapter.get_columns_in_relation(other) | map(attribute='name') | list -%}
select 1 as failure from (select 1) where {{ 'false' if set(mine) == set(theirs) else 'true' }}
  and '{{ other.identifier }}' != ''
{% endtest %}`,
      'models/schema.yml': `version: 2
models:
  - name: a
    data_tests:
      - same_columns:
          other: ref('c')
      - same_columns:
          name: a_vs_b
          other: ref('b')
`,
    });
    const r = await project.build();
    expectStatuses(r, { a: 'success', b: 'success', c: 'success', same_columns_a_ref_c_: 'pass', a_vs_b: 'fail' });
    // The parents of a test include the relation its argument refers to.
    expect([...project.node([...project.manifest.nodes.keys()].find((k) => k.includes('a_vs_b'))!).dependsOn].sort()).toEqual(['model.proj.a', 'model.proj.b']);
  });

  it('test arguments with Jinja are rendered (natively: a lone {{ }} keeps its value type)', async () => {
    const { project } = setup({
      'models/a.sql': "{{ config(materialized='table') }} select 2 as v",
      'macros/checks.sql': `{% test expression_holds(model, expression) %}select * from {{ model }} where not ({{ expression }}){% endtest %}
{% test has_n_values(model, n) %}select 1 from (select count() as c from {{ model }}) where c != {{ n }} or {{ (n is number) | int }} = 0{% endtest %}`,
      'models/schema.yml': `version: 2
models:
  - name: a
    data_tests:
      - expression_holds:
          expression: "v = {{ var('two') }}"
      - has_n_values:
          n: "{{ 3 - 2 }}"
`,
      'project.yml': 'name: proj\nprofile: proj\nvars:\n  two: 2\n',
    });
    expectStatuses(await project.build(), { a: 'success', expression_holds_a_v_var_two_: 'pass', has_n_values_a__3_2_: 'pass' });
  });

  it('a singular test that runs a query while rendering', async () => {
    const { project } = setup({
      'models/a.sql': "{{ config(materialized='table') }} select number as id from numbers(3)",
      'tests/count_matches.sql': `{% set n = run_query('select count() from ' ~ ref('a')).columns[0].values()[0] if execute else 0 %}
select * from {{ ref('a') }} where {{ n }} != 3`,
    });
    expectStatuses(await project.build(), { a: 'success', count_matches: 'pass' });
  });
});
