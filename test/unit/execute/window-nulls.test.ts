import { describe, expect, it } from 'vitest';
import { nullableWindowShifts } from '../../../packages/core/src/execute/dbt-semantics/window-nulls.js';

describe("lag/lead give NULL past the partition's edge under dbt_semantics", () => {
  it('wraps the first argument of a lag/lead window call', () => {
    expect(nullableWindowShifts('select lag(value_field) over (order by s) as l from t')).toBe('select lag(toNullable(value_field)) over (order by s) as l from t');
    expect(nullableWindowShifts('select LEAD( a + f(b, c) , 2 )\n  OVER w from t')).toBe('select LEAD( toNullable(a + f(b, c)) , 2 )\n  OVER w from t');
    expect(nullableWindowShifts('select lag(x) over (partition by g order by s), lead(y) over (order by s) from t')).toBe(
      'select lag(toNullable(x)) over (partition by g order by s), lead(toNullable(y)) over (order by s) from t',
    );
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
