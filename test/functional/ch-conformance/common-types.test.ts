import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's common types (execute/dbt-semantics/common-types.ts). On Postgres, Snowflake, BigQuery… a CASE/coalesce
 * of an integer and a float is a double, and a string literal next to a date is that date.
 * ClickHouse 26 makes a Variant (use_variant_as_common_type) that max(), ORDER BY and window keys
 * refuse, or no type at all (code 386). Under dbt_semantics (default on) tsdbt casts such a site to
 * dbt's supertype; `dbt_semantics: false` keeps ClickHouse's answer.
 */
describe("dbt's common types for CASE / if / coalesce (dbt_semantics)", () => {
  it('an Int64 and a Float64 in a CASE, if() and coalesce() give a Float64 that max() and ORDER BY take', async () => {
    const p = dbtProject({
      models: {
        'amounts.sql': `select toInt64(number) as qty, toFloat64(number) / 4 as price, if(number = 2, NULL, toInt64(number)) as maybe from numbers(4)`,
        'mixed.sql': `{{ config(materialized='table') }}
select
  case when qty > 1 then qty else price end as picked,
  if(qty = 0, price, qty) as chosen,
  coalesce(maybe, 0.5) as filled
from {{ ref('amounts') }}
order by picked`,
        'mixed_max.sql': `select max(case when qty > 1 then qty else price end) as top_pick,
  max(coalesce(sum_qty, 0.0)) as top_sum
from {{ ref('amounts') }}, (select sum(toInt64(number)) as sum_qty from numbers(3)) as s`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(await p.query(`select toTypeName(picked) p, toTypeName(chosen) c, toTypeName(filled) f from {schema}.mixed limit 1`)).toEqual([{ p: 'Float64', c: 'Float64', f: 'Float64' }]);
    expect(await p.query(`select picked, chosen, filled from {schema}.mixed order by picked`)).toEqual([
      { picked: 0, chosen: 0, filled: 0 },
      { picked: 0.25, chosen: 1, filled: 1 },
      { picked: 2, chosen: 2, filled: 0.5 },
      { picked: 3, chosen: 3, filled: 3 },
    ]);
    expect(await p.query(`select top_pick, top_sum from {schema}.mixed_max`)).toEqual([{ top_pick: 3, top_sum: 3 }]);
  });

  it("coalesce(a Nullable(Date), '2099-01-01') is a Date: ORDER BY and window keys take it (dbt_utils' mutually_exclusive_ranges shape)", async () => {
    const p = dbtProject({
      models: {
        'ranges.sql': `select toDate('2020-01-01') + number * 10 as valid_from, if(number = 2, NULL, toDate('2020-01-01') + number * 10 + 9) as valid_to from numbers(3)`,
        'ordered.sql': `{{ config(materialized='table') }}
select valid_from, coalesce(valid_to, '2099-01-01') as upper,
       lead(valid_from) over (order by coalesce(valid_to, '2099-01-01')) as next_from
from {{ ref('ranges') }}
order by coalesce(valid_to, '2099-01-01')`,
      },
      tests: {
        'no_overlap.sql': `with w as (
  select valid_from, coalesce(valid_to, '2099-01-01') as upper,
         lead(valid_from) over (order by valid_from, coalesce(valid_to, '2099-01-01')) as next_from
  from {{ ref('ranges') }})
select * from w where next_from is not null and next_from <= upper`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query(`select toTypeName(upper) t from {schema}.ordered limit 1`)).toEqual([{ t: 'Date' }]);
    expect(await p.query(`select toString(upper) u from {schema}.ordered order by valid_from`)).toEqual([{ u: '2020-01-10' }, { u: '2020-01-20' }, { u: '2099-01-01' }]);
    const test = await p.dbt(['test']);
    expect(test.results.map((r) => r.status)).toEqual(['pass']);
  });

  it('a view keeps a plain type too (a downstream sum() reads it); ints alone and CASE with an operand keep their types', async () => {
    const p = dbtProject({
      models: {
        'v.sql': `{{ config(materialized='view') }}
select case number when 0 then toInt64(1) else 2.5 end as x, coalesce(toNullable(toInt64(number)), 7) as n from numbers(3)`,
        'total.sql': `{{ config(materialized='table') }} select sum(x) as s, sum(n) as sn from {{ ref('v') }}`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query(`select toTypeName(x) tx, toTypeName(n) tn from {schema}.v limit 1`)).toEqual([{ tx: 'Float64', tn: 'Int64' }]);
    expect(await p.query(`select s, sn from {schema}.total`)).toEqual([{ s: 6, sn: '3' }]);
  });

  it('tsdbt validate checks the SQL a run runs: a cast site validates clean, the same model with dbt_semantics: false does not', async () => {
    const model = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select max(case when number > 1 then toInt64(number) else toFloat64(number) / 2 end) as m from numbers(3)`;
    const p = dbtProject({ models: { 'ok.sql': model('') } });
    const clean = await p.dbt(['validate']);
    expect(clean.code).toBe(0);
    p.write({ 'models/ok.sql': model(', dbt_semantics=false') });
    const refused = await p.dbt(['validate'], { expectPass: false });
    expect(refused.out.join('\n')).toMatch(/NO_COMMON_TYPE|Variant/);
  });

  it('a GROUP BY of the same CASE groups by its Float64 value', async () => {
    const expr = 'case when number > 1 then toInt64(number) else toFloat64(number) / 2 end';
    const p = dbtProject({ models: { 'grouped.sql': `select ${expr} as k, count() as n from numbers(4) group by ${expr}` } });
    await p.dbt(['run']);
    expect(await p.query(`select toTypeName(k) t, k, n from {schema}.grouped order by k`)).toEqual([
      { t: 'Float64', k: 0, n: '1' },
      { t: 'Float64', k: 0.5, n: '1' },
      { t: 'Float64', k: 2, n: '1' },
      { t: 'Float64', k: 3, n: '1' },
    ]);
  });

  it("dbt_semantics: false keeps ClickHouse's Variant (max() of it fails)", async () => {
    const p = dbtProject({
      models: { 'raw.sql': `{{ config(dbt_semantics=false) }} select max(if(number = 0, toInt64(number), toFloat64(number) / 2)) as m from numbers(3)` },
    });
    const run = await p.dbt(['run'], { expectPass: false });
    expect(run.results[0]!.message).toMatch(/Variant/);
  });
});

describe("dbt's common types never do a node's work twice", () => {
  it("a model with a pre-hook runs once: its hook wrote one row, and its SQL was checked before it ran (dbt's Float64, not a Variant)", async () => {
    const p = dbtProject({
      models: {
        'audit_log.sql': `{{ config(materialized='table', engine='MergeTree()', order_by='x') }}\nselect toUInt8(0) as x where 0`,
        'hooked.sql': `{{ config(materialized='table', pre_hook="insert into {{ ref('audit_log') }} values (1)") }}
-- depends_on: {{ ref('audit_log') }}
select toUInt8(number) as n, case when number > 1 then toInt64(number) else 0.5 end as v from numbers(3)`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success']);
    expect(await p.query(`select toUInt8(count()) as c from {schema}.audit_log`)).toEqual([{ c: 1 }]);
    expect(await p.query(`select n, v, toTypeName(v) t from {schema}.hooked order by n`)).toEqual([
      { n: 0, v: 0.5, t: 'Float64' },
      { n: 1, v: 0.5, t: 'Float64' },
      { n: 2, v: 2, t: 'Float64' },
    ]);
  });

  it('an incremental model with a pre-hook: the first and the incremental run each send the hook once, both with the cast', async () => {
    const p = dbtProject({
      models: {
        'audit_log.sql': `{{ config(materialized='table', engine='MergeTree()', order_by='x') }}\nselect toUInt8(0) as x where 0`,
        'hooked_inc.sql': `{{ config(materialized='incremental', unique_key='n', pre_hook="insert into {{ ref('audit_log') }} values (1)") }}
-- depends_on: {{ ref('audit_log') }}
select toUInt8(number) as n, case when number > 1 then toInt64(number) else 0.5 end as v,
  max(case when number > 1 then toInt64(number) else 0.5 end) over () as top
from numbers({{ 3 if is_incremental() else 2 }})
{% if is_incremental() %}where number >= (select max(n) from {{ this }}){% endif %}`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query(`select toUInt8(count()) as c from {schema}.audit_log`)).toEqual([{ c: 1 }]);
    const second = await p.dbt(['run', '--select', 'hooked_inc']);
    expect(second.results.map((r) => r.status)).toEqual(['success']);
    expect(await p.query(`select toUInt8(count()) as c from {schema}.audit_log`)).toEqual([{ c: 2 }]);
    // max() over a Variant fails: each run's SQL (the incremental one differs) was cast before it ran
    expect(await p.query(`select n, v, top, toTypeName(v) t from {schema}.hooked_inc order by n`)).toEqual([
      { n: 0, v: 0.5, top: 0.5, t: 'Float64' },
      { n: 1, v: 0.5, top: 2, t: 'Float64' },
      { n: 2, v: 2, top: 2, t: 'Float64' },
    ]);
  });
});

describe("dbt's common types for UNION (dbt_semantics)", () => {
  it('a UNION ALL of an Int64 column and a Float64 literal is Float64, as the final query and as a CTE body; names from the first branch', async () => {
    const p = dbtProject({
      models: {
        'amounts.sql': `select toInt64(number) as id, toInt64(number * 10) as amount from numbers(2)`,
        'unioned.sql': `{{ config(materialized='table') }}
select id, amount from {{ ref('amounts') }}
union all
select 9 as other_id, 0.5 as x`,
        'via_cte.sql': `{{ config(materialized='table') }}
with base as (select id, amount from {{ ref('amounts') }}),
u as (
  select id, amount from base
  union all
  select -1, toFloat64(2.25)
)
select max(amount) as top_amount, sum(amount) as total, count() as n from u`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(await p.query(`select id, amount, toTypeName(amount) t from {schema}.unioned order by amount`)).toEqual([
      { id: '0', amount: 0, t: 'Float64' },
      { id: '9', amount: 0.5, t: 'Float64' },
      { id: '1', amount: 10, t: 'Float64' },
    ]);
    expect(await p.query(`select top_amount, total, n from {schema}.via_cte`)).toEqual([{ top_amount: 10, total: 12.25, n: '3' }]);
  });
  it('a UNION inside a subquery (FROM, IN, and inside a CTE body) or with parenthesised branches is common-typed too', async () => {
    const p = dbtProject({
      models: {
        'amounts.sql': `select toInt64(number) as id, toInt64(number * 10) as amount from numbers(2)`,
        'from_sub.sql': `{{ config(materialized='table') }}
select s.id, s.amount, s.amount * 2 as doubled
from (
  select id, amount from {{ ref('amounts') }}
  union all
  select 9, 0.5
) as s
order by s.amount`,
        'cte_sub.sql': `{{ config(materialized='table') }}
with base as (select id, amount from {{ ref('amounts') }}),
totals as (
  select max(amount) as top_amount, sum(amount) as total
  from (select amount from base union all select toFloat64(2.25)) as u
)
select top_amount, total from totals`,
        'paren.sql': `{{ config(materialized='table') }}
(select id, amount from {{ ref('amounts') }})
union all
(select 7, 0.75)`,
        'in_sub.sql': `{{ config(materialized='table') }}
select id from {{ ref('amounts') }}
where amount in (select amount from {{ ref('amounts') }} union all select 0.5)
order by id`,
      },
    });
    const run = await p.dbt(['run']);
    expect(Object.fromEntries(run.results.map((r) => [r.unique_id.split('.').pop(), r.status]))).toEqual({ amounts: 'success', cte_sub: 'success', from_sub: 'success', in_sub: 'success', paren: 'success' });
    expect(await p.query(`select id, amount, toTypeName(amount) t from {schema}.paren order by amount`)).toEqual([
      { id: '0', amount: 0, t: 'Float64' },
      { id: '7', amount: 0.75, t: 'Float64' },
      { id: '1', amount: 10, t: 'Float64' },
    ]);
    expect(await p.query(`select id, amount, doubled, toTypeName(amount) t from {schema}.from_sub order by amount`)).toEqual([
      { id: '0', amount: 0, doubled: 0, t: 'Float64' },
      { id: '9', amount: 0.5, doubled: 1, t: 'Float64' },
      { id: '1', amount: 10, doubled: 20, t: 'Float64' },
    ]);
    // Float64 (dbt's supertype), Nullable as an aggregate without GROUP BY is (NULL over no rows: empty-aggregates.ts)
    expect(await p.query(`select top_amount, total, toTypeName(total) t from {schema}.cte_sub`)).toEqual([{ top_amount: 10, total: 12.25, t: 'Nullable(Float64)' }]);
    expect(await p.query(`select id from {schema}.in_sub order by id`)).toEqual([{ id: '0' }, { id: '1' }]);
  });

  it("a VIEW reading its CTE as a table is common-typed too (its CREATE sends the CTE renamed: dbt_utils' test_url_path)", async () => {
    const p = dbtProject({
      models: {
        'url_path.sql': `with data as (select 'a/b?c' as url union all select 'abc' as url)
select url, coalesce(nullif(position(url, '/'), 0), position(url, '?') - 1) as split_at from data`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success']);
    expect(await p.query(`select url, split_at, toTypeName(split_at) t from {schema}.url_path order by url`)).toEqual([
      { url: 'a/b?c', split_at: '2', t: 'Int64' },
      { url: 'abc', split_at: '-1', t: 'Int64' },
    ]);
  });
});

describe("a model's unit test runs its SQL as its build does (common types, rounding CASTs)", () => {
  it('a unit test of a model with coalesce(Int64, 0.5) and a numeric CAST passes with dbt\'s values', async () => {
    const p = dbtProject({
      models: {
        'src.sql': `select toInt64(number) as id, if(number = 1, NULL, toInt64(number * 10)) as qty, toFloat64(number) + 0.29 as price from numbers(2)`,
        'priced.sql': `select id, coalesce(qty, 0.5) as qty_or_half, cast(price as numeric(10, 2)) as price_2 from {{ ref('src') }}`,
        'unit.yml': `
unit_tests:
  - name: test_priced
    model: priced
    given:
      - input: ref('src')
        rows:
          - {id: 1, qty: null, price: 0.29}
          - {id: 2, qty: 7, price: 1.005}
    expect:
      rows:
        - {id: 1, qty_or_half: 0.5, price_2: 0.29}
        - {id: 2, qty_or_half: 7, price_2: 1.01}
`,
      },
    });
    await p.dbt(['run']);
    const test = await p.dbt(['test', '--select', 'test_type:unit']);
    expect(test.results.map((r) => [r.status, r.message])).toEqual([['pass', null]]);
  });
});
