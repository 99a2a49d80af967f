import { describe, expect, it } from 'vitest';
import { withAlwaysEqualJoinKeys } from '../../../packages/core/src/execute/dbt-semantics/outer-join-keys.js';

describe('an outer join whose ON has no equality gets an always-equal key (execute/dbt-semantics/outer-join-keys.ts)', () => {
  it('adds ignore(left) = ignore(right) around a range-only LEFT / RIGHT / FULL join condition', () => {
    expect(withAlwaysEqualJoinKeys('select e.id, s.tag from events e left join spans as s on e.at >= s.starts and e.at < s.ends where e.id > 0')).toBe(
      'select e.id, s.tag from events e left join spans as s on ignore(e.at) = ignore(s.starts) AND (e.at >= s.starts and e.at < s.ends) where e.id > 0',
    );
    expect(withAlwaysEqualJoinKeys("select * from a full outer join `db`.`b` b on a.x between b.lo and b.hi and b.kind != 'x=1'\nleft join c on c.k >= a.x")).toBe(
      "select * from a full outer join `db`.`b` b on ignore(a.x) = ignore(b.lo) AND (a.x between b.lo and b.hi and b.kind != 'x=1')\nleft join c on ignore(a.x) = ignore(c.k) AND (c.k >= a.x)",
    );
    // in a subquery, with a parenthesised condition and a function named like a join kind
    expect(withAlwaysEqualJoinKeys('select * from (select * from a global right join b on (left(a.s, 2) > b.p)) t')).toBe(
      'select * from (select * from a global right join b on ignore(a.s) = ignore(b.p) AND ((left(a.s, 2) > b.p))) t',
    );
  });

  it('leaves joins ClickHouse can key alone: an equality, INNER/CROSS/ASOF joins, USING, a subquery in the ON, sides it cannot tell apart', () => {
    for (const sql of [
      'select * from a left join b on a.id = b.id and a.x >= b.lo',
      'select * from a join b on a.x >= b.lo',
      'select * from a inner join b on a.x >= b.lo',
      'select * from a cross join b',
      'select * from a left asof join b on a.k = b.k and a.t >= b.t',
      'select * from a left join b using (id)',
      'select * from a left join b on a.x >= (select min(lo) from c)',
      'select * from a left join (select 1 lo) on x >= lo',
      'select * from a left join b on b.flag',
    ])
      expect(withAlwaysEqualJoinKeys(sql)).toBe(sql);
  });
});
