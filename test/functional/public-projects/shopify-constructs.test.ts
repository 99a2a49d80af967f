import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_shopify (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt_shopify constructs', () => {
  it('joins a CTE to itself under an alias and selects the bare one with t.* (ClickHouse called it ambiguous)', async () => {
    // As shopify__transactions: `from transactions left join transactions as parent_transactions`.
    const { p: ip, project: p } = setup({
      'seeds/transaction.csv': 'transaction_id,parent_id,kind,source_relation\n1,,sale,s\n2,1,refund,s\n',
      'seeds/tender_transaction.csv': 'transaction_id,payment_method,source_relation\n1,card,s\n',
      'models/transactions_joined.sql': `with transactions as (
  select *, concat('tx-', toString(transaction_id)) as unique_id from {{ ref('transaction') }}
), tender_transactions as (
  select * from {{ ref('tender_transaction') }}
), joined as (
  select
    transactions.*,
    tender_transactions.payment_method,
    parent_transactions.kind as parent_kind
  from transactions
  left join tender_transactions
    on transactions.transaction_id = tender_transactions.transaction_id
    and transactions.source_relation = tender_transactions.source_relation
  left join transactions as parent_transactions
    on transactions.parent_id = parent_transactions.transaction_id
    and transactions.source_relation = parent_transactions.source_relation
)
select * from joined`,
    });
    expectStatuses(await p.build(), { transaction: 'success', tender_transaction: 'success', transactions_joined: 'success' });
    expect(await queryRows(p, `select transaction_id, kind, unique_id, payment_method, parent_kind from ${ip.schema}.transactions_joined order by transaction_id`)).toEqual([
      { transaction_id: 1, kind: 'sale', unique_id: 'tx-1', payment_method: 'card', parent_kind: null },
      { transaction_id: 2, kind: 'refund', unique_id: 'tx-2', payment_method: null, parent_kind: 'sale' },
    ]);
  });

  it("builds a model whose partition_by is BigQuery's {field, data_type} dict, partitioned by that field's day (was PARTITION BY [object Object])", async () => {
    // As shopify__customer_cohorts: partition_by={"field": "date_month", "data_type": "date"} if target.type not in ('spark', 'databricks').
    const { p: ip, project: p } = setup({
      'models/cohorts.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert', partition_by={"field": "date_month", "data_type": "date"}) }}
select toInt32(number) as id, toDate('2024-01-01') + toIntervalMonth(number) as date_month from numbers(3)`,
      'models/hourly.sql': `{{ config(materialized='table', partition_by={'field': 'ts', 'data_type': 'timestamp', 'granularity': 'month'}) }}
select toDateTime('2024-01-01 10:00:00') as ts`,
    });
    expectStatuses(await p.build(), { cohorts: 'success', hourly: 'success' });
    expectStatuses(await p.build(), { cohorts: 'success', hourly: 'success' });
    expect(await queryRows(p, `select id, toString(date_month) as m from ${ip.schema}.cohorts order by id`)).toEqual([
      { id: 0, m: '2024-01-01' }, { id: 1, m: '2024-02-01' }, { id: 2, m: '2024-03-01' },
    ]);
    expect(await queryRows(p, `select table, partition_key from system.tables where database = '${ip.schema}' and table in ('cohorts', 'hourly') order by table`)).toEqual([
      { table: 'cohorts', partition_key: 'toYYYYMMDD(date_month)' }, { table: 'hourly', partition_key: 'toYYYYMM(ts)' },
    ]);
  });

  it('builds a table with a `null as col` column, typed as text as Postgres types an untyped NULL (ClickHouse refuses Nullable(Nothing) columns)', async () => {
    // As shopify__line_item_enhanced's `null as billing_type` beside typed columns.
    const { p: ip, project: p } = setup({
      'models/enhanced.sql': "{{ config(materialized='table') }} select toInt32(1) as id, null as billing_type, 'x' as kind",
      'models/incremental_nulls.sql': "{{ config(materialized='incremental', unique_key='id') }} select toInt32(number) as id, null as note from numbers(2)",
      'models/reads.sql': "select id, coalesce(billing_type, 'none') as billing from {{ ref('enhanced') }}",
    });
    expectStatuses(await p.build(), { enhanced: 'success', incremental_nulls: 'success', reads: 'success' });
    expectStatuses(await p.build(), { enhanced: 'success', incremental_nulls: 'success', reads: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'enhanced' order by position`)).toEqual([
      { name: 'id', type: 'Int32' }, { name: 'billing_type', type: 'Nullable(String)' }, { name: 'kind', type: 'String' },
    ]);
    expect(await queryRows(p, `select id, billing_type, kind from ${ip.schema}.enhanced`)).toEqual([{ id: 1, billing_type: null, kind: 'x' }]);
    expect(await queryRows(p, `select id, note from ${ip.schema}.incremental_nulls order by id`)).toEqual([{ id: 0, note: null }, { id: 1, note: null }]);
    expect(await queryRows(p, `select billing from ${ip.schema}.reads`)).toEqual([{ billing: 'none' }]);
  });

  it("gives an ephemeral model's SQL the settings it needs in each model inlining it: SQL's column-over-alias precedence, a CAST of NULL, a plain UNION", async () => {
    // As int_shopify__daily_orders (ephemeral): `sum(order_adjusted_total) as order_adjusted_total, avg(order_adjusted_total)`
    // (ILLEGAL_AGGREGATION in shopify__daily_shop), and an ephemeral `cast(null as string)` (shopify__discounts).
    const { p: ip, project: p } = setup({
      'models/orders.sql': "select toInt32(number) as order_id, toDate('2024-01-01') as day, toFloat64(number + 1) as total from numbers(3)",
      'models/daily_orders.sql': `{{ config(materialized='ephemeral') }}
select day, sum(total) as total, avg(total) as avg_total, cast(null as {{ dbt.type_string() }}) as code
from {{ ref('orders') }} group by day
union
select day, sum(total) as total, avg(total) as avg_total, cast(null as {{ dbt.type_string() }}) as code
from {{ ref('orders') }} group by day`,
      'models/daily_shop.sql': "select day, total, avg_total, coalesce(code, 'none') as code from {{ ref('daily_orders') }}",
    });
    expectStatuses(await p.build(), { orders: 'success', daily_shop: 'success' });
    expect(await queryRows(p, `select toString(day) as day, total, avg_total, code from ${ip.schema}.daily_shop`)).toEqual([
      { day: '2024-01-01', total: 6, avg_total: 2, code: 'none' },
    ]);
  });

  it("names a joined CTE's t.* columns as the table's when a CTE inside it casts NULL (its DESCRIBE runs with the model's settings)", async () => {
    // As shopify_gql__orders: `joined as (select orders.*, … from orders left join … left join …)` where an inlined
    // ephemeral casts NULL; the DESCRIBE failed without cast_keep_nullable and the table kept `orders.source_relation`.
    const { p: ip, project: p } = setup({
      'models/adjustments.sql': `{{ config(materialized='ephemeral') }}
select toInt32(1) as order_id, 's' as source_relation, cast(null as Nullable(Float64)) as amount, cast(amount as Float64) as amount_cast`,
      'models/orders.sql': `with orders as (
  select toInt32(number) as order_id, 's' as source_relation, 'o' as name from numbers(2)
), adjustments as (
  select * from {{ ref('adjustments') }}
), lines as (
  select toInt32(1) as order_id, 's' as source_relation, 3 as line_count
), joined as (
  select orders.*, adjustments.amount_cast, lines.line_count
  from orders
  left join adjustments on orders.order_id = adjustments.order_id and orders.source_relation = adjustments.source_relation
  left join lines on orders.order_id = lines.order_id and orders.source_relation = lines.source_relation
)
select * from joined`,
      'models/daily.sql': 'select source_relation, count(*) as n from {{ ref(\'orders\') }} group by source_relation',
    });
    expectStatuses(await p.build(), { orders: 'success', daily: 'success' });
    expect(await queryRows(p, `select name from system.columns where database = '${ip.schema}' and table = 'orders' order by position`)).toEqual([
      { name: 'order_id' }, { name: 'source_relation' }, { name: 'name' }, { name: 'amount_cast' }, { name: 'line_count' },
    ]);
    expect(await queryRows(p, `select order_id, amount_cast, line_count from ${ip.schema}.orders order by order_id`)).toEqual([
      { order_id: 0, amount_cast: null, line_count: null },
      { order_id: 1, amount_cast: null, line_count: 3 },
    ]);
    expect(await queryRows(p, `select source_relation, n from ${ip.schema}.daily`)).toEqual([{ source_relation: 's', n: '2' }]);
  });
});
