import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A CASE / if / coalesce over Decimals of different scales (execute/dbt-semantics/common-types.ts,
 * retry-safety.ts). ClickHouse 26.7 types `if(c, Decimal(38, 2), Decimal(28, 6))` Decimal(38, 6) and
 * then refuses to run it ("Conditional functions with different Decimal scales", NOT_IMPLEMENTED) —
 * only once a row reaches it, so the refusal comes while the query writes. On Postgres, Snowflake,
 * BigQuery… it is a numeric holding both (fivetran/dbt_sap's `sap__fact_purchasing_order`:
 * `case when … then sum(amount) else cast(0 as numeric(28, 6)) end`). Under dbt_semantics the values
 * are cast to a Decimal with the larger scale and integer part, and the node runs again — only when
 * what the refused attempt wrote went to a temporary it dropped.
 */
const AMOUNTS = `{{ config(materialized='table') }}
select toUInt8(number) as n, toDecimal64(number + 0.25, 2) as price from numbers(4)`;
const PICKED = `select n,
  case when n > 1 then total else cast(0 as Decimal(28, 6)) end as v,
  coalesce(maybe, cast(0.5 as Decimal(28, 6))) as w
from (select n, sum(price) as total, if(n = 3, NULL, sum(price)) as maybe from {{ ref('amounts') }} group by n)`;

describe('CASE / coalesce over Decimals of different scales (dbt_semantics)', () => {
  it("a table model gets a Decimal holding both values (Decimal(38, 2) and Decimal(28, 6): Decimal(42, 6)), with dbt's values", async () => {
    const p = dbtProject({ models: { 'amounts.sql': AMOUNTS, 'picked.sql': `{{ config(materialized='table') }}\n${PICKED}` } });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => [r.unique_id, r.status])).toEqual([
      ['model.test.amounts', 'success'],
      ['model.test.picked', 'success'],
    ]);
    expect(await p.query(`select toString(n) n, toString(picked.v) v, toString(picked.w) w, toTypeName(picked.v) tv, toTypeName(picked.w) tw from {schema}.picked order by picked.n`)).toEqual([
      { n: '0', v: '0', w: '0.25', tv: 'Decimal(42, 6)', tw: 'Decimal(42, 6)' },
      { n: '1', v: '0', w: '1.25', tv: 'Decimal(42, 6)', tw: 'Decimal(42, 6)' },
      { n: '2', v: '2.25', w: '2.25', tv: 'Decimal(42, 6)', tw: 'Decimal(42, 6)' },
      { n: '3', v: '3.25', w: '0.5', tv: 'Decimal(42, 6)', tw: 'Decimal(42, 6)' },
    ]);
  });

  it('an incremental model appends each run\'s rows once (the refused attempt staged them in a table it dropped)', async () => {
    const p = dbtProject({
      models: {
        'amounts.sql': AMOUNTS,
        'picked_inc.sql': `{{ config(materialized='incremental', incremental_strategy='append') }}
${PICKED}
{% if is_incremental() %}where n > (select max(n) from {{ this }}){% else %}where n < 2{% endif %}`,
      },
    });
    expect((await p.dbt(['run'])).results.map((r) => r.status)).toEqual(['success', 'success']);
    const second = await p.dbt(['run', '--select', 'picked_inc']);
    expect(second.results.map((r) => r.status)).toEqual(['success']);
    expect(await p.query(`select toString(n) n, toString(v) v, toString(w) w from {schema}.picked_inc order by n`)).toEqual([
      { n: '0', v: '0', w: '0.25' },
      { n: '1', v: '0', w: '1.25' },
      { n: '2', v: '2.25', w: '2.25' },
      { n: '3', v: '3.25', w: '0.5' },
    ]);
  });

  it("dbt_semantics: false keeps ClickHouse's refusal", async () => {
    const p = dbtProject({
      models: { 'amounts.sql': AMOUNTS, 'picked.sql': `{{ config(materialized='table', dbt_semantics=false) }}\n${PICKED}` },
    });
    const run = await p.dbt(['run'], { expectPass: false });
    expect(run.results.map((r) => r.status)).toEqual(['success', 'error']);
    expect(run.results[1]!.message).toMatch(/Conditional functions with different Decimal scales/);
  });
});
