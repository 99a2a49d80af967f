import { describe, expect, it } from 'vitest';
import { withShiftIgnoreNulls } from '../../../packages/core/src/execute/dbt-semantics/shift-ignore-nulls.js';

const w = (sql: string) => withShiftIgnoreNulls(undefined, sql);

describe('lag/lead/nth_value IGNORE NULLS written as ClickHouse applies it (execute/dbt-semantics/shift-ignore-nulls.ts)', () => {
  it('lag/lead with offset 1 become last_value/first_value IGNORE NULLS over the rows before/after', () => {
    expect(w('select lag(x) ignore nulls over (partition by g order by i) as p from t')).toBe(
      'select last_value(arrayElementOrNull([x], 1)) IGNORE NULLS OVER (partition by g order by i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) as p from t',
    );
    expect(w('select LEAD(a + f(b, c), 1 IGNORE NULLS) OVER () from t')).toBe(
      'select first_value(arrayElementOrNull([a + f(b, c)], 1)) IGNORE NULLS OVER (ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) from t',
    );
  });

  it('drops a frame written in a lag/lead window, coalesces a default, takes larger offsets from groupArray', () => {
    expect(w('select lead(x, 1, 0) ignore nulls over (order by i rows between current row and 3 following) from t')).toBe(
      'select coalesce(first_value(arrayElementOrNull([x], 1)) IGNORE NULLS OVER (order by i ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) from t',
    );
    expect(w('select lag(x, 3) ignore nulls over (order by i) from t')).toBe(
      'select arrayElementOrNull(groupArray(x) OVER (order by i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), -3) from t',
    );
    expect(w('select nth_value(x, 2 ignore nulls) over (order by i range between unbounded preceding and current row) from t')).toBe(
      'select arrayElementOrNull(groupArray(x) OVER (order by i range between unbounded preceding and current row), 2) from t',
    );
    expect(w('select nth_value(x, 2) from first ignore nulls over (order by i) from t')).toBe('select arrayElementOrNull(groupArray(x) OVER (order by i), 2) from t');
  });

  it('reads a window named in a WINDOW clause; nested calls; RESPECT NULLS dropped', () => {
    expect(w('select lag(x) ignore nulls over w2 from t window w1 as (order by j), w2 as (partition by g order by i)')).toBe(
      'select last_value(arrayElementOrNull([x], 1)) IGNORE NULLS OVER (partition by g order by i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) from t window w1 as (order by j), w2 as (partition by g order by i)',
    );
    expect(w('select lag(coalesce(y, lead(x) ignore nulls over (order by i))) ignore nulls over (order by i) from t')).toBe(
      'select last_value(arrayElementOrNull([coalesce(y, first_value(arrayElementOrNull([x], 1)) IGNORE NULLS OVER (order by i ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING))], 1)) IGNORE NULLS OVER (order by i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) from t',
    );
    expect(w('select lag(x respect nulls) over w, lead(x) respect nulls over w, nth_value(x, 2) RESPECT NULLS over w from t')).toBe(
      'select lag(x) over w, lead(x) over w, nth_value(x, 2) over w from t',
    );
  });

  it('leaves other calls, strings and comments alone', () => {
    for (const sql of [
      'select lag(x) over (order by i) from t',
      "select 'lag(x) ignore nulls over (order by i)' as s from t -- lead(y) ignore nulls over ()",
      'select t.lag(x) ignore nulls from t',
      'select flag(x) ignore nulls over (order by i) from t',
      'select last_value(x) ignore nulls over (order by i) from t',
    ])
      expect(w(sql)).toBe(sql);
  });

  it('fails with a clear error for what it cannot write', () => {
    expect(() => w('select lag(x) ignore nulls over missing from t')).toThrow(/IGNORE NULLS OVER missing \(a window defined by name\)/);
    expect(() => w('select lag(x, n) ignore nulls over (order by i) from t')).toThrow(/lag\(…, n\) IGNORE NULLS/);
    expect(() => w('select nth_value(x, 2) from last ignore nulls over (order by i) from t')).toThrow(/FROM LAST/);
  });
});
