import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt show runs the SQL the model builds, so its preview has the built table's values. Under
 * dbt_semantics a run rewrites what ClickHouse answers differently from dbt's warehouses (rounding
 * CASTs, common types: execute/dbt-semantics/); `show --select` runs the same rewrites
 * (execute/show-rows.ts). Before, show gave ClickHouse's truncation (0.28 for 0.29) and failed on
 * a max() over a Variant that the build ran.
 */
const rowsOf = (out: string[]) => JSON.parse(out.find((l) => l.trim().startsWith('{'))!).show as Record<string, unknown>[];

describe('show --select previews what the build makes (dbt_semantics)', () => {
  it('rounding CASTs, a common-typed CASE and a UNION in a subquery: the preview equals the built table', async () => {
    const p = dbtProject({
      models: {
        'priced.sql': `{{ config(materialized='table') }}
select
  toUInt8(number) as n,
  cast(0.29 * (number + 1) as numeric(10, 2)) as price,
  case when number > 1 then toInt64(number) else 0.5 end as picked,
  max(case when number > 1 then toInt64(number) else 0.5 end) over () as top,
  (select sum(v) from (select toInt64(number) as v from numbers(2) union all select 0.25)) as unioned
from numbers(3)
order by n`,
      },
    });
    await p.dbt(['run']);
    const built = await p.query(`select n, toString(price) as price, picked, top, unioned from {schema}.priced order by n`);
    expect(built).toEqual([
      { n: 0, price: '0.29', picked: 0.5, top: 2, unioned: 1.25 },
      { n: 1, price: '0.58', picked: 0.5, top: 2, unioned: 1.25 },
      { n: 2, price: '0.87', picked: 2, top: 2, unioned: 1.25 },
    ]);
    const shown = rowsOf((await p.dbt(['show', '--select', 'priced', '--output', 'json'])).out);
    expect(shown.map((r) => ({ ...r, price: String(r.price) }))).toEqual(built);
  });

  it("dbt_semantics: false previews ClickHouse's own answer, as its build makes it", async () => {
    const p = dbtProject({
      models: { 'plain.sql': `{{ config(dbt_semantics=false) }}\nselect cast(0.29 as numeric(10, 2)) as price` },
    });
    const shown = rowsOf((await p.dbt(['show', '--select', 'plain', '--output', 'json'])).out);
    expect(shown.map((r) => String(r.price))).toEqual(['0.28']);
  });

  it('show --inline runs the SQL as an ad-hoc model would: a plain UNION is DISTINCT, cast(1.5 as int) rounds; dbt_semantics: false at the project keeps ClickHouse', async () => {
    const p = dbtProject({ models: { 'one.sql': 'select 1 as x' } });
    await p.dbt(['run']);
    const inline = async (sql: string) => rowsOf((await p.dbt(['show', '--inline', sql, '--output', 'json'])).out);
    expect(await inline("select x from {{ ref('one') }} union select 1")).toEqual([{ x: 1 }]);
    expect((await inline('select cast(1.5 as int) as n'))[0]!.n).toBe(2);
    expect(await inline('select a.x, b.x as y from (select 1 as x) a left join (select 2 as x) b on a.x = b.x')).toEqual([{ x: 1, y: null }]);
    const plain = dbtProject({ projectConfig: 'models:\n  +dbt_semantics: false', models: { 'one.sql': 'select 1 as x' } });
    const out = rowsOf((await plain.dbt(['show', '--inline', 'select cast(1.5 as int) as n', '--output', 'json'])).out);
    expect(out[0]!.n).toBe(1);
  });
});
