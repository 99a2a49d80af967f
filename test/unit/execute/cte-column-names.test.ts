// execute/dbt-semantics/cte-column-names.ts: which CTEs join and read a `t.*` (their columns need a DESCRIBE), and the query
// that describes one with the CTEs in its scope.
import { describe, expect, it } from 'vitest';
import { joinedStarCteStep } from '../../../packages/core/src/execute/dbt-semantics/cte-column-names.js';

const flat = (s: string | undefined) => s?.replace(/\s+/g, ' ').trim();

describe('joinedStarCteStep', () => {
  it('finds a top-level CTE that joins and reads a qualified star, described with the CTEs before it', () => {
    const sql = 'with a as (select 1 as id), `b` as (select 1 as id), j as (select a.*, b.id as bid from a join b on a.id = b.id) select id from j';
    const step = joinedStarCteStep(sql, 0)!;
    expect(flat(step.body)).toBe('select a.*, b.id as bid from a join b on a.id = b.id');
    expect(flat(step.describeSql)).toBe('with a as (select 1 as id), `b` as (select 1 as id) SELECT * FROM ( select a.*, b.id as bid from a join b on a.id = b.id )');
    expect(flat(step.rewrite('SELECT `a.id` AS id, bid FROM (x)'))).toBe('with a as (select 1 as id), `b` as (select 1 as id), j as ( SELECT `a.id` AS id, bid FROM (x) ) select id from j');
    expect(joinedStarCteStep(sql, 1)).toBeUndefined();
  });

  it('describes a CTE nested in another (an inlined ephemeral) inside the chain of WITH lists that can see it', () => {
    const sql = 'with __dbt__cte__e as (with x as (select 1 as id), y as (select x.* from x join z on x.id = z.id) select * from y) select * from __dbt__cte__e';
    const step = joinedStarCteStep(sql, 0)!;
    expect(flat(step.describeSql)).toBe('SELECT * FROM ( with x as (select 1 as id) SELECT * FROM ( select x.* from x join z on x.id = z.id ) )');
  });

  it('orders nested CTEs innermost first and leaves out what is not a CTE that joins with a star', () => {
    const sql = "with 5 as n, outer_cte as (with inner_cte as (select t.* from t join u using (id)) select inner_cte.* from inner_cte join v using (id)), plain as (select * from a join b using (id)), s as (select '.*' from a join b using (id)) select 1";
    expect(flat(joinedStarCteStep(sql, 0)!.body)).toBe('select t.* from t join u using (id)');
    expect(flat(joinedStarCteStep(sql, 1)!.body)).toMatch(/^with inner_cte as .* select inner_cte\.\* from inner_cte join v using \(id\)$/);
    expect(joinedStarCteStep(sql, 2)).toBeUndefined();
  });

  it('skips a CTE inside a FROM subquery (its scope cannot be rebuilt from WITH lists)', () => {
    expect(joinedStarCteStep('select * from (with j as (select a.* from a join b using (id)) select * from j)', 0)).toBeUndefined();
  });
});
