import { describe, expect, it } from 'vitest';
import { outerColumnKeys } from '../../../packages/core/src/execute/dbt-semantics/outer-column-keys.js';

describe('dbt_semantics: a correlated subquery reads outer columns through one-tuples (outer-column-keys.ts)', () => {
  it("carries each qualified outer column in through an ARRAY JOIN of the SELECT that names it", () => {
    expect(outerColumnKeys('select k, exists(select 1 from t2 where t2.k = t1.k and t1.x is null) from t1 order by k')).toBe(
      'select k, exists(select 1 from t2 where t2.k = tupleElement(__tsdbt_outer_1, 1) and tupleElement(__tsdbt_outer_2, 1) is null) from t1  ARRAY JOIN [tuple(t1.k)] AS __tsdbt_outer_1, [tuple(t1.x)] AS __tsdbt_outer_2 order by k',
    );
    // the same column twice is carried once; an alias, a quoted name; a derived table inside the subquery sees the outer query
    expect(outerColumnKeys('select (select max(a.x) from u where u.k = a.k and u.j = "a"."x") from db.t as a join v on v.k = a.k order by a.k')).toBe(
      'select (select max(tupleElement(__tsdbt_outer_1, 1)) from u where u.k = tupleElement(__tsdbt_outer_2, 1) and u.j = tupleElement(__tsdbt_outer_1, 1)) from db.t as a join v on v.k = a.k  ARRAY JOIN [tuple(a.x)] AS __tsdbt_outer_1, [tuple(a.k)] AS __tsdbt_outer_2 order by a.k',
    );
    expect(outerColumnKeys('select k from t1 where exists (select 1 from (select * from t2 where t2.k = t1.k) s)')).toBe(
      'select k from t1  ARRAY JOIN [tuple(t1.k)] AS __tsdbt_outer_1 where exists (select 1 from (select * from t2 where t2.k = tupleElement(__tsdbt_outer_1, 1)) s)',
    );
    // a filtered SELECT: its WHERE's subqueries are carried, its SELECT list's left as written
    expect(outerColumnKeys('select c.id, exists (select 1 from o where o.c = c.id) as s from c where not exists (select 1 from r where r.c = c.id)')).toBe(
      'select c.id, exists (select 1 from o where o.c = c.id) as s from c  ARRAY JOIN [tuple(c.id)] AS __tsdbt_outer_1 where not exists (select 1 from r where r.c = tupleElement(__tsdbt_outer_1, 1))',
    );
    // GROUP BY: a subquery in WHERE is carried (before grouping)
    expect(outerColumnKeys('select a.k, count() from t a where exists (select 1 from u where u.k = a.k) group by a.k')).toBe(
      'select a.k, count() from t a  ARRAY JOIN [tuple(a.k)] AS __tsdbt_outer_1 where exists (select 1 from u where u.k = tupleElement(__tsdbt_outer_1, 1)) group by a.k',
    );
  });

  it('leaves SQL alone where nothing is read from an enclosing SELECT, or carrying it would not run', () => {
    for (const sql of [
      'select t.k from t',
      'select k from t where k in (select s.k from s where s.j = 1)',
      'with c as (select t.k from t) select c.k from c',
      'select * from (select t.k from t) as d join t2 on t2.k = d.k',
      // a grouping key read in the SELECT list; the SELECT list of a filtered SELECT (ClickHouse loses the carried column)
      'select a.k, (select count() from u where u.k = a.k) from t a group by a.k',
      'select a.k, (select count() from u where u.k = a.k) from t a where a.k > 1',
      // two levels out: ClickHouse cannot read it either way
      'select k from t1 where exists (select 1 from t2 where exists (select 1 from t3 where t3.k = t1.k))',
      // in a literal, a comment, a function of a database, a subcolumn
      "select (select 't1.x' from u where u.k = 1 /* t1.x */) from t1",
      'select (select db.f(u.k) from u) from t1',
      'select (select t1.tup.a from u) from t1',
    ])
      expect(outerColumnKeys(sql), sql).toBe(sql);
  });
});
