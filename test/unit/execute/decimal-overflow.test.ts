import { describe, expect, it } from 'vitest';
import { aggregateSites, arithmeticProbeSql, arithmeticSites } from '../../../packages/core/src/execute/dbt-semantics/decimal-overflow.js';

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
});
