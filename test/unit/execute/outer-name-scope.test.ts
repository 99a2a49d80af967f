import { describe, expect, it } from 'vitest';
import { outerNameScope } from '../../../packages/core/src/execute/dbt-semantics/outer-name-scope.js';

describe("dbt_semantics: a subquery's `FROM t AS s` hides `t` (outer-name-scope.ts)", () => {
  it('reads `t.col` inside it from the enclosing query, as standard SQL does', () => {
    expect(outerNameScope('with t as (select 1 as k) select t.k, (select count() from t as s where s.k = t.k) as c from t')).toBe(
      'with t as (select 1 as k) select t.k, (select count() from (SELECT * FROM t) as s where s.k = t.k) as c from t',
    );
    // automate-dv's multi-active satellite: NOT EXISTS over the same CTE under another name (alias without AS).
    expect(outerNameScope('select * from src_cte where not exists (select 1 from src_cte stage where src_cte.pk = stage.pk)')).toBe(
      'select * from src_cte where not exists (select 1 from (SELECT * FROM src_cte) stage where src_cte.pk = stage.pk)',
    );
    expect(outerNameScope('select a.x from db.t join u as a on 1 where exists (select 1 from db.t as i where i.y = t.y)')).toBe(
      'select a.x from db.t join u as a on 1 where exists (select 1 from (SELECT * FROM db.t) as i where i.y = t.y)',
    );
  });

  it('leaves SQL alone where `t` is not visible outside, the subquery does not write `t.`, or it is a derived table', () => {
    for (const sql of [
      'select (select count() from t as s where s.k = 1) from u',
      'select t.k, (select count() from t as s where s.k = 2) from t',
      'select t.k, (select count() from t as t where t.k = 2) from t',
      'select * from (select t.k from t as s) as d, t',
      'select k from t where k in (select s.k from t as s)',
      'select * from src_cte as stage where not exists (select 1 from src_cte s2 where src_cte.pk = s2.pk)',
      "select 't.k', (select 1 from t as s where s.x = 'a') from t",
    ])
      expect(outerNameScope(sql), sql).toBe(sql);
  });

  it("moves the item's FINAL / SAMPLE inside with it and, asked, keeps MATERIALIZED / ALIAS columns in its *", () => {
    expect(outerNameScope('select t.k, (select count() from db.t as s FINAL where s.k > t.k) from db.t')).toBe(
      'select t.k, (select count() from (SELECT * FROM db.t FINAL) as s where s.k > t.k) from db.t',
    );
    expect(outerNameScope('select t.k, (select count() from t `s` sample 1/10 offset 1/2 where s.k > t.k) from t')).toBe(
      'select t.k, (select count() from (SELECT * FROM t sample 1/10 offset 1/2) `s` where s.k > t.k) from t',
    );
    expect(outerNameScope('select t.k, (select count() from t as s final sample 0.1 where s.m > t.m) from t', { allColumns: true })).toBe(
      'select t.k, (select count() from (SELECT * FROM t final sample 0.1 SETTINGS asterisk_include_materialized_columns = 1, asterisk_include_alias_columns = 1) as s where s.m > t.m) from t',
    );
  });

  it('lists the virtual columns the subquery reads through the alias (or bare, from its only FROM item) after the *, which leaves them out', () => {
    expect(outerNameScope("select t.k, (select count() from t as s where s.k = t.k and s._part != t._part) from t")).toBe(
      "select t.k, (select count() from (SELECT *, _part FROM t) as s where s.k = t.k and s._part != t._part) from t",
    );
    expect(outerNameScope('select t.k, (select max(_part_offset) from db.t s where s.k = t.k and `s`._partition_id = \'x\') from db.t')).toBe(
      "select t.k, (select max(_part_offset) from (SELECT *, _part_offset, _partition_id FROM db.t) s where s.k = t.k and `s`._partition_id = 'x') from db.t",
    );
    // Bare in a join: the other item's; another qualifier's, a function, a user's own _name: not listed.
    expect(outerNameScope('select t.k, (select count() from t as s join u on u.k = s.k where s.k = t.k and _part = u._part and _x = 1 and _table() = 1) from t')).toBe(
      'select t.k, (select count() from (SELECT * FROM t) as s join u on u.k = s.k where s.k = t.k and _part = u._part and _x = 1 and _table() = 1) from t',
    );
  });
});
