import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

/*
 * Constructs of dbt-labs/jaffle-shop (the 2024 one: unit tests, semantic models, dbt_utils tests)
 * that failed when the project was run unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('jaffle-shop constructs', () => {
  it("unit-tests a model selecting `t.*` over two joins by the columns its build has (order_items' test_supply_costs_sum_correctly)", async () => {
    const { project: p } = setup({
      'models/stg_items.sql': 'select toInt32(1) as order_item_id, toInt32(1) as order_id, toInt32(7) as product_id',
      'models/stg_orders.sql': "select toInt32(1) as order_id, toDate('2024-01-01') as ordered_at",
      'models/stg_supplies.sql': 'select toInt32(7) as product_id, toInt32(3) as supply_cost',
      'models/order_items.sql': `with order_items as (select * from {{ ref('stg_items') }}),
orders as (select * from {{ ref('stg_orders') }}),
supplies as (select product_id, sum(supply_cost) as supply_cost from {{ ref('stg_supplies') }} group by 1)
select order_items.*, orders.ordered_at, supplies.supply_cost
from order_items
left join orders on order_items.order_id = orders.order_id
left join supplies on order_items.product_id = supplies.product_id
`,
      'models/order_items.yml': `unit_tests:
  - name: test_supply_costs_sum_correctly
    model: order_items
    given:
      - input: ref('stg_supplies')
        rows: [{product_id: 1, supply_cost: 4}, {product_id: 1, supply_cost: 5}, {product_id: 2, supply_cost: 3}]
      - input: ref('stg_items')
        rows: [{order_id: 1, product_id: 1}, {order_id: 2, product_id: 2}, {order_id: 2, product_id: 2}]
      - input: ref('stg_orders')
        rows: [{order_id: 1}, {order_id: 2}]
    expect:
      rows: [{order_id: 1, product_id: 1, supply_cost: 9}, {order_id: 2, product_id: 2, supply_cost: 3}, {order_id: 2, product_id: 2, supply_cost: 3}]
`,
    });
    expectStatuses(await p.build(), { stg_items: 'success', stg_orders: 'success', stg_supplies: 'success', order_items: 'success', test_supply_costs_sum_correctly: 'pass' });
  });

  it('writes a unit test and the generic tests of one YAML file under <file>.yml/ (build, then compile: no EEXIST)', async () => {
    const { p, project } = setup({
      'models/stg_locations.sql': "select toInt32(1) as location_id, toDate('2024-01-01') as opened_date",
      'models/stg_locations.yml': `models:
  - name: stg_locations
    columns:
      - name: location_id
        data_tests: [not_null]
unit_tests:
  - name: test_opened_date
    model: stg_locations
    given: []
    expect:
      rows: [{location_id: 1}]
`,
    });
    expectStatuses(await project.build(), { stg_locations: 'success', not_null_stg_locations_location_id: 'pass', test_opened_date: 'pass' });
    await project.compile();
    const dir = join(p.dir, 'target/compiled/proj/models/stg_locations.yml');
    expect(existsSync(join(dir, 'test_opened_date.sql'))).toBe(true);
    expect(existsSync(join(dir, 'not_null_stg_locations_location_id.sql'))).toBe(true);
  });

  it('show -s <model> runs it as its build does: outer-join non-matches NULL, `t.col` named `col` (jaffle-shop customers)', async () => {
    const { project: p } = setup({
      'models/customers.sql': "select toString(number) as customer_id from numbers(2)",
      'models/orders.sql': "select '1' as customer_id, toDate('2024-01-01') as ordered_at",
      'models/summary.sql': `with s as (select customer_id, min(ordered_at) as first_ordered_at from {{ ref('orders') }} group by 1)
select customers.customer_id, s.first_ordered_at from {{ ref('customers') }} as customers left join s on customers.customer_id = s.customer_id left join {{ ref('orders') }} o on o.customer_id = customers.customer_id`,
    });
    expectStatuses(await p.run(), { customers: 'success', orders: 'success', summary: 'success' });
    const rows = await p.show({ select: 'summary', limit: 10 });
    expect(rows.map((r) => [r.customer_id, r.first_ordered_at]).sort()).toEqual([['0', null], ['1', '2024-01-01']]);
  });
});
