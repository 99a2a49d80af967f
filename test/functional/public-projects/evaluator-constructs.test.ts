import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of dbt-labs/dbt-project-evaluator's integration_tests that failed when it was run
 * unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt-project-evaluator constructs', () => {
  it("renders a string var's Jinja when read (dbt's get_rendered_var), with target.type 'clickhouse' on the embedded engine, and nested if/else expressions", async () => {
    const { p: ip, project: p } = setup({
      'project.yml': `name: proj
profile: proj
vars:
  max_depth: "{{ 9 if target.type in ['bigquery', 'spark'] else 4 if target.type in ['athena', 'clickhouse'] else -1 }}"
  kinds: ['a', 'b']
`,
      'models/m.sql': "select {{ var('max_depth') | int }} as depth, '{{ target.type }}' as t, '{{ 'x' if false else 'y' if false else 'z' }}' as pick",
    });
    expectStatuses(await p.run(), { m: 'success' });
    expect(await queryRows(p, `select depth, t, pick from ${ip.schema}.m`)).toEqual([{ depth: 4, t: 'clickhouse', pick: 'z' }]);
  });

  it("takes accepted_values' values from a Jinja string (rendered to the list) and renders a column's data_type", async () => {
    const { project: p } = setup({
      'project.yml': "name: proj\nprofile: proj\nvars:\n  kinds: ['a', 'b']\n",
      'models/m.sql': "select toUInt8(1) as id, 'a' as kind",
      'models/m.yml': `models:
  - name: m
    config:
      contract: {enforced: true}
    columns:
      - name: id
        data_type: "{{ 'UInt8' if target.type in ['clickhouse'] else 'integer' }}"
      - name: kind
        data_type: String
        data_tests:
          - accepted_values:
              arguments:
                values: "{{ var('kinds') }}"
`,
    });
    expect(p.manifest.nodes.get('model.proj.m')!.columns.id!.dataType).toBe('UInt8');
    expectStatuses(await p.build(), { m: 'success', accepted_values_m_kind___var_kinds_: 'pass' });
  });

  it('keeps exposures and metrics out of graph.nodes (dbt: graph.exposures, graph.metrics)', async () => {
    const { p: ip, project: p } = setup({
      'models/a.sql': 'select 1 as id',
      'models/count.sql': `{% if execute %}select {{ graph.nodes.values() | list | length }} as nodes, {{ graph.exposures.values() | list | length }} as exposures, {{ graph.metrics | length }} as metrics
{% for n in graph.nodes.values() %}, {{ n.columns.values() | list | length }} as c{{ loop.index }}{% endfor %}{% else %}select 1{% endif %}`,
      'models/x.yml': `exposures:
  - name: dash
    type: dashboard
    owner: {email: a@b.c}
    depends_on: [ref('a')]
semantic_models:
  - name: sm
    model: ref('a')
    measures: [{name: n, agg: count, expr: id}]
metrics:
  - name: m
    type: simple
    type_params: {measure: n}
`,
    });
    expectStatuses(await p.run({ select: ['count'] }), { count: 'success' });
    expect(await queryRows(p, `select nodes, exposures, metrics from ${ip.schema}.count`)).toEqual([{ nodes: 2, exposures: 1, metrics: 1 }]);
  });

  it("gives graph.nodes' models dbt's time_spine (None unless set) and group, so `rejectattr('time_spine', 'none')` finds only time spines", async () => {
    const { p: ip, project: p } = setup({
      'models/a.sql': 'select 1 as id',
      'models/spine.sql': "select toDate('2024-01-01') as date_day",
      'models/s.yml': 'models:\n  - name: spine\n    time_spine:\n      standard_granularity_column: date_day\n    config: {group: g}\ngroups:\n  - name: g\n    owner: {name: x}\n',
      'models/names.sql': `{% if execute %}{% set spines = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | rejectattr('time_spine', 'none') | map(attribute='name') | join(',') %}
{% set grouped = graph.nodes.values() | rejectattr('group', 'none') | map(attribute='name') | join(',') %}
select '{{ spines }}' as spines, '{{ grouped }}' as grouped{% else %}select 1{% endif %}`,
    });
    expectStatuses(await p.run({ select: ['names'] }), { names: 'success' });
    expect(await queryRows(p, `select spines, grouped from ${ip.schema}.names`)).toEqual([{ spines: 'spine', grouped: 'spine' }]);
  });
});
