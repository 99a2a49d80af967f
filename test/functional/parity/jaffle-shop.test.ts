import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * dbt-labs' classic jaffle_shop, written as dbt users write it (staging views, marts with LEFT JOINs,
 * `customers.customer_id`-style selects, a Jinja loop over payment methods, dbt's generic tests),
 * run unmodified: the marts hold what Postgres gives for the same seeds, computed by hand below.
 * Two ClickHouse defaults would change them (tsdbt's `dbt_semantics`, on by default):
 * - LEFT JOIN non-matches are NULL (join_use_nulls = 1), not 0 / '' / 1970-01-01;
 * - `customers.customer_id` selected from two joins is named `customer_id`, not `customers.customer_id`.
 * Amounts are whole dollars so that Postgres' integer `amount / 100` and ClickHouse's float division agree.
 */
// dbt's own file layout: dbt_project.yml (no project.yml), and a profile named after the project.
const setup = openedPerTest((p) => {
  p.remove('project.yml');
  p.write({ 'profiles.yml': readFileSync(join(p.dir, 'profiles.yml'), 'utf8').replace(/^proj:/, 'jaffle_shop:') });
});

const JAFFLE_SHOP: Record<string, string> = {
  'dbt_project.yml': `name: jaffle_shop
version: '0.1'
profile: jaffle_shop
config-version: 2
model-paths: ["models"]
seed-paths: ["seeds"]
models:
  jaffle_shop:
    marts:
      +materialized: table
    staging:
      +materialized: view
`,
  'seeds/raw_customers.csv': 'id,first_name,last_name\n1,Michael,P.\n2,Shawn,M.\n3,Kathleen,P.\n4,Jimmy,C.\n',
  'seeds/raw_orders.csv': 'id,user_id,order_date,status\n1,1,2018-01-01,returned\n2,3,2018-01-02,completed\n3,1,2018-01-04,completed\n4,2,2018-01-05,placed\n5,3,2018-01-07,shipped\n',
  'seeds/raw_payments.csv': 'id,order_id,payment_method,amount\n1,1,credit_card,1000\n2,2,credit_card,2000\n3,3,coupon,100\n4,3,gift_card,2500\n5,4,bank_transfer,1200\n6,99,credit_card,500\n',
  'models/staging/stg_customers.sql': `with source as (
    select * from {{ ref('raw_customers') }}
),

renamed as (
    select
        id as customer_id,
        first_name,
        last_name
    from source
)

select * from renamed
`,
  'models/staging/stg_orders.sql': `with source as (
    select * from {{ ref('raw_orders') }}
),

renamed as (
    select
        id as order_id,
        user_id as customer_id,
        order_date,
        status
    from source
)

select * from renamed
`,
  'models/staging/stg_payments.sql': `with source as (
    select * from {{ ref('raw_payments') }}
),

renamed as (
    select
        id as payment_id,
        order_id,
        payment_method,
        -- \`amount\` is currently stored in cents, so we convert it to dollars
        amount / 100 as amount
    from source
)

select * from renamed
`,
  'models/marts/customers.sql': `with customers as (
    select * from {{ ref('stg_customers') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

payments as (
    select * from {{ ref('stg_payments') }}
),

customer_orders as (
    select
        customer_id,
        min(order_date) as first_order,
        max(order_date) as most_recent_order,
        count(order_id) as number_of_orders
    from orders
    group by customer_id
),

customer_payments as (
    select
        orders.customer_id,
        sum(amount) as total_amount
    from payments
    left join orders on
         payments.order_id = orders.order_id
    group by orders.customer_id
),

final as (
    select
        customers.customer_id,
        customers.first_name,
        customers.last_name,
        customer_orders.first_order,
        customer_orders.most_recent_order,
        customer_orders.number_of_orders,
        customer_payments.total_amount as customer_lifetime_value
    from customers
    left join customer_orders
        on customers.customer_id = customer_orders.customer_id
    left join customer_payments
        on  customers.customer_id = customer_payments.customer_id
)

select * from final
`,
  'models/marts/orders.sql': `{% set payment_methods = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] %}

with orders as (
    select * from {{ ref('stg_orders') }}
),

payments as (
    select * from {{ ref('stg_payments') }}
),

order_payments as (
    select
        order_id,
        {% for payment_method in payment_methods -%}
        sum(case when payment_method = '{{ payment_method }}' then amount else 0 end) as {{ payment_method }}_amount,
        {% endfor -%}
        sum(amount) as total_amount
    from payments
    group by order_id
),

final as (
    select
        orders.order_id,
        orders.customer_id,
        orders.order_date,
        orders.status,
        {% for payment_method in payment_methods -%}
        order_payments.{{ payment_method }}_amount,
        {% endfor -%}
        order_payments.total_amount as amount
    from orders
    left join order_payments
        on orders.order_id = order_payments.order_id
)

select * from final
`,
  'models/schema.yml': `version: 2
models:
  - name: customers
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
  - name: orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
      - name: customer_id
        data_tests:
          - not_null
          - relationships:
              to: ref('customers')
              field: customer_id
      - name: status
        data_tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
`,
  // A test whose own query left-joins: it finds the payment of an unknown order only if non-matches are NULL.
  'tests/payments_without_order.sql': `{{ config(severity='warn') }}
select p.payment_id
from {{ ref('stg_payments') }} p
left join {{ ref('stg_orders') }} o on p.order_id = o.order_id
where o.order_id is null
`,
};

type Row = Record<string, unknown>;
/** Numbers as numbers (64-bit integers arrive quoted), NULL as null. */
const normal = (rows: Row[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v])));

