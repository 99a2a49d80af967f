import { describe, expect, it } from 'vitest';
import { withRoundHalfAway } from '../../../packages/core/src/execute/dbt-semantics/round-half-away.js';

describe('round() of a float tie away from zero (execute/dbt-semantics/round-half-away.ts)', () => {
  it("rounds a float near a tie of its decimal text away from zero and keeps ClickHouse's round otherwise", () => {
    expect(withRoundHalfAway('select round(x, 2) from t')).toBe(
      "select if(toTypeName((x)) LIKE '%Float%' AND abs(toFloat64((x))) * pow(10, 2) < 1e15 AND abs(abs(toFloat64((x))) * pow(10, 2) - floor(abs(toFloat64((x))) * pow(10, 2)) - 0.5) <= 1e-15 * greatest(1, abs(toFloat64((x))) * pow(10, 2)), " +
        "CAST(sign(toFloat64((x))) * (floor(abs(toFloat64((x))) * pow(10, 2)) + 1) / pow(10, 2), toTypeName(round((x), 2))), round((x), 2)) from t",
    );
    // A negative n scales by division (exact for 10^k), the away value by multiplication.
    expect(withRoundHalfAway('select round(n, -1) from t')).toContain('abs(toFloat64((n))) / pow(10, 1)');
    expect(withRoundHalfAway('select round(n, -1) from t')).toContain('+ 1) * pow(10, 1)');
    // …and an integer is rounded in a wider type there (ClickHouse wraps past its range); not for n >= 0, where an integer stays itself.
    expect(withRoundHalfAway('select round(n, -1) from t')).toContain("round(CAST((n), multiIf(match(toTypeName((n)), '\\\\bU?Int(8|16|32)\\\\b'), replaceRegexpOne(toTypeName((n)), '\\\\bU?Int(8|16|32)\\\\b', 'Int64'), ");
    expect(withRoundHalfAway('select round(n, 1) from t')).not.toContain('CAST((n)');
  });

  it('writes an argument that calls a function once, as a lambda argument (toTypeName of an aggregate is no constant)', () => {
    const sql = withRoundHalfAway('select ROUND(avg(x)) from t');
    expect(sql.startsWith("select arrayMap(tsdbt_round_x -> if(toTypeName(tsdbt_round_x) LIKE '%Float%'")).toBe(true);
    expect(sql.endsWith('round(tsdbt_round_x, 0)), [avg(x)])[1] from t')).toBe(true);
    const nested = withRoundHalfAway('select round(round(x, 2) * 3) from t');
    expect(nested.match(/arrayMap/g)).toHaveLength(1);
    expect(nested.endsWith(', [if(toTypeName((x))') || nested.includes(', [if(toTypeName((x))')).toBe(true);
  });

  it('leaves roundBankers, qualified names, strings and comments alone', () => {
    for (const sql of ["select roundBankers(x, 2), t.round(x), 'round(x)' from t -- round(y)"]) expect(withRoundHalfAway(sql)).toBe(sql);
  });
});
