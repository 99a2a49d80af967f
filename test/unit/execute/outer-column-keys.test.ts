import { describe, expect, it } from 'vitest';
import { outerColumnKeys } from '../../../packages/core/src/execute/dbt-semantics/outer-column-keys.js';

describe('dbt_semantics: a correlated subquery reads outer columns through one-tuples (outer-column-keys.ts)', () => {
  it("carries each qualified outer column in through an ARRAY JOIN of the SELECT that names it", () => {
    expect(outerColumnKeys('select k, exists(select 1 from t2 where t2.k = t1.k and t1.x is null) from t1 order by k')).toBe(
      'select k, exists(select 1 from t2 where t2.k = tupleElement(__tsdbt_outer_1, 1) and tupleElement(__tsdbt_outer_2, 1) is null) from t1  ARRAY JOIN [tuple(t1.k, generateUUIDv4())] AS __tsdbt_outer_1, [tuple(t1.x, generateUUIDv4())] AS __tsdbt_outer_2 order by k',
    );
    // the same column twice is carried once; an alias, a quoted name; a derived table inside the subquery sees the outer query
    expect(outerColumnKeys('select (select max(a.x) from u where u.k = a.k and u.j = "a"."x") from db.t as a join v on v.k = a.k order by a.k')).toBe(
      'select (select max(tupleElement(__tsdbt_outer_1, 1)) from u where u.k = tupleElement(__tsdbt_outer_2, 1) and u.j = tupleElement(__tsdbt_outer_1, 1)) from db.t as a join v on v.k = a.k  ARRAY JOIN [tuple(a.x, generateUUIDv4())] AS __tsdbt_outer_1, [tuple(a.k, generateUUIDv4())] AS __tsdbt_outer_2 order by a.k',
    );
    expect(outerColumnKeys('select k from t1 where exists (select 1 from (select * from t2 where t2.k = t1.k) s)')).toBe(
      'select k from t1  ARRAY JOIN [tuple(t1.k, generateUUIDv4())] AS __tsdbt_outer_1 where exists (select 1 from (select * from t2 where t2.k = tupleElement(__tsdbt_outer_1, 1)) s)',
    );
    // a filtered SELECT: its WHERE's subqueries are carried, its SELECT list's too, the item naming the carried column
    expect(outerColumnKeys('select c.id, exists (select 1 from o where o.c = c.id) as s from c where not exists (select 1 from r where r.c = c.id)')).toBe(
      'select c.id, tupleElement((__tsdbt_outer_1, exists (select 1 from o where o.c = tupleElement(__tsdbt_outer_1, 1))), -1) as s from c  ARRAY JOIN [tuple(c.id, generateUUIDv4())] AS __tsdbt_outer_1 where not exists (select 1 from r where r.c = tupleElement(__tsdbt_outer_1, 1))',
    );
    // GROUP BY: a subquery in WHERE is carried (before grouping)
    expect(outerColumnKeys('select a.k, count() from t a where exists (select 1 from u where u.k = a.k) group by a.k')).toBe(
      'select a.k, count() from t a  ARRAY JOIN [tuple(a.k, generateUUIDv4())] AS __tsdbt_outer_1 where exists (select 1 from u where u.k = tupleElement(__tsdbt_outer_1, 1)) group by a.k',
    );
  });

  it("carries a SELECT-list subquery of a filtered, joined or grouped SELECT, the item naming the carried columns", () => {
    expect(outerColumnKeys('select t1.k, (select max(coalesce(t1.x, -1)) from t2 where t2.k = t1.k) as m from db.t1 where t1.k > 0 order by t1.k')).toBe(
      'select t1.k, tupleElement((__tsdbt_outer_1, __tsdbt_outer_2, (select max(coalesce(tupleElement(__tsdbt_outer_1, 1), -1)) from t2 where t2.k = tupleElement(__tsdbt_outer_2, 1))), -1) as m from db.t1  ARRAY JOIN [tuple(t1.x, generateUUIDv4())] AS __tsdbt_outer_1, [tuple(t1.k, generateUUIDv4())] AS __tsdbt_outer_2 where t1.k > 0 order by t1.k',
    );
    // DISTINCT, an alias without AS, PREWHERE
    expect(outerColumnKeys('select distinct a.k, exists (select 1 from u where u.k = a.k and a.x is null) e from t as a final prewhere a.k > 0 where a.x is null or a.k > 1')).toBe(
      'select distinct a.k, tupleElement((__tsdbt_outer_1, __tsdbt_outer_2, exists (select 1 from u where u.k = tupleElement(__tsdbt_outer_1, 1) and tupleElement(__tsdbt_outer_2, 1) is null)), -1) e from t as a final  ARRAY JOIN [tuple(a.k, generateUUIDv4())] AS __tsdbt_outer_1, [tuple(a.x, generateUUIDv4())] AS __tsdbt_outer_2 prewhere a.k > 0 where a.x is null or a.k > 1',
    );
    // a join; a WHERE naming an alias of the SELECT list (the WHERE stays where it is)
    expect(outerColumnKeys('select a.k, (select count() from u where u.k = a.k) from t a join v on v.k = a.k where a.k > 1')).toBe(
      'select a.k, tupleElement((__tsdbt_outer_1, (select count() from u where u.k = tupleElement(__tsdbt_outer_1, 1))), -1) from t a join v on v.k = a.k  ARRAY JOIN [tuple(a.k, generateUUIDv4())] AS __tsdbt_outer_1 where a.k > 1',
    );
    expect(outerColumnKeys('select a.k * 2 as kk, (select count() from u where u.k = a.k) from t a where kk > 1')).toBe(
      'select a.k * 2 as kk, tupleElement((__tsdbt_outer_1, (select count() from u where u.k = tupleElement(__tsdbt_outer_1, 1))), -1) from t a  ARRAY JOIN [tuple(a.k, generateUUIDv4())] AS __tsdbt_outer_1 where kk > 1',
    );
    // a grouping key: the carried column joins the GROUP BY list (before WITH TOTALS); HAVING
    expect(outerColumnKeys('select a.g, count() c, (select count() from u where coalesce(a.g, 0) = u.k) as m from t4 a where a.v > 1 group by a.g with totals having count() > 1')).toBe(
      'select a.g, count() c, tupleElement((__tsdbt_outer_1, (select count() from u where coalesce(tupleElement(__tsdbt_outer_1, 1), 0) = u.k)), -1) as m from t4 a  ARRAY JOIN [tuple(a.g)] AS __tsdbt_outer_1 where a.v > 1 group by a.g, __tsdbt_outer_1 with totals having count() > 1',
    );
    // a grouping key's column is one per group (no UUID); the same column read by a WHERE subquery, one per row
    expect(outerColumnKeys('select a.g, (select count() from u where u.k = a.g) as m from t a where exists (select 1 from w where w.k = a.g) group by a.g')).toBe(
      'select a.g, tupleElement((__tsdbt_outer_1, (select count() from u where u.k = tupleElement(__tsdbt_outer_1, 1))), -1) as m from t a  ARRAY JOIN [tuple(a.g)] AS __tsdbt_outer_1, [tuple(a.g, generateUUIDv4())] AS __tsdbt_outer_2 where exists (select 1 from w where w.k = tupleElement(__tsdbt_outer_2, 1)) group by a.g, __tsdbt_outer_1',
    );
    // QUALIFY's subquery reads the carried column too (one per row; nothing to pin: the filter reads it)
    expect(outerColumnKeys('select a.k, (select count() from u where u.k = a.k) from t a qualify (select count() from u where u.k = a.k) > 1')).toBe(
      'select a.k, tupleElement((__tsdbt_outer_1, (select count() from u where u.k = tupleElement(__tsdbt_outer_1, 1))), -1) from t a  ARRAY JOIN [tuple(a.k, generateUUIDv4())] AS __tsdbt_outer_1 qualify (select count() from u where u.k = tupleElement(__tsdbt_outer_1, 1)) > 1',
    );
    // HAVING's (and a grouped QUALIFY's) subquery: a grouping key, one per group, added to the GROUP BY list
    expect(outerColumnKeys('select a.g, count() c from t a where a.v > 1 group by a.g, a.h having (select count() from u where u.k = a.g and a.h is null) > 0')).toBe(
      'select a.g, count() c from t a  ARRAY JOIN [tuple(a.g)] AS __tsdbt_outer_1, [tuple(a.h)] AS __tsdbt_outer_2 where a.v > 1 group by a.g, a.h, __tsdbt_outer_1, __tsdbt_outer_2 having (select count() from u where u.k = tupleElement(__tsdbt_outer_1, 1) and tupleElement(__tsdbt_outer_2, 1) is null) > 0',
    );
    expect(outerColumnKeys('select a.g from t a group by a.g qualify (select count() from u where u.k = a.g) > 0')).toBe(
      'select a.g from t a  ARRAY JOIN [tuple(a.g)] AS __tsdbt_outer_1 group by a.g, __tsdbt_outer_1 qualify (select count() from u where u.k = tupleElement(__tsdbt_outer_1, 1)) > 0',
    );
  });

  it('leaves SQL alone where nothing is read from an enclosing SELECT, or carrying it would not run', () => {
    for (const sql of [
      'select t.k from t',
      'select k from t where k in (select s.k from s where s.j = 1)',
      'with c as (select t.k from t) select c.k from c',
      'select * from (select t.k from t) as d join t2 on t2.k = d.k',
      // not a grouping key (ClickHouse refuses it either way); a key of ROLLUP / GROUP BY ALL (a key added changes the groups)
      'select a.g, (select count() from u where u.k = a.x) from t a group by a.g',
      'select a.g, (select count() from u where u.k = a.g) from t a group by rollup(a.g)',
      'select a.g, (select count() from u where u.k = a.g) from t a group by all',
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
