import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's CAST to a numeric type rounds (execute/dbt-semantics/cast-rounding.ts): Postgres, Snowflake, BigQuery and
 * Redshift give cast(0.29 as numeric(10, 2)) = 0.29 and cast(1.999 as integer) = 2 where ClickHouse
 * truncates (0.28, 1). Under dbt_semantics (default on) tsdbt rounds; `dbt_semantics: false` keeps
 * ClickHouse's answer.
 */
const MODEL = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select
  cast(0.29 as numeric(10, 2)) as f_029,
  cast(1.005 as Decimal(10, 2)) as f_1005,
  cast(-2.675 as decimal(10, 2)) as f_neg,
  cast('1.999' as Decimal(10, 2)) as s_1999,
  cast(toDecimal64('2.345', 3) as Decimal(10, 2)) as d_2345,
  cast(1.999 as integer) as i_1999,
  cast(toDecimal64('-2.5', 1) as Int32) as i_neg,
  cast(7 as Decimal(10, 2)) as i_7,
  CAST(x, 'Nullable(Decimal(10, 2))') as n_057,
  CAST(y AS ${semantics === '' ? 'Decimal(10, 2)' : 'Nullable(Decimal(10, 2))'}) as n_null
from (select toNullable(0.57) as x, CAST(NULL, 'Nullable(Float64)') as y)
`;

describe('CAST to a numeric type rounds (dbt_semantics)', () => {
  it("floats, decimal strings and decimals round at the target's scale; to an integer a float or decimal rounds", async () => {
    const p = dbtProject({ models: { 'casts.sql': MODEL(''), 'casts_ch.sql': MODEL(', dbt_semantics=false') } });
    await p.dbt(['run']);
    const rows = await p.query(`select toString(f_029) a, toString(f_1005) b, toString(f_neg) c, toString(s_1999) d, toString(d_2345) e, i_1999, i_neg, toString(i_7) f, toString(n_057) g, n_null, toTypeName(f_029) t from {schema}.casts`);
    expect(rows).toEqual([{ a: '0.29', b: '1.01', c: '-2.68', d: '2', e: '2.35', i_1999: 2, i_neg: -3, f: '7', g: '0.57', n_null: null, t: 'Decimal(10, 2)' }]);
    // ClickHouse's own answer: truncated.
    const ch = await p.query(`select toString(f_029) a, toString(s_1999) d, i_1999 from {schema}.casts_ch`);
    expect(ch).toEqual([{ a: '0.28', d: '1.99', i_1999: 1 }]);
  });

  it("Postgres' x::numeric(p, s) rounds too, in a view (jaffle-shop-expand's (subtotal / 100)::numeric(16, 2))", async () => {
    const p = dbtProject({
      models: {
        'cents.sql': `{{ config(materialized='view') }}
select (subtotal / 100)::numeric(16, 2) as amount, (subtotal / 100)::int as whole, case when subtotal > 0 then subtotal / 100 else 0 end::numeric(16, 1) as tenth
from (select toFloat64(29) as subtotal)`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query(`select toString(amount) a, whole, toString(tenth) t from {schema}.cents`)).toEqual([{ a: '0.29', whole: 0, t: '0.3' }]);
  });

  it("an unaliased rounded CAST or checked Decimal sum keeps ClickHouse's column name, as dbt-clickhouse builds it", async () => {
    // The rewrites change the expression's text; the table's columns are named by the SQL as written (item-names.ts).
    const p = dbtProject({
      models: {
        'named.sql': `{{ config(materialized='table') }}
select k, cast(x as Decimal(10, 1)), sum(d), sum(d) over (partition by k) as w
from (select number % 2 as k, toFloat64(number) + 0.25 as x, toDecimal128(number, 2) as d from numbers(2))
group by k, x, d`,
      },
    });
    await p.dbt(['run']);
    const columns = await p.query(`select name from system.columns where database = '{schema}' and table = 'named' order by position`);
    expect(columns.map((c) => c.name)).toEqual(['k', "CAST(x, 'Decimal(10, 1)')", 'sum(d)', 'w']);
    // Still rounded (ClickHouse truncates 1.25 to 1.2) and summed.
    expect(await p.query("select toString(`CAST(x, 'Decimal(10, 1)')`) c, toString(`sum(d)`) s from {schema}.named order by k")).toEqual([
      { c: '0.3', s: '0' },
      { c: '1.3', s: '1' },
    ]);
  });

  it('an item aliased without AS or by a quoted name, one ending in a string, a model ending in a line comment: built with their names', async () => {
    // item-names.ts: `… * 2 total` and `… as "Quoted"` are aliased (a second AS is a syntax error); the AS goes after a trailing
    // string literal, not before it; the DESCRIBE of a SQL whose last line is a comment still answers.
    const p = dbtProject({
      models: {
        'implicit.sql': `{{ config(materialized='table') }}
