import { describe, expect, it } from 'vitest';
import { aggregateSites, arithmeticProbeSql, arithmeticSites, checkedDecimalSql } from '../../../packages/core/src/execute/dbt-semantics/decimal-overflow.js';

const sites = (sql: string) => arithmeticSites(sql).map((s) => [sql.slice(s.left.start, s.left.end), s.op, sql.slice(s.right.start, s.right.end)]);

describe('binary * and / sites (execute/dbt-semantics/decimal-overflow.ts)', () => {
  it('finds operands: names, numbers, literals, calls with OVER, casts, CASE, a chain to the left', () => {
    expect(sites('select a * b * c, x + t.y / 2, -p * -q from t')).toEqual([
      ['a', '*', 'b'],
      ['a * b', '*', 'c'],
      ['t.y', '/', '2'],
      ['p', '*', '-q'],
    ]);
    expect(sites("select sum(x) over (partition by k) * x::numeric(10, 2), 'a*b' * (c + d), case when e then 1 else 2 end / f[1] from t")).toEqual([
      ['sum(x) over (partition by k)', '*', 'x::numeric(10, 2)'],
      ["'a*b'", '*', '(c + d)'],
      ['case when e then 1 else 2 end', '/', 'f[1]'],
    ]);
  });

  it('leaves select *, t.*, count(*), comments and literals alone', () => {
    expect(sites("select *, t.* except (a), count(*), count(distinct *) /* a * b */ -- c / d\n, 'e * f' from t")).toEqual([]);
  });

  it('probes each site and both operands, nested in order', () => {
    const sql = 'select a * b * c';
    expect(arithmeticProbeSql(sql, arithmeticSites(sql))).toBe(
      "select tupleElement(tuple(tupleElement(tuple(tupleElement(tuple(tupleElement(tuple(a, toFixedString('', 7014)), 1) * tupleElement(tuple(b, toFixedString('', 7015)), 1), toFixedString('', 7013)), 1), toFixedString('', 7013)), 1) * tupleElement(tuple(c, toFixedString('', 7018)), 1), toFixedString('', 7016)), 1)",
    );
  });

  it('finds sum/avg value arguments, OVER kept with the call; not sum(DISTINCT …) nor a two-argument sum', () => {
    const sql = "select sum(a * b) over (partition by k), sumIf(c, d > 0), avgOrNull(e), SUM(distinct f), sum(g, h), t.sum(i), summary(j) from t";
    expect(aggregateSites(sql).map((s) => [sql.slice(s.start, s.end), s.fn, sql.slice(s.arg.start, s.arg.end)])).toEqual([
      ['sum(a * b) over (partition by k)', 'sum', 'a * b'],
      ['sumIf(c, d > 0)', 'sum', 'c'],
      ['avgOrNull(e)', 'avg', 'e'],
    ]);
  });

  it("a Decimal128 product or quotient uses Decimal256's own operator where it cannot wrap (multiplyDecimal/divideDecimal are ~50-100x slower), else those", () => {
    // The probe's types: the site, its left and its right operand (markers 7013, 7014, 7015).
    const dump = (result: string, left: string, right: string) => () =>
      [result, left, right].map((t, k) => `  result_type: Tuple(${t}, FixedString(${7013 + k}))`).join('\n');
    const checked = (sql: string, ...types: [string, string, string]) => checkedDecimalSql(sql, dump(...types));
    expect(checked('select a * b from t', 'Decimal(38, 20)', 'Decimal(38, 10)', 'Nullable(Decimal(38, 10))')).toBe('select toDecimal128(toDecimal256(a, 10) * toDecimal256(b, 10), 20) from t');
    expect(checked('select a / b from t', 'Decimal(38, 10)', 'Decimal(38, 10)', 'Decimal(38, 4)')).toBe('select toDecimal128(toDecimal256(a, 10) / toDecimal256(b, 4), 10) from t');
    // An integer dividend at the quotient's scale (the divisor's).
    expect(checked('select 7 / b from t', 'Decimal(38, 10)', 'UInt8', 'Decimal(38, 10)')).toBe('select toDecimal128(toDecimal256(7, 10) / toDecimal256(b, 10), 10) from t');
    // Its dividend scaled up could pass 256 bits (Int128 at scale 20, times 10^20); a divisor of a larger scale (ClickHouse refuses it); a Decimal256 result.
    expect(checked('select i / b from t', 'Decimal(38, 20)', 'Int128', 'Decimal(38, 20)')).toBe('select toDecimal128(divideDecimal(toDecimal256(i, 0), toDecimal256(b, 20), 20), 20) from t');
    expect(checked('select a / b from t', 'Decimal(38, 2)', 'Decimal(38, 2)', 'Decimal(38, 6)')).toBe('select toDecimal128(divideDecimal(toDecimal256(a, 2), toDecimal256(b, 6), 2), 2) from t');
    expect(checked('select a * b from t', 'Decimal(76, 20)', 'Decimal(76, 10)', 'Decimal(38, 10)')).toBe('select multiplyDecimal(toDecimal256(a, 10), toDecimal256(b, 10), 20) from t');
  });

  it('a Decimal256 sum/avg runs as written, DECIMAL_OVERFLOW past 76 digits (sum) or where its Int256 could pass 2^255', () => {
    // The probe's types: the aggregate and its argument (markers 7013, 7014; then 7015, 7016).
    const dump = (...types: string[]) => () => types.map((t, k) => `  result_type: Tuple(${t}, FixedString(${7013 + k}))`).join('\n');
    const sql = 'select sumOrNull(v) over (partition by k), avgIf(v, k > 0) from t';
    const out = checkedDecimalSql(sql, dump('Nullable(Decimal(76, 10))', 'Decimal(76, 10)', 'Float64', 'Decimal(76, 10)'));
    expect(out).toContain(
      'select (sumOrNull(v) over (partition by k) + throwIf(abs(toFloat64(sumOrNull(v) over (partition by k))) >= 1e66 OR countOrNull(v) over (partition by k) * greatest(abs(toFloat64(maxOrNull(v) over (partition by k))), abs(toFloat64(minOrNull(v) over (partition by k)))) >= 5.78960446186581e+76 / 1e10, ',
    );
    expect(out).toContain('(avgIf(v, k > 0) + throwIf(countIf(v, k > 0) * greatest(abs(toFloat64(maxIf(v, k > 0))), abs(toFloat64(minIf(v, k > 0)))) >= 5.78960446186581e+76 / 1e10, ');
    expect(out.match(/DECIMAL_OVERFLOW/g)).toHaveLength(2);
    // Not for a Decimal128 argument (summed over Decimal256 instead) nor a Float.
    expect(checkedDecimalSql('select sum(v) from t', dump('Float64', 'Float64'))).toBe('select sum(v) from t');
  });
});
