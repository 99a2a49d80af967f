import { describe, expect, it } from 'vitest';
import { joinOnSubqueriesToWhere } from '../../../packages/core/src/execute/dbt-semantics/join-on-subqueries.js';

describe("an inner join's ON conditions reading a subquery move to the WHERE (execute/dbt-semantics/join-on-subqueries.ts)", () => {
  it('moves them, keeping the other conditions, comments and literals as written', () => {
    expect(
      joinOnSubqueriesToWhere(`select c.id, o.id from customers as c
inner join orders as o
    on c.id = o.customer_id
    and o.at = (
        -- the first order
        select min(o2.at) from orders as o2 where o2.customer_id = c.id
    )
inner join items as i on o.id = i.order_id
order by 1`),
    ).toBe(`select c.id, o.id from customers as c
inner join orders as o
    on c.id = o.customer_id
inner join items as i on o.id = i.order_id
WHERE (o.at = (
        -- the first order
        select min(o2.at) from orders as o2 where o2.customer_id = c.id
    ))
order by 1`);
    // an existing WHERE, a plain JOIN, BETWEEN's AND, a literal, a later LEFT join
    expect(
      joinOnSubqueriesToWhere("select * from a join b on a.k = b.k and b.at = (select max(at) from b b2 where b2.k = a.k) and b.n between 1 and 2 and b.s = 'and' left join c on c.k = a.k where a.x > 0 group by 1"),
    ).toBe("select * from a join b on a.k = b.k AND b.n between 1 and 2 AND b.s = 'and' left join c on c.k = a.k where (a.x > 0) AND (b.at = (select max(at) from b b2 where b2.k = a.k)) group by 1");
    // in a CTE, the subquery first
    expect(joinOnSubqueriesToWhere('with f as (select * from a inner join b on b.v in (select v from c where c.k = a.k) and a.k = b.k) select * from f')).toBe(
      'with f as (select * from a inner join b on a.k = b.k\nWHERE (b.v in (select v from c where c.k = a.k))) select * from f',
    );
  });

  it('leaves an ON alone where the filter would not be the same: outer and ANY joins, a later RIGHT/FULL join, an OR, nothing left, PREWHERE', () => {
    for (const sql of [
      'select * from a left join b on a.k = b.k and b.at = (select max(at) from b b2 where b2.k = a.k)',
      'select * from a any inner join b on a.k = b.k and b.at = (select max(at) from b b2 where b2.k = a.k)',
      'select * from a join b on a.k = b.k and b.at = (select max(at) from b b2 where b2.k = a.k) full join c on c.k = a.k',
      'select * from a join b on a.k = b.k or b.at = (select max(at) from b b2 where b2.k = a.k)',
      'select * from a join b on b.at = (select max(at) from b b2 where b2.k = a.k)',
      'select * from a join b on a.k = b.k and b.at = (select max(at) from b b2 where b2.k = a.k) prewhere a.x > 0',
      'select * from a join b on a.k = b.k and a.x in (1, 2)',
      'select * from a join b on a.k = b.k and b.at = (select max(at) from b b2 where b2.k = a.k), c where c.k = a.k',
      'select * from a join (select k from b) as s on a.k = s.k',
    ])
      expect(joinOnSubqueriesToWhere(sql)).toBe(sql);
  });
});
