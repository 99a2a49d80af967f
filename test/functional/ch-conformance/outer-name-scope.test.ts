import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A subquery's `FROM t AS s` hides the name `t`: standard SQL reads a `t.col` inside it from the
 * enclosing query; ClickHouse 26.7 reads the inner, renamed `t` — a correlated count compares each
 * row with itself, a NOT EXISTS keeps nothing or everything (hub-16: automate-dv's multi-active
 * satellite re-inserted every row on each incremental run). Under dbt_semantics tsdbt gives the
 * standard answer (execute/dbt-semantics/outer-name-scope.ts); `dbt_semantics: false` keeps ClickHouse's.
 */
const T = `select toInt32(number + 1) as k from numbers(2)`;
const COUNTS = (semantics = '') => `{{ config(materialized='table'${semantics}) }}
select t.k, (select count() from {{ ref('t') }} as s where s.k = t.k) as c from {{ ref('t') }} as t`;

describe("a subquery's `FROM t AS s` hides t (dbt_semantics)", () => {
  it('a correlated subquery over the same relation under another name reads the outer row', async () => {
    const p = dbtProject({
      models: {
        't.sql': T,
        'counts.sql': COUNTS(),
        'ch_counts.sql': COUNTS(', dbt_semantics=false'),
        'newer.sql': `with t as (select k from {{ ref('t') }})
select k from t where not exists (select 1 from t as later where later.k > t.k)`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.filter((r) => r.status !== 'success')).toEqual([]);
    expect(await p.query(`select k, c from {schema}.counts order by k`)).toEqual([{ k: 1, c: '1' }, { k: 2, c: '1' }]);
    // ClickHouse's own reading: each inner row matched with itself
    expect(await p.query(`select k, c from {schema}.ch_counts order by k`)).toEqual([{ k: 1, c: '2' }, { k: 2, c: '2' }]);
    expect(await p.query(`select k from {schema}.newer order by k`)).toEqual([{ k: 2 }]);
  });

  it("keeps the inner item's FINAL and its MATERIALIZED / ALIAS columns (ReplacingMergeTree sources)", async () => {
    const p = dbtProject({
      projectConfig: `on-run-start:
  - "create database if not exists {{ target.schema }}"
  - "create table if not exists {{ target.schema }}.events (k Int32, v Int32, m Int32 MATERIALIZED v * 10, a Int32 ALIAS v * 2) engine = ReplacingMergeTree order by k"
  - "insert into {{ target.schema }}.events (k, v) values (1, 1), (2, 2), (3, 3)"
`,
      models: {
        'sources.yml': `version: 2
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: events
`,
        // later rows of the same table read FINAL, by their MATERIALIZED and ALIAS columns
        'later.sql': `{{ config(materialized='table') }}
select events.k, (select count() from {{ source('raw', 'events') }} as s final where s.m > events.m and s.a > events.a) as n
from {{ source('raw', 'events') }}`,
        // a virtual column read through the alias ("cannot be resolved" from `(SELECT * FROM …) AS s`, which leaves it out)
        'parts.sql': `{{ config(materialized='table') }}
select events.k, (select count() from {{ source('raw', 'events') }} as s where s.k > events.k and s._part != '' and s._part_offset >= 0) as n
from {{ source('raw', 'events') }}`,
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results.filter((r) => r.status !== 'success')).toEqual([]);
    // ClickHouse's own reading (s.m > s.m) would count 0 everywhere; without the modifier and columns moved, FINAL / s.m fail
    expect(await p.query(`select k, n from {schema}.later order by k`)).toEqual([
      { k: 1, n: '2' },
      { k: 2, n: '1' },
      { k: 3, n: '0' },
    ]);
    expect(await p.query(`select k, n from {schema}.parts order by k`)).toEqual([
      { k: 1, n: '2' },
      { k: 2, n: '1' },
      { k: 3, n: '0' },
    ]);
  });
});
