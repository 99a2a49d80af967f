import { describe, expect, it } from 'vitest';
import { aliasSelfJoins } from '../../../packages/core/src/execute/dbt-semantics/self-join-aliases.js';

describe('self-join aliases (dbt_semantics)', () => {
  it('names a bare relation its FROM also joins under an alias', () => {
    expect(aliasSelfJoins('select t.*, p.id from t left join t as p on t.parent_id = p.id')).toBe('select t.*, p.id from t AS t left join t as p on t.parent_id = p.id');
    expect(aliasSelfJoins('select a.* from `db`.`t` final join `db`.`t` p using (id)')).toBe('select a.* from `db`.`t` AS `t` final join `db`.`t` p using (id)');
  });

  it('leaves other FROMs as written: no self-join, every reference aliased, subqueries, table functions, strings', () => {
    for (const sql of [
      'select * from a left join b on a.id = b.id',
      'select * from t as x join t as y on x.id = y.id',
      'select * from t join (select * from t) as p on t.id = p.id',
      'select * from numbers(3) join numbers(3) as n using number',
      "select 'from t join t as p' as s from u",
    ]) expect(aliasSelfJoins(sql)).toBe(sql);
  });

  it('works inside CTEs and subqueries, each SELECT on its own', () => {
    const sql = 'with j as (select tx.* from tx left join tx as parent on tx.p = parent.id) select * from (select * from j join j as k on j.a = k.a)';
    expect(aliasSelfJoins(sql)).toBe('with j as (select tx.* from tx AS tx left join tx as parent on tx.p = parent.id) select * from (select * from j AS j join j as k on j.a = k.a)');
  });
});
