import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/**
 * A small shop project for the docs tests: a source, a seed, a view, tables, an ephemeral model,
 * a model that is never built, column tests, and two dashboard models shaped like the reference
 * project's (KPI rows per category with targets and statuses; DQ checks with PASS/WARNING/FAIL).
 */
export const DOCS_FILES: Record<string, string> = {
  'seeds/customers.csv': 'customer_id,name,country\n1,Ada,FR\n2,Bob,DE\n3,Cyd,FR\n',
  'models/staging/stg_events.sql': "{{ config(materialized='view') }}\nselect id as event_id, customer_id, amount from {{ source('raw', 'events') }}",
  'models/staging/eph_countries.sql': "{{ config(materialized='ephemeral') }}\nselect distinct country from {{ ref('customers') }}",
  'models/marts/orders.sql': "{{ config(materialized='table', order_by='order_id', tags=['finance']) }}\nselect event_id as order_id, customer_id, toFloat64(amount) as amount from {{ ref('stg_events') }}",
  'models/marts/customer_orders.sql':
    "{{ config(materialized='table') }}\nselect c.customer_id, c.name, count() as n_orders, sum(o.amount) as total\nfrom {{ ref('customers') }} c\njoin {{ ref('orders') }} o on o.customer_id = c.customer_id\nwhere c.country in (select country from {{ ref('eph_countries') }})\ngroup by c.customer_id, c.name",
  'models/marts/never_built.sql': "select * from {{ ref('orders') }}",
  'models/marts/shop_kpi_dashboard.sql': `{{ config(materialized='table') }}
select * from (
  select 'Customers' as metric_category, 'Active customers' as metric_name, toFloat64(count()) as metric_value, 5.0 as target_value, 'customers' as unit, 'Needs Attention' as performance_status, 1 as sort_order from {{ ref('customer_orders') }}
  union all
  select 'Customers', 'Orders per customer', toFloat64(round(avg(n_orders), 2)), 1.0, 'orders', 'Excellent', 2 from {{ ref('customer_orders') }}
  union all
  select 'Revenue', 'Total revenue', toFloat64(sum(amount)), 100.0, 'EUR', 'Good', 3 from {{ ref('orders') }}
  union all
  select 'Revenue', 'Average order', toFloat64(round(avg(amount), 2)), 20.0, 'EUR', 'Excellent', 4 from {{ ref('orders') }}
) order by sort_order`,
  'models/marts/shop_dq_dashboard.sql': `{{ config(materialized='table') }}
select 'completeness' as check_category, 'Orders have customers' as check_name, toUInt64(4) as total_records, toUInt64(0) as issues_found, 0.0 as issue_percentage, 'PASS' as quality_status
union all select 'freshness', 'Recent orders', toUInt64(4), toUInt64(1), 25.0, 'WARNING'
union all select 'duplicates', 'Order id uniqueness', toUInt64(4), toUInt64(2), 50.0, 'FAIL'`,
  'models/schema.yml': `version: 2
sources:
  - name: raw
    schema: "{{ target.schema }}"
    description: Raw shop events
    tables:
      - name: events
        description: One row per purchase event
        columns:
          - name: id
            tests: [not_null]
models:
  - name: orders
    description: One row per order, from the purchase events.
    columns:
      - name: order_id
        description: The order key
        tests: [unique, not_null]
      - name: amount
        description: Order amount in EUR
  - name: customer_orders
    description: Orders and revenue per customer.
    columns:
      - name: customer_id
        tests: [unique]
      - name: total
        description: Revenue of the customer
  - name: shop_kpi_dashboard
    description: Business KPIs per category.
`,
};

export interface DocsProject {
  readonly p: InlineProject;
  readonly project: TsdbtProject;
}

/** Creates the source table, builds everything but `never_built`, and runs the tests. */
export async function buildDocsProject(): Promise<DocsProject> {
  const p = inlineProject(DOCS_FILES, { name: 'shop' });
  const project = p.open();
  const adapter = await project.adapter();
  await adapter.ensureDatabase(p.schema);
  await adapter.client.command(`CREATE TABLE ${p.schema}.events (id UInt32, customer_id UInt32, amount Decimal(10, 2)) ENGINE = MergeTree ORDER BY id`);
  await adapter.client.command(`INSERT INTO ${p.schema}.events VALUES (1, 1, 10.5), (2, 1, 20), (3, 2, 7.25), (4, 3, 99)`);
  const result = await project.build({ exclude: ['never_built'] });
  const bad = result.results.filter((r) => r.status === 'error');
  if (bad.length) throw new Error(`fixture build failed: ${bad.map((r) => `${r.node.name}: ${r.message}`).join('; ')}`);
  return { p, project };
}
