import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_recurly (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

const SEED = 'id,type,amount\n1,purchase,10\n2,refund,-4\n3,purchase,7\n';

describe('fivetran/dbt_recurly constructs', () => {
  it('unquoted names are case-insensitive as on every warehouse dbt runs on: `TYPE as type` reads the column `type` (Unknown expression identifier before)', async () => {
    // As stg_recurly__transaction: `TYPE as type`; here also a second name (`ID`), a qualified one and a literal that stays.
    const { p: ip, project: p } = setup({
      'seeds/transaction_data.csv': SEED,
      'models/stg_transaction.sql': `{{ config(materialized='table') }}
select
    t.ID as transaction_id,
    TYPE as type,
    'TYPE' as label,
    amount
from {{ ref('transaction_data') }} as t
where TYPE != 'refund'`,
      'models/purchases.sql': `select transaction_id, type, label from {{ ref('stg_transaction') }}`,
    });
    expectStatuses(await p.build(), { transaction_data: 'success', stg_transaction: 'success', purchases: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.purchases order by transaction_id`)).toEqual([
      { transaction_id: 1, type: 'purchase', label: 'TYPE' },
      { transaction_id: 3, type: 'purchase', label: 'TYPE' },
    ]);
  });

  it("with dbt_semantics off the name stays as written (ClickHouse's case-sensitive answer)", async () => {
    const { project: p } = setup({
      'seeds/transaction_data.csv': SEED,
      'models/stg_transaction.sql': `{{ config(materialized='table', dbt_semantics=false) }}\nselect TYPE as type from {{ ref('transaction_data') }}`,
    });
    const result = await p.build();
    expect(result.results.find((r) => r.node.name === 'stg_transaction')?.message).toMatch(/Unknown expression identifier `TYPE`/);
  });
});
