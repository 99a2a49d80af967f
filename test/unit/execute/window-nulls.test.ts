import { describe, expect, it } from 'vitest';
import { nullableWindowShifts, withNullWindowShifts } from '../../../packages/core/src/execute/dbt-semantics/window-nulls.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

describe("lag/lead give NULL past the partition's edge under dbt_semantics", () => {
  it('wraps the first argument of a lag/lead window call', () => {
    expect(nullableWindowShifts('select lag(value_field) over (order by s) as l from t')).toBe('select lag(arrayElementOrNull([value_field], 1)) over (order by s) as l from t');
    expect(nullableWindowShifts('select LEAD( a + f(b, c) , 2 )\n  OVER w from t')).toBe('select LEAD( arrayElementOrNull([a + f(b, c)], 1) , 2 )\n  OVER w from t');
    expect(nullableWindowShifts('select lag(x) over (partition by g order by s), lead(y) over (order by s) from t')).toBe(
      'select lag(arrayElementOrNull([x], 1)) over (partition by g order by s), lead(arrayElementOrNull([y], 1)) over (order by s) from t',
    );
  });

  it('wraps nth_value, and first_value/last_value over a frame wholly before or after the current row', () => {
    expect(nullableWindowShifts('select nth_value(x, 2) over (order by s), first_value(y) RESPECT NULLS over (order by s rows between 1 following and 1 following) from t')).toBe(
      'select nth_value(arrayElementOrNull([x], 1), 2) over (order by s), first_value(arrayElementOrNull([y], 1)) RESPECT NULLS over (order by s rows between 1 following and 1 following) from t',
    );
    expect(nullableWindowShifts('select last_value(y) over (order by s rows between unbounded preceding and 1 preceding) from t')).toBe(
      'select last_value(arrayElementOrNull([y], 1)) over (order by s rows between unbounded preceding and 1 preceding) from t',
    );
    for (const sql of [
      'select first_value(y) over (order by s), last_value(y) over (order by s rows between unbounded preceding and unbounded following) from t',
      'select first_value(y) over (order by s rows between 1 preceding and 1 following), last_value(y) over w from t',
      'select last_value(toNullable(y)) IGNORE NULLS OVER (order by s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) from t',
    ])
      expect(nullableWindowShifts(sql)).toBe(sql);
  });

  it('a model whose only window call is nth_value gets it too (its row 1 was 0, not NULL)', () => {
    const model = { resourceType: 'model', config: {} } as unknown as ManifestNode;
    expect(withNullWindowShifts(model, 'select nth_value(x, 2) over (order by s) from t')).toBe('select nth_value(arrayElementOrNull([x], 1), 2) over (order by s) from t');
  });

  it('keeps a comment ending the argument outside the wrapping, and string arguments in it', () => {
    expect(nullableWindowShifts("select lag(x -- the value\n) over (order by s), lead('a') over (order by s) from t")).toBe(
      "select lag(arrayElementOrNull([x], 1) -- the value\n) over (order by s), lead(arrayElementOrNull(['a'], 1)) over (order by s) from t",
    );
    const done = 'select lag(arrayElementOrNull([x], 1)) over (order by s), lead(toNullable(y)) over (order by s) from t';
    expect(nullableWindowShifts(done)).toBe(done);
  });

  it('leaves calls with a default, the InFrame functions, other names, strings and comments alone', () => {
    for (const sql of [
      'select lag(x, 1, 0) over (order by s) from t',
      'select lagInFrame(x) over (order by s) from t',
      "select 'lag(x) over ()' as s, `lag(x) over` from t -- lag(y) over ()",
      'select t.lag(x) from t',
      'select lag(x) from t',
      'select flag(x) over (order by s) from t',
      'select 1 # lag(x) over (order by s)\n from t',
      'select $$lag(x) over (order by s)$$ as s from t',
    ])
      expect(nullableWindowShifts(sql)).toBe(sql);
  });
});

describe('first_value/last_value respect NULLs under dbt_semantics', () => {
  it('adds RESPECT NULLS to window calls without a null treatment only', async () => {
    const { windowValuesRespectingNulls } = await import('../../../packages/core/src/execute/dbt-semantics/window-nulls.js');
    expect(windowValuesRespectingNulls('select first_value(x) over (order by i), LAST_VALUE(f(x, y))\n over w from t')).toBe(
      'select first_value(x) RESPECT NULLS over (order by i), LAST_VALUE(f(x, y)) RESPECT NULLS\n over w from t',
    );
    for (const sql of [
      'select first_value(x) ignore nulls over (order by i) from t',
      'select last_value(x) RESPECT NULLS over (order by i) from t',
      'select first_value(x) from t',
      "select 'first_value(x) over ()' from t",
    ])
      expect(windowValuesRespectingNulls(sql)).toBe(sql);
  });
});
