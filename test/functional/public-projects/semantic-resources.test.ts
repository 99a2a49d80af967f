import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

/*
 * The YAML of dbt's semantic layer and exposures (jaffle-shop's semantic_models, metrics and
 * saved_queries; exposures; groups) is part of the project as in dbt: nodes of the graph, listed and
 * selected, in manifest.json under their own keys, never run.
 */
const setup = openedPerTest();

const PROJECT = {
  'models/orders.sql': 'select toInt32(1) as order_id, toDate(\'2024-01-01\') as ordered_at, toDecimal64(10, 2) as order_total',
  'models/customers.sql': "select toInt32(1) as customer_id from {{ ref('orders') }}",
  'models/marts/orders.yml': `models:
  - name: orders
    config:
      group: finance
      access: public
semantic_models:
  - name: orders
    defaults:
      agg_time_dimension: ordered_at
    model: ref('orders')
    entities:
      - name: order_id
        type: primary
    dimensions:
      - name: ordered_at
        type: time
        type_params:
          time_granularity: day
    measures:
      - name: order_total
        agg: sum
      - name: order_count
        expr: 1
        agg: sum
metrics:
  - name: revenue
    label: Revenue
    type: simple
    type_params:
      measure: order_total
  - name: order_count
    label: Orders
    type: simple
    type_params:
      measure:
        name: order_count
  - name: revenue_per_order
    label: Revenue per order
    type: ratio
    type_params:
      numerator: revenue
      denominator: order_count
saved_queries:
  - name: order_metrics
    query_params:
      metrics: [revenue, order_count]
      group_by: ["TimeDimension('order_id__ordered_at', 'day')"]
exposures:
  - name: weekly_dashboard
    type: dashboard
    maturity: high
    owner: {name: Jane, email: jane@example.com}
    depends_on:
      - ref('customers')
      - metric('revenue')
groups:
  - name: finance
    owner: {name: Finance, email: finance@example.com}
`,
};

describe('semantic models, metrics, saved queries, exposures and groups', () => {
  it('are graph nodes with dbt ids and parents, selected by their methods and never run', async () => {
    const { project: p } = setup(PROJECT);
    const parents = (id: string) => [...p.manifest.nodes.get(id)!.dependsOn].sort();
    expect(parents('semantic_model.proj.orders')).toEqual(['model.proj.orders']);
    expect(parents('metric.proj.revenue')).toEqual(['semantic_model.proj.orders']);
    expect(parents('metric.proj.revenue_per_order')).toEqual(['metric.proj.order_count', 'metric.proj.revenue']);
    expect(parents('saved_query.proj.order_metrics')).toEqual(['metric.proj.order_count', 'metric.proj.revenue']);
    expect(parents('exposure.proj.weekly_dashboard')).toEqual(['metric.proj.revenue', 'model.proj.customers']);
    // `+exposure:x` is everything the dashboard reads; a run of it builds only the models.
    expect(p.select({ select: ['+exposure:weekly_dashboard'] }).sort()).toEqual([
      'exposure.proj.weekly_dashboard', 'metric.proj.revenue', 'model.proj.customers', 'model.proj.orders', 'semantic_model.proj.orders',
    ]);
    expect(p.select({ select: ['metric:revenue*', 'saved_query:proj.order_metrics'] }).sort()).toEqual(['metric.proj.revenue', 'metric.proj.revenue_per_order', 'saved_query.proj.order_metrics']);
    expect(p.select({ select: ['group:finance'] })).toEqual(['model.proj.orders']);
    expect(p.select({ select: ['access:public'] })).toEqual(['model.proj.orders']);
    expect(p.select({ select: ['resource_type:semantic_model'] })).toEqual(['semantic_model.proj.orders']);
    expectStatuses(await p.run({ select: ['+exposure:weekly_dashboard'] }), { orders: 'success', customers: 'success' });
  });

  it('are written to manifest.json under exposures, metrics, semantic_models, saved_queries and groups', async () => {
    const { p, project } = setup(PROJECT);
    project.parse();
    const m = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8'));
    expect(Object.keys(m.semantic_models)).toEqual(['semantic_model.proj.orders']);
    expect(m.semantic_models['semantic_model.proj.orders']).toMatchObject({
      resource_type: 'semantic_model', model: "ref('orders')", fqn: ['proj', 'marts', 'orders'], depends_on: { nodes: ['model.proj.orders'] },
      node_relation: { alias: 'orders', schema_name: p.schema }, measures: [{ name: 'order_total', agg: 'sum' }, { name: 'order_count', expr: 1, agg: 'sum' }],
    });
    expect(m.metrics['metric.proj.revenue']).toMatchObject({ resource_type: 'metric', label: 'Revenue', type: 'simple', type_params: { measure: { name: 'order_total', filter: null, alias: null } } });
    expect(Object.keys(m.saved_queries)).toEqual(['saved_query.proj.order_metrics']);
    expect(m.exposures['exposure.proj.weekly_dashboard']).toMatchObject({ type: 'dashboard', owner: { name: 'Jane' }, refs: [{ name: 'customers', package: null, version: null }] });
    expect(m.groups['group.proj.finance']).toMatchObject({ name: 'finance', owner: { email: 'finance@example.com' } });
    expect(m.group_map).toEqual({ finance: ['model.proj.orders'] });
    expect(m.nodes['semantic_model.proj.orders']).toBeUndefined();
    expect(m.child_map['model.proj.orders']).toContain('semantic_model.proj.orders');
  });

  it("fails like dbt when an exposure refs no model (file and line), and a disabled metric is left out", () => {
    expect(() =>
      setup({ 'models/a.sql': 'select 1 as id', 'models/x.yml': "exposures:\n  - name: e\n    type: application\n    owner: {email: a@b.c}\n    depends_on: [ref('nope')]\n" }),
    ).toThrow(/exposure 'e' \(models\/x.yml:2\) depends on a node named 'nope' which was not found/);
    const { project: p } = setup({ ...PROJECT, 'models/off.yml': 'metrics:\n  - name: off_metric\n    type: simple\n    config: {enabled: false}\n    type_params: {measure: order_total}\n' });
    expect(p.manifest.nodes.has('metric.proj.off_metric')).toBe(false);
  });

  it("reads the semantic layer written in a model's entry (semantic_model: true, metrics: with agg, entity/dimension on columns)", () => {
    const { project: p } = setup({
      'models/dim_customers.sql': "select toInt32(1) as id, toDate('2024-01-01') as date_day",
      'models/dim_customers.yml': `models:
  - name: dim_customers
    semantic_model: {enabled: true, name: customers_sm}
    agg_time_dimension: date_day
    columns:
      - name: id
        entity: {type: primary, name: customer}
      - name: date_day
        dimension: {type: time}
        granularity: day
    metrics:
      - name: customer_count
        type: simple
        agg: count
        expr: 1
      - name: customers_30d
        type: cumulative
        window: 30 days
        input_metric: customer_count
`,
    });
    const sm = p.manifest.nodes.get('semantic_model.proj.customers_sm') as { dependsOn: readonly string[]; properties: Record<string, unknown> };
    expect(sm.dependsOn).toEqual(['model.proj.dim_customers']);
    expect(sm.properties.entities).toEqual([{ name: 'customer', type: 'primary', expr: 'id' }]);
    expect(p.manifest.nodes.get('metric.proj.customer_count')!.dependsOn).toEqual(['semantic_model.proj.customers_sm']);
    expect(p.manifest.nodes.get('metric.proj.customers_30d')!.dependsOn).toEqual(['metric.proj.customer_count']);
  });
});
