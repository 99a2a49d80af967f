import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_quickbooks (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

const SEED = 'id,transaction_date\n1,2024-01-15\n2,\n3,2024-03-02\n';
const SEED_TYPES = `seeds:\n  - name: general_ledger\n    config:\n      column_types: {transaction_date: date}\n`;

// As int_quickbooks__general_ledger_date_spine: the bounds of a date spine read with run_query
// (dbt_utils.get_single_value) while the model runs, casting a column that holds NULL.
const SPINE = `with spine as (
    {% if execute %}
    {%- set first_date_query %}
    select coalesce(min(cast(transaction_date as date)), cast('2000-01-01' as date)) as min_date from {{ ref('general_ledger') }}
    {% endset -%}
    {%- set first = run_query(first_date_query).columns[0].values()[0] %}
    {% else %}{% set first = '2000-01-01' %}{% endif %}
    select cast('{{ first }}' as date) as first_date
)
select * from spine`;

describe('fivetran/dbt_quickbooks constructs', () => {
  it("a model's run_query casting a NULL gives NULL, as the model's own query would (ClickHouse: Cannot convert NULL value to non-Nullable type)", async () => {
    const { p: ip, project: p } = setup({
      'seeds/general_ledger.csv': SEED,
      'seeds/seeds.yml': SEED_TYPES,
      'models/date_spine.sql': `{{ config(materialized='table') }}\n${SPINE}`,
    });
    expectStatuses(await p.build(), { general_ledger: 'success', date_spine: 'success' });
    expect(await queryRows(p, `select toString(first_date) as d from ${ip.schema}.date_spine`)).toEqual([{ d: '2024-01-15' }]);
  });

  it('an ephemeral model read by a table runs its run_query with the settings of the model that inlines it', async () => {
    const { p: ip, project: p } = setup({
      'seeds/general_ledger.csv': SEED,
      'seeds/seeds.yml': SEED_TYPES,
      'models/int_spine.sql': `{{ config(materialized='ephemeral') }}\n${SPINE}`,
      'models/by_period.sql': `{{ config(materialized='table') }}\nselect first_date from {{ ref('int_spine') }}`,
    });
    expectStatuses(await p.build(), { general_ledger: 'success', by_period: 'success' });
    expect(await queryRows(p, `select toString(first_date) as d from ${ip.schema}.by_period`)).toEqual([{ d: '2024-01-15' }]);
  });

  it("with dbt_semantics off, run_query keeps ClickHouse's answer (the CAST of a NULL fails), also after a model that set it", async () => {
    const { project: p } = setup({
      'seeds/general_ledger.csv': SEED,
      'seeds/seeds.yml': SEED_TYPES,
      'models/date_spine.sql': `{{ config(materialized='table') }}\n${SPINE}`,
      'models/strict_spine.sql': `-- depends_on: {{ ref('date_spine') }}\n{{ config(materialized='table', dbt_semantics=false) }}\n${SPINE}`,
    });
    const result = await p.build();
    expect(result.results.find((r) => r.node.name === 'date_spine')?.status).toBe('success');
    expect(result.results.find((r) => r.node.name === 'strict_spine')?.message).toMatch(/Cannot convert NULL/);
  });
});
