import { describe, expect, it } from 'vitest';
import { aliasJoinedColumns } from '../../../packages/core/src/execute/dbt-semantics/join-column-names.js';

describe("a joined SELECT's qualified columns get dbt's names (`t.col` → col) under dbt_semantics", () => {
  it('aliases bare qualified items of every SELECT that joins, CTEs and subqueries included', () => {
    expect(aliasJoinedColumns('select invoice.invoice_id, max(l.amount) as amount from l join invoice on invoice.id = l.invoice_id group by 1')).toBe(
      'select invoice.invoice_id AS `invoice_id`, max(l.amount) as amount from l join invoice on invoice.id = l.invoice_id group by 1',
    );
    expect(aliasJoinedColumns('with a as (select x.v, y.w from x left join y on x.k = y.k) select a.v from a')).toBe(
      'with a as (select x.v AS `v`, y.w AS `w` from x left join y on x.k = y.k) select a.v from a',
    );
    expect(aliasJoinedColumns('select `t`.`c1`, "s"."c2" -- note\n, db.s.c3 /* c */ from db.t as t, s')).toBe(
      'select `t`.`c1` AS `c1`, "s"."c2" AS `c2` -- note\n, db.s.c3 AS `c3` /* c */ from db.t as t, s',
    );
    expect(aliasJoinedColumns('select distinct t.a, s.b from t join s on 1 union all select s.a, t.b from s join t on 1')).toBe(
      'select distinct t.a AS `a`, s.b AS `b` from t join s on 1 union all select s.a AS `a`, t.b AS `b` from s join t on 1',
    );
  });

  it('leaves SELECTs without a join, with a star, names two items would share, expressions and text in strings alone', () => {
    for (const sql of [
      'select t.a, t.b from t where t.a > 0',
      'select t.*, s.b from t join s on t.k = s.k',
      'select *, s.b from t join s on t.k = s.k',
      "select 'x.y, z.w from a join b' as s from t",
      'select price_plan.amount * coalesce(s.q, 1) as amount, lower(s.c) from s join price_plan on 1',
    ])
      expect(aliasJoinedColumns(sql)).toBe(sql);
    // Two `id`s: neither can be `id`; `name` is already an item's name.
    expect(aliasJoinedColumns('select a.id, b.id, a.name, upper(b.x) as name, b.y from a join b on a.k = b.k')).toBe(
      'select a.id, b.id, a.name, upper(b.x) as name, b.y AS `y` from a join b on a.k = b.k',
    );
  });
});
