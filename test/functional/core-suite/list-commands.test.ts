import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/list/test_commands.py TestSelectResourceType: `dbt list --select
 * resource_type:<type>` selects something (no NoNodesSelected) for each resource type the happy path
 * project has — model, seed, snapshot, test, source, metric, semantic_model, saved_query — here on a
 * small project with one of each (TestRunCommands, every command on the happy path project, is
 * covered command by command elsewhere).
 */
const SEMANTIC = `version: 2
sources:
  - name: src
    tables:
      - name: events
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
      - name: id
        type: primary
metrics:
  - name: simple_metric
    label: Simple Metric
    type: simple
    type_params:
      measure: txn_revenue
saved_queries:
  - name: test_saved_query
    label: Test Saved Query
    query_params:
      metrics:
        - simple_metric
models:
  - name: fct_revenue
    columns:
      - name: id
        data_tests: [not_null]
`;

const TYPES: Record<string, string> = {
  model: 'test.fct_revenue',
  seed: 'test.seed',
  snapshot: 'test.snap.snap',
  test: 'test.not_null_fct_revenue_id',
  source: 'source:test.src.events',
  metric: 'metric:test.simple_metric',
  semantic_model: 'semantic_model:test.revenue',
  saved_query: 'saved_query:test.test_saved_query',
};

describe('dbt list --select resource_type:<type> (list/test_commands.py TestSelectResourceType)', () => {
  it('each resource type of the project selects its nodes, without "No nodes selected"', async () => {
    const p = dbtProject({
      models: {
        'fct_revenue.sql': "select 1 as id, 1000 as revenue, toDate('2023-01-01') as created_at",
        'metricflow_time_spine.sql': "SELECT toDate('2023-02-20') as date_day",
        'schema.yml': SEMANTIC,
      },
      seeds: { 'seed.csv': 'id\n1\n' },
      snapshots: { 'snap.sql': "{% snapshot snap %}{{ config(unique_key='id', strategy='check', check_cols='all', target_schema=target.schema) }}select * from {{ ref('seed') }}{% endsnapshot %}" },
    });
    for (const [type, expected] of Object.entries(TYPES)) {
      const r = await p.dbt(['ls', '--select', `resource_type:${type}`]);
      const out = r.out.join('\n');
      expect(out, type).not.toMatch(/No nodes selected/i);
      expect(out.split('\n').map((l) => l.trim()), type).toContain(expected);
    }
  });
});
