import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A correlated subquery reading an outer Nullable column: ClickHouse 26.7 joins the decorrelated subquery
 * back on the outer columns with `=`, so a row whose column is NULL gets the empty answer (EXISTS 0, a
 * scalar NULL) — ClickHouse issues 90138/112576. Postgres evaluates the subquery for that row. Under
 * dbt_semantics tsdbt carries each outer column in as a one-tuple (execute/dbt-semantics/outer-column-keys.ts);
 * `dbt_semantics: false` keeps ClickHouse's answer.
 */
const T1 = `select toInt32(k) as k, x from values('k Int32, x Nullable(Int32)', (3, NULL), (4, 7), (5, NULL))`;
const T2 = `select toInt32(k) as k from values('k Int32', 3, 4)`;
const FLAGS = (semantics = '') => `{{ config(materialized='table'${semantics}) }}
select t1.k,
  exists(select 1 from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null) as e,
  (select max(coalesce(t1.x, -1)) from {{ ref('t2') }} t2 where t2.k = t1.k) as m,
  (select count(*) from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null) as c
from {{ ref('t1') }} t1`;

describe('a correlated subquery reads an outer NULL as NULL (dbt_semantics)', () => {
  it("EXISTS, NOT EXISTS, a scalar subquery and a correlated IN give Postgres' answer for a row whose outer column is NULL", async () => {
    const p = dbtProject({
      models: {
        't1.sql': T1,
        't2.sql': T2,
        'flags.sql': FLAGS(),
        'ch_flags.sql': FLAGS(', dbt_semantics=false'),
        'nulls_with_t2.sql': `select t1.k from {{ ref('t1') }} t1 where exists (select 1 from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null)`,
        'others.sql': `{{ config(materialized='table') }}
select t1.k from {{ ref('t1') }} t1 where not exists (select 1 from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null)`,
        // a correlated IN whose subquery starts with WITH (ClickHouse: NOT_IMPLEMENTED as an IN argument)
        'in_with.sql': `{{ config(materialized='table') }}
select t1.k from {{ ref('t1') }} t1 where t1.k in (with s as (select t2.k from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null) select s.k from s)`,
        'in_unset.sql': `{{ config(materialized='table') }}
select t1.k from {{ ref('t1') }} t1 where t1.k in (select t2.k from {{ ref('t2') }} t2 where coalesce(t1.x, 0) = 0)`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.filter((r) => r.status !== 'success')).toEqual([]);
    expect(await p.query('select k, e, m, c from {schema}.flags order by k')).toEqual([
      { k: 3, e: 1, m: -1, c: '1' },
      { k: 4, e: 0, m: 7, c: '0' },
      { k: 5, e: 0, m: null, c: '0' },
    ]);
    expect(await p.query('select k from {schema}.nulls_with_t2 order by k')).toEqual([{ k: 3 }]);
    expect(await p.query('select k from {schema}.others order by k')).toEqual([{ k: 4 }, { k: 5 }]);
    expect(await p.query('select k from {schema}.in_unset order by k')).toEqual([{ k: 3 }]);
    expect(await p.query('select k from {schema}.in_with order by k')).toEqual([{ k: 3 }]);
    // ClickHouse's own answer: the NULL row matched nothing
    expect(await p.query('select k, e, m from {schema}.ch_flags order by k')).toEqual([
      { k: 3, e: 0, m: null },
      { k: 4, e: 0, m: 7 },
      { k: 5, e: 0, m: null },
    ]);
  });

  it('a SELECT-list subquery of a filtered, joined or grouped SELECT gives the same answers (the item names the carried column)', async () => {
    // Before: left as written — 26.7 failed (NOT_IMPLEMENTED "can't find correlated column") or, the column also
    // selected, answered ClickHouse's way silently (the NULL row's EXISTS 0, max NULL).
    const V = `select toInt32(k) as k, toInt32(w) as w from values('k Int32, w Int32', (3, 10), (4, 20), (5, 30))`;
    const filtered = (semantics = '') => `{{ config(materialized='table'${semantics}) }}
select t1.k, t1.x,
  exists(select 1 from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null) as e,
  (select max(coalesce(t1.x, -1)) from {{ ref('t2') }} t2 where t2.k = t1.k) as m,
  (select count(*) from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null) as c
from {{ ref('t1') }} t1
where t1.k >= 3 and (t1.x is null or t1.x > 0)`;
    const joined = `{{ config(materialized='table') }}
select t1.k, v.w, (select max(coalesce(t1.x, -1)) from {{ ref('t2') }} t2 where t2.k = t1.k) as m
from {{ ref('t1') }} t1 join {{ ref('v') }} v on v.k = t1.k
where v.w < 30 and exists (select 1 from {{ ref('t2') }} t2 where t2.k = t1.k)
qualify m is not null`;
    const grouped = `{{ config(materialized='table') }}
select t1.x, count(*) as n, (select count(*) from {{ ref('t2') }} t2 where coalesce(t1.x, 0) = 0) as z
from {{ ref('t1') }} t1 where t1.k > 0 group by t1.x having count(*) > 0`;
    const p = dbtProject({ models: { 't1.sql': T1, 't2.sql': T2, 'v.sql': V, 'filtered.sql': filtered(), 'ch_filtered.sql': filtered(', dbt_semantics=false'), 'joined.sql': joined, 'grouped.sql': grouped } });
    const run = await p.dbt(['run']);
    expect(run.results.filter((r) => r.status !== 'success')).toEqual([]);
    expect(await p.query('select k, x, e, m, c from {schema}.filtered order by k')).toEqual([
      { k: 3, x: null, e: 1, m: -1, c: '1' },
      { k: 4, x: 7, e: 0, m: 7, c: '0' },
      { k: 5, x: null, e: 0, m: null, c: '0' },
    ]);
    expect(await p.query('select k, e, m from {schema}.ch_filtered order by k')).toEqual([
      { k: 3, e: 0, m: null },
      { k: 4, e: 0, m: 7 },
      { k: 5, e: 0, m: null },
    ]);
    expect(await p.query('select k, w, m from {schema}.joined order by k')).toEqual([
      { k: 3, w: 10, m: -1 },
      { k: 4, w: 20, m: 7 },
    ]);
    expect(await p.query('select x, n, z from {schema}.grouped order by x nulls first')).toEqual([
      { x: null, n: '2', z: '2' },
      { x: 7, n: '1', z: '0' },
    ]);
  });

  it('outer rows sharing a value get the answer for their own row, not multiplied by how many share it', async () => {
    // Before: 26.7 aggregated the subquery per carried key over the outer rows as they came — two rows with k = 3
    // counted every matching t2 row twice (c 2, s 6, ge 4), as plain ClickHouse does for a non-equality (ch_dups' ge).
    const dups = (semantics = '') => `{{ config(materialized='table'${semantics}) }}
select d.id, d.k,
  (select count(*) from {{ ref('t2') }} t2 where t2.k = d.k) as c,
  (select sum(t2.k) from {{ ref('t2') }} t2 where t2.k = d.k) as s,
  (select count(*) from {{ ref('t2') }} t2 where t2.k >= d.k) as ge
from (select toInt32(number) as id, toInt32(if(number < 2, 3, 4)) as k from numbers(3)) d
where d.id >= 0`;
    const p = dbtProject({ models: { 't2.sql': T2, 'dups.sql': dups(), 'ch_dups.sql': dups(', dbt_semantics=false') } });
    const run = await p.dbt(['run']);
    expect(run.results.filter((r) => r.status !== 'success')).toEqual([]);
    expect(await p.query('select id, k, c, s, ge from {schema}.dups order by id')).toEqual([
      { id: 0, k: 3, c: '1', s: '3', ge: '2' },
      { id: 1, k: 3, c: '1', s: '3', ge: '2' },
      { id: 2, k: 4, c: '1', s: '4', ge: '1' },
    ]);
    // ClickHouse's own answer for the non-equality: the two rows with k = 3 count each t2 row twice
    expect(await p.query('select id, ge from {schema}.ch_dups order by id')).toEqual([
      { id: 0, ge: '4' },
      { id: 1, ge: '4' },
      { id: 2, ge: '1' },
    ]);
  });

  it('a correlated subquery in QUALIFY or HAVING reads an outer NULL as NULL (was ClickHouse\'s: no row)', async () => {
    const T1D = `select toInt32(k) as k, x from values('k Int32, x Nullable(Int32)', (3, NULL), (4, 7), (5, NULL), (3, NULL))`;
    const having = (semantics = '') => `{{ config(materialized='table'${semantics}) }}
select t1.k, count(*) as n from {{ ref('t1') }} t1 where t1.k > 0 group by t1.k, t1.x
having (select count(*) from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null) > 0`;
    const qualify = `{{ config(materialized='table') }}
select t1.k, t1.x from {{ ref('t1') }} t1 where t1.k > 0
qualify (select count(*) from {{ ref('t2') }} t2 where t2.k = t1.k and t1.x is null) > 0`;
    const p = dbtProject({ models: { 't1.sql': T1D, 't2.sql': T2, 'having.sql': having(), 'ch_having.sql': having(', dbt_semantics=false'), 'qualify.sql': qualify } });
    const run = await p.dbt(['run']);
    expect(run.results.filter((r) => r.status !== 'success')).toEqual([]);
    expect(await p.query('select k, n from {schema}.having order by k')).toEqual([{ k: 3, n: '2' }]);
    expect(await p.query('select k, n from {schema}.ch_having order by k')).toEqual([]);
    expect(await p.query('select k, x from {schema}.qualify order by k')).toEqual([
      { k: 3, x: null },
      { k: 3, x: null },
    ]);
  });

  it("keeps dbt's answer when the profile turns correlated_subqueries_use_in_memory_buffer off (a table; a view as tsdbt's tests read it)", async () => {
    // The carried key holds a UUID per row: read twice (the setting at 0), the two sides' keys differ (NOT_IMPLEMENTED
    // "Cannot clone ReadFromStorage plan step", or the empty answer for every row). The node's statements now carry the
    // setting at 1; a view's stored SETTINGS do not reach the decorrelation, so tsdbt's tests carry it too.
    const dups = (m: string) => `{{ config(materialized='${m}') }}
select d.id, (select count(*) from {{ ref('t2') }} t2 where t2.k = d.k) as c, (select sum(t2.k) from {{ ref('t2') }} t2 where t2.k >= d.k) as s
from (select toInt32(number) as id, toInt32(if(number < 2, 3, 4)) as k from numbers(3)) d`;
    const wrong = (m: string) => `select * from {{ ref('${m}') }} where (id, c, s) not in ((0, 1, 7), (1, 1, 7), (2, 1, 4)) or (select count() from {{ ref('${m}') }}) != 3`;
    const p = dbtProject({
      models: { 't2.sql': T2, 'dups.sql': dups('table'), 'dups_view.sql': dups('view') },
      tests: { 'dups_right.sql': wrong('dups'), 'dups_view_right.sql': wrong('dups_view') },
    });
    const profiles = readFileSync(join(p.dir, 'profiles.yml'), 'utf8');
    p.write({ 'profiles.yml': profiles.replace(/threads: 4\n/, 'threads: 4\n      settings:\n        correlated_subqueries_use_in_memory_buffer: 0\n') });
    const build = await p.dbt(['build'], { expectPass: null });
    expect(build.results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.unique_id}: ${r.message}`)).toEqual([]);
    expect(await p.query('select id, c, s from {schema}.dups order by id settings correlated_subqueries_use_in_memory_buffer = 1')).toEqual([
      { id: 0, c: '1', s: '7' },
      { id: 1, c: '1', s: '7' },
      { id: 2, c: '1', s: '4' },
    ]);
  });
});
