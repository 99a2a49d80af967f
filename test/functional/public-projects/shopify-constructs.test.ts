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
});
