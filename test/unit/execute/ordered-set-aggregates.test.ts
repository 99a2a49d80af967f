// execute/dbt-semantics/ordered-set-aggregates.ts: SQL's `percentile_cont(p) within group (order by x)` as ClickHouse's
// quantileExactInclusive (the same linear interpolation, R-7).
import { describe, expect, it } from 'vitest';
import { withOrderedSetAggregates } from '../../../packages/core/src/execute/dbt-semantics/ordered-set-aggregates.js';

describe('withOrderedSetAggregates', () => {
  it('rewrites percentile_cont … within group (order by …), desc as the 1 - p percentile, an OVER kept', () => {
    expect(withOrderedSetAggregates('select round(percentile_cont(0.5) within group (order by coalesce(a, 0)), 2) as m from t')).toBe(
      'select round(quantileExactInclusive(0.5)(toNullable(toFloat64(coalesce(a, 0)))), 2) as m from t',
    );
    expect(withOrderedSetAggregates('select PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY x DESC) over (partition by k) from t')).toBe(
      'select quantileExactInclusive(1 - (0.25))(toNullable(toFloat64(x))) over (partition by k) from t',
    );
  });

  it('leaves percentile_disc, several sort keys, text in strings and other SQL alone', () => {
    for (const sql of [
      'select percentile_disc(0.5) within group (order by x) over () from t',
      'select percentile_cont(0.5) within group (order by x, y) from t',
      "select 'percentile_cont(0.5) within group (order by x)' as s",
      'select quantile(0.5)(x) from t',
    ])
      expect(withOrderedSetAggregates(sql)).toBe(sql);
  });
});

describe('ordered string and array aggregates', () => {
  it("rewrites string_agg/array_agg with an ORDER BY in their arguments, listagg (WITHIN GROUP or not), and leaves ClickHouse's own forms alone", () => {
    expect(withOrderedSetAggregates("select string_agg(name, ', ' order by name desc) from t")).toBe(
      "select if(countIf((name) IS NOT NULL) = 0, NULL, arrayStringConcat(arrayMap(t -> t.1, arrayReverseSort(t -> t.2, groupArrayIf(tuple(name, name), (name) IS NOT NULL))), ', ')) from t",
    );
    expect(withOrderedSetAggregates('select array_agg(id order by ts) from t')).toBe('select arrayMap(t -> t.1, arraySort(t -> t.2, groupArray(tuple(id, ts)))) from t');
    expect(withOrderedSetAggregates("select listagg(distinct c, '|') within group (order by c) from t")).toBe(
      "select if(countIf((c) IS NOT NULL) = 0, NULL, arrayStringConcat(arraySort(groupUniqArrayIf(c, (c) IS NOT NULL)), '|')) from t",
    );
    expect(withOrderedSetAggregates("select string_agg(distinct x, ',') from t")).toBe(
      "select if(countIf((x) IS NOT NULL) = 0, NULL, arrayStringConcat(groupUniqArrayIf(x, (x) IS NOT NULL), ',')) from t",
    );
    for (const sql of ["select string_agg(x, ',') from t", 'select array_agg(x) from t', "select string_agg(x, ',' order by a, b) from t"]) expect(withOrderedSetAggregates(sql)).toBe(sql);
  });
});
