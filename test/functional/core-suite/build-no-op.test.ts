import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt 1.10's build runs selected exposures and saved queries as no-op nodes (task/build.py
 * ExposureRunner / SavedQueryRunner): a run result each, status `no-op`, message `NO-OP`;
 * `--select` / `--exclude` by name reach them (exposures/test_exposures.py test_execution_*,
 * saved_queries/test_saved_query_build.py). ClickHouse SQL for the time spine.
 */
const EXPOSURES = `
version: 2

exposures:
  - name: simple_exposure
    label: simple exposure label
    type: dashboard
    depends_on:
      - ref('model')
      - source('test_source', 'test_table')
      - metric('metric')
    owner:
      email: something@example.com
  - name: notebook_exposure
    type: notebook
    depends_on:
      - ref('model')
      - ref('second_model')
    owner:
      email: something@example.com
      name: Some name
    description: >
      A description of the complex exposure
    maturity: medium
    meta:
      tool: 'my_tool'
      languages:
        - python
    tags: ['my_department']
    url: http://example.com/notebook/1
`;
const MODELS = {
  'exposure.yml': EXPOSURES,
  'model.sql': '\nselect 1 as id\n',
  'metricflow_time_spine.sql': "\nSELECT toDate('2023-02-20') as date_day\n",
  'second_model.sql': '\nselect 1 as id\n',
  'schema.yml': 'version: 2\n\nsources:\n  - name: test_source\n    tables:\n      - name: test_table\n',
  'semantic_models.yml': "version: 2\n\nsemantic_models:\n  - name: semantic_model\n    model: ref('model')\n    dimensions:\n      - name: created_at\n        type: time\n    measures:\n      - name: distinct_metrics\n        agg: count_distinct\n        expr: id\n    entities:\n      - name: model\n        type: primary\n        expr: id\n    defaults:\n      agg_time_dimension: created_at\n",
  'metrics.yml': 'version: 2\n\nmetrics:\n  - name: metric\n    label: "label"\n    type: simple\n    type_params:\n      measure: "distinct_metrics"\n',
};
const exposures = (r: { results: { unique_id: string; status: string; message: string | null }[] }) => r.results.filter((x) => x.unique_id.startsWith('exposure.'));

describe('build runs exposures as no-op (exposures/test_exposures.py)', () => {
  it('TestBasicExposures.test_execution_default / _exclude / _select', async () => {
    const p = dbtProject({ models: MODELS });
    const all = await p.dbt(['build']);
    expect(exposures(all).map((x) => x.unique_id.split('.')[2]).sort()).toEqual(['notebook_exposure', 'simple_exposure']);
    expect(exposures(all).map((x) => [x.status, x.message])).toEqual([['no-op', 'NO-OP'], ['no-op', 'NO-OP']]);
    expect(all.out.join('\n')).toMatch(/NO-OP exposure simple_exposure \.+ \[NO-OP in \d/);
    expect(all.out.join('\n')).toMatch(/NO-OP=2 /);
    // The models were built before them (an exposure waits on what it depends on).
    const order = all.results.map((x) => x.unique_id);
    expect(order.indexOf('exposure.test.notebook_exposure')).toBeGreaterThan(order.indexOf('model.test.second_model'));
    const excluded = await p.dbt(['build', '--exclude', 'simple_exposure']);
    expect(exposures(excluded).map((x) => x.unique_id)).toEqual(['exposure.test.notebook_exposure']);
    const selected = await p.dbt(['build', '--select', 'simple_exposure']);
    expect(exposures(selected).map((x) => x.unique_id)).toEqual(['exposure.test.simple_exposure']);
    // run and test leave exposures out, as dbt's; build's resource types include them.
    expect(exposures(await p.dbt(['run']))).toEqual([]);
    expect(exposures(await p.dbt(['build', '--exclude-resource-type', 'exposure']))).toEqual([]);
    const only = await p.dbt(['build', '--resource-type', 'exposure']);
    expect(only.results.map((x) => x.unique_id).sort()).toEqual(['exposure.test.notebook_exposure', 'exposure.test.simple_exposure']);
  });

  it('an exposure whose model failed is skipped', async () => {
    const p = dbtProject({ models: { ...MODELS, 'model.sql': 'select no_such_column' } });
    const r = await p.dbt(['build'], { expectPass: false });
    expect(Object.fromEntries(exposures(r).map((x) => [x.unique_id, x.status]))).toEqual({ 'exposure.test.simple_exposure': 'skipped', 'exposure.test.notebook_exposure': 'skipped' });
  });
});

describe('build runs saved queries as no-op (saved_queries/test_saved_query_build.py)', () => {
  it('TestSavedQueryBuild.test_build_saved_queries_no_op', async () => {
    const p = dbtProject({
      models: {
        'fct_revenue.sql': "select 1 as id, 10 as user_id, 1000 as revenue, toDate('2023-01-01') as created_at",
        'metricflow_time_spine.sql': "SELECT toDate('2023-02-20') as date_day",
        'schema.yml': `version: 2
semantic_models:
  - name: revenue
    model: ref('fct_revenue')
    defaults:
      agg_time_dimension: created_at
    measures:
      - name: txn_revenue
        expr: revenue
        agg: sum
    dimensions:
      - name: created_at
        type: time
        type_params:
          time_granularity: day
    entities:
      - name: user
        type: foreign
        expr: user_id
      - name: id
        type: primary
metrics:
  - name: simple_metric
    label: Simple Metric
    type: simple
    type_params:
      measure: txn_revenue
`,
        'saved_queries.yml': `version: 2
saved_queries:
  - name: test_saved_query
    description: a saved query
    label: Test Saved Query
    query_params:
      metrics:
        - simple_metric
      group_by:
        - "Dimension('user__ds')"
`,
      },
    });
    const r = await p.dbt(['build']);
    expect(r.results).toHaveLength(3);
    const saved = r.results.filter((x) => x.unique_id.startsWith('saved_query.'));
    expect(saved.map((x) => [x.unique_id, x.status, x.message])).toEqual([['saved_query.test.test_saved_query', 'no-op', 'NO-OP']]);
  });
});