select cast(x as Decimal(10, 1)) * 2 total, sum(d) * 2 twice
from (select toFloat64(1.25) as x, toDecimal128(3, 2) as d) group by x`,
        'commented.sql': `{{ config(materialized='table') }}
select cast(x as Decimal(10, 1)), sum(d), cast(x as Decimal(10, 1)) as "Quoted", toString(cast(x as Decimal(10, 1))) || ' kg'
from (select toFloat64(1.25) as x, toDecimal128(3, 2) as d) group by x
-- the last line is a comment`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query('select toString(total) t, toString(twice) w from {schema}.implicit')).toEqual([{ t: '2.6', w: '6' }]);
    const columns = await p.query(`select name from system.columns where database = '{schema}' and table = 'commented' order by position`);
    expect(columns.map((c) => c.name)).toEqual(["CAST(x, 'Decimal(10, 1)')", 'sum(d)', 'Quoted', "concat(toString(CAST(x, 'Decimal(10, 1)')), ' kg')"]);
    expect(await p.query("select toString(Quoted) q, `concat(toString(CAST(x, 'Decimal(10, 1)')), ' kg')` k from {schema}.commented")).toEqual([{ q: '1.3', k: '1.3 kg' }]);
  });

  it('a GROUP BY of the same cast groups by the rounded value (x / 2 for 0..3: 0, 0, 1, 2 as Postgres rounds a float, half to even)', async () => {
    const p = dbtProject({
      models: { 'grouped.sql': `select cast(x as integer) as k, count() as n from (select toFloat64(number) / 2 as x from numbers(4)) group by cast(x as integer)` },
    });
    await p.dbt(['run']);
    expect(await p.query(`select k, n from {schema}.grouped order by k`)).toEqual([
      { k: 0, n: '2' },
      { k: 1, n: '1' },
      { k: 2, n: '1' },
    ]);
  });

  it('a data test comparing a rounded cast passes, as on the other warehouses', async () => {
    const p = dbtProject({
      models: { 'prices.sql': `select toFloat64(number) / 100 + 0.29 as price from numbers(3)` },
      // 0.29 * 100 is 28.999999999999996 in binary: truncated it is 28
      tests: { 'cents.sql': `select * from {{ ref('prices') }} where cast(price * 100 as integer) not in (29, 30, 31)` },
    });
    await p.dbt(['run']);
    const test = await p.dbt(['test']);
    expect(test.results.map((r) => r.status)).toEqual(['pass']);
  });

  it("numeric / decimal without precision keeps the value (Postgres' exact numeric), where ClickHouse's is Decimal(10, 0)", async () => {
    const model = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select
  cast(1.5 as numeric) as half,
  round(avg(x)::numeric, 2) as avg2,
  cast(sum(x) as decimal) / nullif(sum(sum(x)) over (), 0) as share,
  cast(0.29 as numeric) as f_029,
  cast('12.345' as numeric) as s_12345,
  cast(toDecimal64('2.5', 1) as numeric) / cast(2 as numeric(10, 2)) as d_div
from (select toFloat64(number) / 3 as x from numbers(4))`;
    const ch = `{{ config(materialized='table', dbt_semantics=false) }}
select cast(1.5 as numeric) as half, round(avg(x)::numeric, 2) as avg2, cast(0.29 as numeric) as f_029 from (select toFloat64(number) / 3 as x from numbers(4))`;
    const p = dbtProject({ models: { 'ratios.sql': model(''), 'ratios_ch.sql': ch } });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success']);
    const [row] = await p.query(`select toString(half) h, toString(avg2) a, toString(share) s, toString(f_029) f, toString(s_12345) t, toString(d_div) d from {schema}.ratios`);
    expect(row).toEqual({ h: '1.5', a: '0.5', s: '1', f: '0.29', t: '12.345', d: '1.25' });
    // ClickHouse's own answer: Decimal(10, 0) drops the decimals.
    expect(await p.query(`select toString(half) h, toString(avg2) a, toString(f_029) f from {schema}.ratios_ch`)).toEqual([{ h: '1', a: '0', f: '0' }]);
  });

  it('a product of numeric casts keeps its value (a Decimal product is scale s1 + s2, and ClickHouse wraps an overflow silently)', async () => {
    // Postgres: 185185170.0000 and 555555510.0000; in Decimal(38, 10) both wrapped to negative numbers.
    const p = dbtProject({
      models: {
        'revenue.sql': `{{ config(materialized='table') }}
select price::numeric * qty::numeric * rate::numeric as line, sum(price::numeric * qty::numeric * rate::numeric) over () as total
from (select 123456.78 as price, 1000 as qty, 1.5 as rate union all select 246913.56, 1000, 1.5)`,
      },
    });
    expect((await p.dbt(['run'])).results.map((r) => r.status)).toEqual(['success']);
    expect(await p.query(`select toString(line) l, toString(total) t from {schema}.revenue order by line`)).toEqual([
      { l: '185185170', t: '555555510' },
      { l: '370370340', t: '555555510' },
    ]);
  });
});
