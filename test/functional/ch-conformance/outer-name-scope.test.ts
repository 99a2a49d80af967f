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
});
