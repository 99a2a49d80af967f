import { describe, expect, it } from 'vitest';
import { nullEmptyAggregates, zeroEmptyCounts } from '../../../packages/core/src/execute/dbt-semantics/empty-aggregates.js';

describe('aggregates over no rows are NULL (execute/dbt-semantics/empty-aggregates.ts)', () => {
  it('uses -OrNull for aliased aggregates of a SELECT without GROUP BY and in scalar subqueries', () => {
    expect(nullEmptyAggregates('select max(ts) as latest, round(avg(x), 2) avg_x, count(*) as n from t where 0')).toBe(
      'select maxOrNull(ts) as latest, round(avgOrNull(x), 2) avg_x, count(*) as n from t where 0',
    );
    expect(nullEmptyAggregates('select * from s where ts > (select max(ts) from t)')).toBe('select * from s where ts > (select maxOrNull(ts) from t)');
    expect(nullEmptyAggregates('select SUM(distinct x) filter (where x > 1) as s from t')).toBe('select SUMOrNull(distinct x) filter (where x > 1) as s from t');
    // grouped: only a FILTER can leave an aggregate without rows
    expect(nullEmptyAggregates('select k, avg(x) filter (where x > 1) as a, max(x) as m, count(*) filter (where x > 1) as c from t group by k')).toBe(
      'select k, avgOrNull(x) filter (where x > 1) as a, max(x) as m, count(*) filter (where x > 1) as c from t group by k',
    );
  });

  it('leaves GROUP BY selects, window calls, unaliased top-level items, FROM subqueries and names in literals alone', () => {
    for (const sql of [
      'select k, max(x) as m from t group by k',
      'select max(x) over (partition by k) as m from t',
      'select sum(x) filter (where x > 0) over () as m from t',
      'select max(x) from t',
      'select * from (select max(x) from t)',
      "select 'max(x)' as m, t.max(x) as q from t",
    ])
      expect(nullEmptyAggregates(sql)).toBe(sql);
    // the outer aggregate is its own; the grouped inner one is left
    expect(nullEmptyAggregates('select max(n) as top from (select k, count(*) as n, max(x) as mx from t group by k)')).toBe(
      'select maxOrNull(n) as top from (select k, count(*) as n, max(x) as mx from t group by k)',
    );
  });
});

describe('empty-aggregates only where the server has -OrNull (the 18.x line has not)', () => {
  it('rewrites after probeOrNullCombinator said yes for that adapter; not for an unknown or older one', async () => {
    const { probeOrNullCombinator, withNullEmptyAggregates } = await import('../../../packages/core/src/execute/dbt-semantics/empty-aggregates.js');
    const node = { resourceType: 'model', config: {} } as never;
    const sql = 'select max(x) as m from t';
    const modern = { hasSetting: async () => true };
    const old = { hasSetting: async () => false };
    expect(withNullEmptyAggregates(node, sql, modern)).toBe(sql); // not asked yet
    await probeOrNullCombinator(modern);
    await probeOrNullCombinator(old);
    expect(withNullEmptyAggregates(node, sql, modern)).toBe('select maxOrNull(x) as m from t');
    expect(withNullEmptyAggregates(node, sql, old)).toBe(sql);
  });

  it('a scalar subquery counting reads toNullable(coalesce((…), 0)) (its type as written); not a derived table, a grouped or limited count, nor count(*) + 1', () => {
    expect(zeroEmptyCounts('select (select count(*) from o where o.c = t.id) as n, (select countIf(x > 1) big from o) from t where (select count() from o) > 0')).toBe(
      'select toNullable(coalesce((select count(*) from o where o.c = t.id), 0)) as n, toNullable(coalesce((select countIf(x > 1) big from o), 0)) from t where toNullable(coalesce((select count() from o), 0)) > 0',
    );
    const left = 'select * from a, (select count(*) from b) as t where a.x = (select count(*) from c group by k) and a.y = (select count(*) + 1 from d) and a.z = (select count(*) from e limit 1)';
    expect(zeroEmptyCounts(left)).toBe(left);
  });
});
