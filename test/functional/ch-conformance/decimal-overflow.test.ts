import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A Decimal128/256 product or quotient too big for its type (execute/dbt-semantics/decimal-overflow.ts):
 * dbt's warehouses refuse it (Snowflake "Number out of representable range", BigQuery "numeric overflow",
 * Redshift "Numeric data overflow"); ClickHouse wraps it silently (ClickHouse#38223). Under dbt_semantics
 * (default on) the model fails with DECIMAL_OVERFLOW and writes nothing; where nothing overflows the
 * values and types are ClickHouse's own; `dbt_semantics: false` keeps ClickHouse's answer.
 */
const PRICES = `{{ config(materialized='table') }}
select toDecimal128('123456.78', 10) as price, toDecimal128('1000', 10) as qty, toDecimal128('1.5', 10) as rate,
  toDecimal128('9000000000000000000000000000', 10) as big, toDecimal128('0.001', 10) as milli, toDecimal256('1e60', 10) as huge`;

describe('Decimal128/256 overflow is an error, as on dbt\'s warehouses (dbt_semantics)', () => {
  it('a product past the type fails the model; ClickHouse wraps it with dbt_semantics off', async () => {
    const p = dbtProject({
      models: {
        'prices.sql': PRICES,
        'wrapped.sql': `{{ config(materialized='table') }}\nselect price * qty * rate as amount from {{ ref('prices') }}`,
        'wrapped_ch.sql': `{{ config(materialized='table', dbt_semantics=false) }}\nselect price * qty * rate as amount from {{ ref('prices') }}`,
        'wrapped_256.sql': `{{ config(materialized='view') }}\nselect huge * huge as squared from {{ ref('prices') }}`,
        'doubled.sql': `{{ config(materialized='table') }}\nselect big * 2 as doubled from {{ ref('prices') }}`,
        'summed.sql': `{{ config(materialized='table') }}\nselect sum(big) as total from {{ ref('prices') }} cross join numbers(2) as n`,
        'summed_window.sql': `{{ config(materialized='table') }}\nselect sum(big) over (order by number) as running from {{ ref('prices') }} cross join numbers(2) as n`,
      },
    });
    const run = await p.dbt(['run'], { expectPass: false });
    const status = Object.fromEntries(run.results.map((r) => [r.unique_id.split('.').at(-1), r.status]));
    expect(status).toEqual({ prices: 'success', wrapped: 'error', wrapped_ch: 'success', wrapped_256: 'success', doubled: 'error', summed: 'error', summed_window: 'error' });
    for (const r of run.results.filter((r) => r.status === 'error')) expect(r.message).toMatch(/DECIMAL_OVERFLOW/);
    // ClickHouse's own answer: wrapped (123456.78 * 1000 * 1.5 = 185185170).
    expect(await p.query(`select toString(amount) a from {schema}.wrapped_ch`)).toEqual([{ a: '-155097196.920938463463374607431768211456' }]);
    // A view is checked when read.
    await expect(p.query(`select toString(squared) s from {schema}.wrapped_256`)).rejects.toThrow(/DECIMAL_OVERFLOW|overflow/i);
    expect(await p.query(`select count() n from system.tables where database = '{schema}' and name in ('wrapped', 'doubled', 'summed', 'summed_window')`)).toEqual([{ n: '0' }]);
  });

  it('where nothing overflows: ClickHouse\'s values and types; a quotient that fits is given (ClickHouse wrapped its scaled-up dividend)', async () => {
    const p = dbtProject({
      models: {
        'prices.sql': PRICES,
        'amounts.sql': AMOUNTS(''),
        'amounts_ch.sql': AMOUNTS(', dbt_semantics=false'),
        'means.sql': MEANS(''),
        'means_ch.sql': MEANS(', dbt_semantics=false'),
      },
    });
    await p.dbt(['run']);
    const rows = await p.query(`select toString(a) sa, toString(b) sb, toString(c) sc, toString(d) sd, toString(e) se, toString(f) sf, toString(g) sg, toString(n) sn, toString(h) sh, toString(small) ss from {schema}.amounts`);
    expect(rows).toEqual([{
      sa: '123456780', sb: '185.18517', sc: '-370370.34', sd: '17636.6828571428', se: '4.6666666666', sf: '-82304520', sg: '6000000000000000000000000000',
      sn: '123456780', sh: '2000000000000000000000000000000000000000000000000000000000000', ss: '2.5',
    }]);
    // ClickHouse's own values, the wrapped quotient g aside.
    const ch = await p.query(`select toString(a) sa, toString(b) sb, toString(c) sc, toString(d) sd, toString(e) se, toString(f) sf, toString(g) sg, toString(n) sn, toString(h) sh, toString(small) ss from {schema}.amounts_ch`);
    expect(ch).toEqual([{ ...rows[0], sg: '794325423307441120.8235807795' }]);
    const types = await p.query(`select name, type from system.columns where database = '{schema}' and table = 'amounts' order by position`);
    expect(types).toEqual(await p.query(`select name, type from system.columns where database = '{schema}' and table = 'amounts_ch' order by position`));
    // avg() of Decimal128s whose sum passes 128 bits: ClickHouse's is wrapped; a sum that fits keeps its type.
    const means = `select toString(mean) m, toString(total) t, toTypeName(total) tt, toString(running) r from {schema}.`;
    expect(await p.query(means + 'means order by r')).toEqual([
      { m: '8.999999999999999e27', t: '246913.56', tt: 'Decimal(38, 10)', r: '123456.78' },
      { m: '8.999999999999999e27', t: '246913.56', tt: 'Decimal(38, 10)', r: '246913.56' },
    ]);
    expect((await p.query(means + 'means_ch order by r')).map((r) => r.m)).toEqual(['-8.014118346046923e27', '-8.014118346046923e27']);
    expect(types.map((t) => `${t.name} ${t.type}`)).toEqual(['a Decimal(38, 20)', 'b Decimal(38, 20)', 'c Decimal(38, 10)', 'd Decimal(38, 10)', 'e Decimal(38, 10)', 'f Decimal(38, 20)', 'g Decimal(38, 10)', 'n Nullable(Decimal(38, 20))', 'h Decimal(76, 10)', 'small Decimal(18, 4)']);
  });

  it('a Decimal256 sum past 76 digits and an avg whose sum passes 2^255 fail (ClickHouse gave a value past the precision, or wrapped it); one that fits keeps its value and type', async () => {
    const rows = `select toDecimal256('9e75', 0) as v, toDecimal256('1.5', 10) as small, number as k from numbers(20)`;
    const p = dbtProject({
      models: {
        'big.sql': `{{ config(materialized='table') }}\n${rows}`,
        'summed.sql': `{{ config(materialized='table') }}\nselect sum(v) as total from {{ ref('big') }} where k < 2`,
        'summed_ch.sql': `{{ config(materialized='table', dbt_semantics=false) }}\nselect sum(v) as total from {{ ref('big') }} where k < 2`,
        'averaged.sql': `{{ config(materialized='table') }}\nselect avg(v) as mean from {{ ref('big') }}`,
        'averaged_ch.sql': `{{ config(materialized='table', dbt_semantics=false) }}\nselect avg(v) as mean from {{ ref('big') }}`,
        'fits.sql': `{{ config(materialized='table') }}\nselect k % 2 as g, sum(small) as s, sumIf(small, k > 9) as si, avg(small) as a, sum(small) over (partition by k % 2) as w from {{ ref('big') }} group by g, k, small`,
        'fits_ch.sql': `{{ config(materialized='table', dbt_semantics=false) }}\nselect k % 2 as g, sum(small) as s, sumIf(small, k > 9) as si, avg(small) as a, sum(small) over (partition by k % 2) as w from {{ ref('big') }} group by g, k, small`,
      },
    });
    const run = await p.dbt(['run'], { expectPass: false });
    const status = Object.fromEntries(run.results.map((r) => [r.unique_id.split('.').at(-1), r.status]));
    expect(status).toEqual({ big: 'success', summed: 'error', summed_ch: 'success', averaged: 'error', averaged_ch: 'success', fits: 'success', fits_ch: 'success' });
    for (const r of run.results.filter((r) => r.status === 'error')) expect(r.message).toMatch(/DECIMAL_OVERFLOW/);
    // ClickHouse's own: 18e75 in a Decimal(76, 0) (77 digits), a mean of 9e75 wrapped negative.
    expect(await p.query(`select toString(total) t from {schema}.summed_ch`)).toEqual([{ t: '18000000000000000000000000000000000000000000000000000000000000000000000000000' }]);
    expect(Number((await p.query<{ m: number }>(`select mean m from {schema}.averaged_ch`))[0]!.m)).toBeLessThan(0);
    const read = (t: string) => p.query(`select g, toString(s) s, toString(si) si, a, toString(w) w from {schema}.${t} order by g, s, si, w`);
    expect(await read('fits')).toEqual(await read('fits_ch'));
    expect((await read('fits')).length).toBe(20);
    const types = (t: string) => p.query(`select name, type from system.columns where database = '{schema}' and table = '${t}' order by position`);
    expect(await types('fits')).toEqual(await types('fits_ch'));
  });

  it('the same text in two scopes keeps each its own type; a product inside sum/avg is checked inside the aggregate', async () => {
    const p = dbtProject({
      models: {
        'scopes.sql': SCOPES(''),
        'scopes_ch.sql': SCOPES(', dbt_semantics=false'),
      },
    });
    await p.dbt(['run']);
    const read = (t: string) => p.query(`select toString(s2) s2, toString(s6) s6, toString(sf) sf, toString(m) m, toString(si) si, toString(ai) ai from {schema}.${t}`);
    // Before: every sum(v) took the first CTE's scale (1.123456 summed as 1.12, the Float's as a Decimal), and
    // avg(a * b) / avgIf(b * 5, …) failed (toDecimal256 given 3 arguments).
    expect(await read('scopes')).toEqual([{ s2: '1.25', s6: '1.123456', sf: '1.5', m: '2.5', si: '6.5', ai: '10' }]);
    expect(await read('scopes_ch')).toEqual(await read('scopes'));
    const types = (t: string) => p.query(`select name, type from system.columns where database = '{schema}' and table = '${t}' order by position`);
    expect(await types('scopes')).toEqual(await types('scopes_ch'));
  });
});

const AMOUNTS = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select price * qty as a, price * rate / qty as b, -price * 3 as c, price / 7 as d, 7 / rate as e, (price * qty) / -rate as f, big / rate as g,
  toNullable(price) * qty as n, huge * 2 as h, toDecimal64('1.25', 2) * toDecimal64('2', 2) as small
from {{ ref('prices') }}`;

const MEANS = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
select avg(big) over () as mean, sum(price) over () as total, sum(price) over (order by number) as running from {{ ref('prices') }} cross join numbers(2) as n`;

const SCOPES = (semantics: string) => `{{ config(materialized='table'${semantics}) }}
with c2 as (select sum(v) s from (select toDecimal128('1.25', 2) as v)),
  c6 as (select sum(v) s from (select toDecimal128('1.123456', 6) as v)),
  cf as (select sum(v) s from (select 1.5 as v)),
  ab as (select toDecimal128('1.25', 2) as a, toDecimal128('2', 10) as b, number as k from numbers(3))
select (select s from c2) as s2, (select s from c6) as s6, (select s from cf) as sf, (select avg(a * b) from ab) as m,
  (select sumIf(b, k > 0) + sumIf(a, k > 0) from ab) as si, (select avgIf(b * 5, k < 2) from ab) as ai`;
