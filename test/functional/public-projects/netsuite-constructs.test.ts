import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_netsuite v1.6.1 (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

// ClickHouse 26.7's join-order optimizer refusing a valid query, as it refused DESCRIBE of netsuite2__balance_sheet's
// balance_sheet_join CTE (a `transactions_with_converted_amounts.*` over four left joins, read through nested ephemeral
// models over views). Its shape there needs the whole package; the refusal is played here, on the statements as sent.
const REFUSAL =
  'Code: 49. DB::Exception: Cannot fold actions for projection. Node equals(__table22.source_relation, __table10.source_relation) requires input __table22.source_relation which does not belong to projection. (LOGICAL_ERROR)';

describe('fivetran/dbt_netsuite constructs', () => {
  it("a CTE joining a `t.*` gets dbt's column names when describing it needs the join-order optimizer off (balance_sheet_join)", async () => {
    const { p, project } = setup({
      'models/balance_sheet.sql': `{{ config(materialized='table') }}
with lines as (select 'ns' as source_relation, 1 as transaction_id, 10 as amount, 5 as subsidiary_id),
subsidiaries as (select 'ns' as source_relation, 5 as subsidiary_id, 'HQ' as name, 7 as currency_id),
currencies as (select 'ns' as source_relation, 7 as currency_id, 'EUR' as symbol),
balance_sheet_join as (
    select
        lines.*,
        subsidiaries.name as subsidiary_name,
        currencies.symbol as subsidiary_currency_symbol
    from lines
    left join subsidiaries
        on subsidiaries.subsidiary_id = lines.subsidiary_id
        and subsidiaries.source_relation = lines.source_relation
    left join currencies
        on currencies.currency_id = subsidiaries.currency_id
        and currencies.source_relation = subsidiaries.source_relation
)
select source_relation, transaction_id, subsidiary_name, subsidiary_currency_symbol, sum(amount) as amount
from balance_sheet_join
group by 1, 2, 3, 4`,
    });
    const client = (await project.adapter()).client;
    const refused: string[] = [];
    const refuses = (sql: string) => /^\s*DESCRIBE \(/.test(sql) && /\blines\.\*/.test(sql) && !/query_plan_optimize_join_order_limit/.test(sql);
    const query = client.query.bind(client);
    client.query = ((sql: string, o?: never) => {
      if (refuses(sql)) {
        refused.push(sql);
        return Promise.reject(new Error(REFUSAL));
      }
      return query(sql, o);
    }) as typeof client.query;
    const querySync = client.querySync.bind(client);
    client.querySync = ((sql: string) => {
      if (refuses(sql)) {
        refused.push(sql);
        throw new Error(REFUSAL);
      }
      return querySync(sql);
    }) as typeof client.querySync;
    // Without the optimizer off for that DESCRIBE, the CTE kept ClickHouse's `lines.source_relation` names and the model
    // failed UNKNOWN_IDENTIFIER `source_relation`, before its run could fall back to the optimizer off.
    expectStatuses(await project.run(), { balance_sheet: 'success' });
    expect(refused.length).toBeGreaterThan(0);
    expect(await queryRows(project, `select source_relation, transaction_id, subsidiary_name, subsidiary_currency_symbol, toInt64(amount) as amount from ${p.schema}.balance_sheet`)).toEqual([
      { source_relation: 'ns', transaction_id: 1, subsidiary_name: 'HQ', subsidiary_currency_symbol: 'EUR', amount: '10' },
    ]);
  });
});
