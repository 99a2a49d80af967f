import { describe, expect, it } from 'vitest';
import { withNullTreatmentAfterCall } from '../../../packages/core/src/execute/dbt-semantics/null-treatment.js';

describe('IGNORE/RESPECT NULLS inside a call moves after it (execute/dbt-semantics/null-treatment.ts)', () => {
  it('moves it for first_value, last_value, any_value and array_agg ignore nulls', () => {
    expect(withNullTreatmentAfterCall('select last_value(user_id ignore nulls) over (partition by a order by t) as u from e')).toBe(
      'select last_value(user_id) IGNORE NULLS over (partition by a order by t) as u from e',
    );
    expect(withNullTreatmentAfterCall("select FIRST_VALUE(coalesce(x, 'ignore nulls')  RESPECT NULLS ) over w, any_value(y ignore nulls), array_agg(z IGNORE\n NULLS) from t")).toBe(
      "select FIRST_VALUE(coalesce(x, 'ignore nulls')) RESPECT NULLS over w, any_value(y) IGNORE NULLS, array_agg(z) IGNORE NULLS from t",
    );
    // nested
    expect(withNullTreatmentAfterCall('select last_value(coalesce(a, first_value(b ignore nulls) over w) ignore nulls) over w from t')).toBe(
      'select last_value(coalesce(a, first_value(b) IGNORE NULLS over w)) IGNORE NULLS over w from t',
    );
  });

  it('leaves nth_value/lag/lead (ClickHouse would not apply it), array_agg respect nulls, comments and strings alone', () => {
    for (const sql of [
      'select nth_value(x, 2 ignore nulls) over w from t',
      'select lag(x ignore nulls) over w from t',
      'select array_agg(x respect nulls) from t',
      "select 'last_value(x ignore nulls)' as s from t -- first_value(y ignore nulls)",
      'select last_value(x) ignore nulls over w from t',
    ])
      expect(withNullTreatmentAfterCall(sql)).toBe(sql);
  });
});
