import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of DataRecce/jaffle-shop-expand (1,860 nodes written for DuckDB/Snowflake) that failed
 * when run unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

// As its mkt_referral_network_analysis over int_referral_chain: a view that joins a CTE to its own
// aggregate, read by a CTE the model uses twice (once inside a joined CTE).
const referralProject: Record<string, string> = {
  // The optimizer reorders by table sizes: orders is the largest table.
  'seeds/orders.csv': 'customer_id,total\n' + Array.from({ length: 20 }, (_, n) => `c${n % 5},${n * 10}\n`).join(''),
  'seeds/chain.csv': 'referrer_id,referee_id\nc0,c1\nc1,c2\nc2,c3\nc3,c4\n',
  'seeds/people.csv': 'id,name\n' + Array.from({ length: 6 }, (_, n) => `c${n},p${n}\n`).join(''),
  'models/stg_orders.sql': "{{ config(materialized='view') }} select * from {{ ref('orders') }}",
  'models/referral_chain.sql': `{{ config(materialized='view') }}
with rr as (
  select c.referrer_id, c.referee_id from {{ ref('chain') }} as c inner join {{ ref('people') }} as a on c.referrer_id = a.id
),
stats as (select referrer_id, count(*) as n from rr group by 1),
chain as (select rr.*, stats.n from rr left join stats on rr.referrer_id = stats.referrer_id)
select * from chain`,
  'models/referral_value.sql': `{{ config(materialized='table') }}
with o as (select * from {{ ref('stg_orders') }}),
r as (select referrer_id, referee_id as customer_id from {{ ref('referral_chain') }}),
rv as (
  select r.referrer_id, sum(o.total) as revenue from r inner join o on r.customer_id = o.customer_id group by 1
)
select ns.referrer_id, coalesce(rv.revenue, 0) as revenue
from (select referrer_id from r) as ns
left join rv on ns.referrer_id = rv.referrer_id`,
};

describe('jaffle-shop-expand constructs', () => {
  it("builds a model ClickHouse's join-order optimizer refuses (LOGICAL_ERROR 'Left and right columns have same names'), with the rows Postgres gives", async () => {
    const { p: ip, project: p } = setup(referralProject);
    expectStatuses(await p.build(), {
      orders: 'success', chain: 'success', people: 'success', stg_orders: 'success', referral_chain: 'success', referral_value: 'success',
    });
    expect(await queryRows(p, `select referrer_id, toInt32(revenue) as revenue from ${ip.schema}.referral_value order by referrer_id`)).toEqual([
      { referrer_id: 'c0', revenue: 340 }, { referrer_id: 'c1', revenue: 380 }, { referrer_id: 'c2', revenue: 420 }, { referrer_id: 'c3', revenue: 460 },
    ]);
  });

  it('does not run a model with pre-hooks twice when the join-order optimizer refuses it (its hook wrote already)', async () => {
    const { p: ip, project: p } = setup({
      ...referralProject,
      'models/audit.sql': "{{ config(materialized='table') }} select toInt32(0) as x where 0",
      'models/referral_value.sql': referralProject['models/referral_value.sql']!.replace('materialized=\'table\'', `materialized='table', pre_hook="insert into {{ ref('audit') }} values (1)"`),
    });
    const { results } = await p.build();
    expect(results.find((r) => r.node.name === 'audit')?.status).toBe('success');
    // A node with pre-hooks runs once (common-types.ts): the hook wrote one row, whatever ClickHouse answered.
    expect(await queryRows(p, `select toInt32(count(*)) as n from ${ip.schema}.audit`)).toEqual([{ n: 1 }]);
  });

  it("runs an inner join whose ON compares with a correlated subquery (ClickHouse: NOT_IMPLEMENTED in a join expression), as its WHERE", async () => {
    // As adv_first_purchase_product: each customer's first order, `and o.ordered_at = (select min(o2.ordered_at) … where o2.customer_id = c.customer_id)`.
    const { p: ip, project: p } = setup({
      'seeds/customers.csv': 'customer_id,customer_name\n1,ann\n2,bob\n3,cy\n',
      'seeds/orders.csv': 'order_id,customer_id,ordered_at\n10,1,2024-01-03\n11,1,2024-01-01\n12,2,2024-01-05\n13,2,2024-01-02\n',
      'seeds/order_items.csv': 'order_id,product_id\n10,p1\n11,p2\n11,p3\n12,p1\n13,p4\n',
      'models/first_purchase.sql': `with orders as (select * from {{ ref('orders') }}),
customers as (select * from {{ ref('customers') }}),
first_purchase as (
    select c.customer_id, c.customer_name, o.order_id as first_order_id, oi.product_id
    from customers as c
    -- only the first order, via a correlated subquery
    inner join orders as o
        on c.customer_id = o.customer_id
        and o.ordered_at = (
            select min(o2.ordered_at)
            from orders as o2
            where o2.customer_id = c.customer_id
        )
    inner join {{ ref('order_items') }} as oi
        on o.order_id = oi.order_id
)
select * from first_purchase
order by customer_id, product_id`,
    });
    expectStatuses(await p.build(), { customers: 'success', orders: 'success', order_items: 'success', first_purchase: 'success' });
    expect(await queryRows(p, `select customer_id, customer_name, first_order_id, product_id from ${ip.schema}.first_purchase order by customer_id, product_id`)).toEqual([
      { customer_id: 1, customer_name: 'ann', first_order_id: 11, product_id: 'p2' },
      { customer_id: 1, customer_name: 'ann', first_order_id: 11, product_id: 'p3' },
      { customer_id: 2, customer_name: 'bob', first_order_id: 13, product_id: 'p4' },
    ]);
  });
});