describe('jaffle_shop, unmodified, gives the numbers Postgres gives', () => {
  it('customers and orders marts equal the hand-computed Postgres results; every test passes, the joining test finds the orphan payment', async () => {
    const { p, project } = setup(JAFFLE_SHOP);
    const result = await project.build();
    expect(result.success, result.results.map((r) => `${r.node.name}: ${r.status}: ${r.message}`).join('\n')).toBe(true);
    const tests = result.results.filter((r) => r.node.resourceType === 'test');
    expect(tests.map((t) => [t.node.name, t.status]).filter(([, s]) => s !== 'pass')).toEqual([['payments_without_order', 'warn']]);
    expect(tests.find((t) => t.node.name === 'payments_without_order')!.failures).toBe(1);
    expect(tests).toHaveLength(8);

    // Postgres: a customer without orders has NULL first_order, number_of_orders and lifetime value.
    expect(normal(await queryRows(project, `SELECT * FROM ${p.schema}.customers ORDER BY customer_id`))).toEqual([
      { customer_id: 1, first_name: 'Michael', last_name: 'P.', first_order: '2018-01-01', most_recent_order: '2018-01-04', number_of_orders: 2, customer_lifetime_value: 36 },
      { customer_id: 2, first_name: 'Shawn', last_name: 'M.', first_order: '2018-01-05', most_recent_order: '2018-01-05', number_of_orders: 1, customer_lifetime_value: 12 },
      { customer_id: 3, first_name: 'Kathleen', last_name: 'P.', first_order: '2018-01-02', most_recent_order: '2018-01-07', number_of_orders: 2, customer_lifetime_value: 20 },
      { customer_id: 4, first_name: 'Jimmy', last_name: 'C.', first_order: null, most_recent_order: null, number_of_orders: null, customer_lifetime_value: null },
    ]);
    // Postgres: an order without payments has NULL amounts.
    expect(normal(await queryRows(project, `SELECT * FROM ${p.schema}.orders ORDER BY order_id`))).toEqual([
      { order_id: 1, customer_id: 1, order_date: '2018-01-01', status: 'returned', credit_card_amount: 10, coupon_amount: 0, bank_transfer_amount: 0, gift_card_amount: 0, amount: 10 },
      { order_id: 2, customer_id: 3, order_date: '2018-01-02', status: 'completed', credit_card_amount: 20, coupon_amount: 0, bank_transfer_amount: 0, gift_card_amount: 0, amount: 20 },
      { order_id: 3, customer_id: 1, order_date: '2018-01-04', status: 'completed', credit_card_amount: 0, coupon_amount: 1, bank_transfer_amount: 0, gift_card_amount: 25, amount: 26 },
      { order_id: 4, customer_id: 2, order_date: '2018-01-05', status: 'placed', credit_card_amount: 0, coupon_amount: 0, bank_transfer_amount: 12, gift_card_amount: 0, amount: 12 },
      { order_id: 5, customer_id: 3, order_date: '2018-01-07', status: 'shipped', credit_card_amount: null, coupon_amount: null, bank_transfer_amount: null, gift_card_amount: null, amount: null },
    ]);
    // Aggregates as a dashboard on Postgres would show them (avg and count skip NULLs).
    expect(normal(await queryRows(project, `SELECT count(customer_lifetime_value) AS paying, sum(customer_lifetime_value) AS ltv, avg(number_of_orders) AS avg_orders FROM ${p.schema}.customers`))).toEqual([
      { paying: 3, ltv: 68, avg_orders: 5 / 3 },
    ]);
  });

  it('dbt_semantics: false keeps ClickHouse’s own answers (defaults for non-matches, the prefixed name and its warning)', async () => {
    const { p, project } = setup({
      ...JAFFLE_SHOP,
      'dbt_project.yml': JAFFLE_SHOP['dbt_project.yml']! + '  +dbt_semantics: false\n',
      'models/schema.yml': 'version: 2\n',
      'tests/payments_without_order.sql': JAFFLE_SHOP['tests/payments_without_order.sql']!.replace("severity='warn'", "severity='warn', dbt_semantics=false"),
    });
    const result = await project.build();
    expectStatuses(result, {
      raw_customers: 'success', raw_orders: 'success', raw_payments: 'success',
      stg_customers: 'success', stg_orders: 'success', stg_payments: 'success',
      customers: 'success', orders: 'success', payments_without_order: 'pass',
    });
    const customers = result.results.find((r) => r.node.name === 'customers')!;
    expect(customers.warnings.join('\n')).toContain("column 'customers.customer_id' keeps its table prefix");
    expect(normal(await queryRows(project, `SELECT \`customers.customer_id\` AS id, first_order, number_of_orders, customer_lifetime_value FROM ${p.schema}.customers WHERE id = 4`))).toEqual([
      { id: 4, first_order: '1970-01-01', number_of_orders: 0, customer_lifetime_value: 0 },
    ]);
  });

  it('a model keeps its own join_use_nulls from query_settings', async () => {
    const { p, project } = setup({
      ...JAFFLE_SHOP,
      'models/schema.yml': 'version: 2\n',
      'models/marts/orders.sql': "{{ config(query_settings={'join_use_nulls': 0}) }}\n" + JAFFLE_SHOP['models/marts/orders.sql']!,
    });
    expect((await project.build({ select: ['+orders'] })).success).toBe(true);
    expect(normal(await queryRows(project, `SELECT amount FROM ${p.schema}.orders WHERE order_id = 5`))).toEqual([{ amount: 0 }]);
  });
});
