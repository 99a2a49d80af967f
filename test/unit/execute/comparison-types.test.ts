import { describe, expect, it } from 'vitest';
import { comparisonCastEdits, comparisonProbe, comparisonSites, joinsOnEquality, COMPARISON_MARKER_BASE } from '../../../packages/core/src/execute/dbt-semantics/comparison-types.js';
import { applyEdits } from '../../../packages/core/src/shared/text-edits.js';
import { dbtSupertype } from '../../../packages/core/src/execute/dbt-semantics/common-types.js';

const operands = (sql: string) => comparisonSites(sql).map((s) => [sql.slice(s.left.start, s.left.end), sql.slice(s.right.start, s.right.end), s.joinKey]);

/** An EXPLAIN QUERY TREE dump giving each marked operand the type listed (site k: [left, right]). */
const dumpOf = (types: [string, string][]) =>
  types.flatMap(([l, r], k) => [l, r].map((t, s) => `      FUNCTION id: ${k}, function_name: tuple, function_type: ordinary, result_type: Tuple(${t}, FixedString(${COMPARISON_MARKER_BASE + 2 * k + s}))`)).join('\n');

describe("comparisons' operands and join keys (execute/dbt-semantics/comparison-types.ts)", () => {
  it("finds each comparison's operands, up to the words, commas and parentheses around them, and tells join keys", () => {
    expect(operands("select a.x from a left join b on a.id = b.id and toDate(a.d) >= b.lo where a.k != 'x=1' and a.n + 1 < b.m")).toEqual([
      ['a.id', 'b.id', true],
      ['toDate(a.d)', 'b.lo', false],
      ["a.k", "'x=1'", false],
      ['a.n + 1', 'b.m', false],
    ]);
    // a parenthesised ON, OR-ed keys, a join kind ending the condition, a CASE, a lambda, calls named like keywords
    expect(operands('select case when x = 1 then 2 end, arrayFilter(v -> v > 0, arr) from a join b on (a.k = b.k or a.j == b.j) left join c on c.id = left(a.code, 2) where any(x) = 3')).toEqual([
      ['x', '1', false],
      ['v', '0', false],
      ['a.k', 'b.k', true],
      ['a.j', 'b.j', true],
      ['c.id', 'left(a.code, 2)', true],
      ['any(x)', '3', false],
    ]);
    // nothing after SETTINGS; `<=>`, BETWEEN, IN and a CASE operand are not comparisons taken
    expect(operands('select * from t where a <=> b and c between 1 and 2 and d in (1) and e = case when f then 1 end settings join_use_nulls = 1')).toEqual([]);
    // a column named settings or format is no clause
    expect(operands("select settings, format from t where t.d = t.text settings join_use_nulls = 1 format JSON")).toEqual([['t.d', 't.text', false]]);
    expect(joinsOnEquality('select * from a join b on a.id = b.id')).toBe(true);
    expect(joinsOnEquality('select * from a join b on a.id > b.id where a.x = 1')).toBe(false);
    expect(joinsOnEquality('select * from a join b using (id) where a.x = 1')).toBe(false);
  });

  it("casts a join key's operands to dbt's supertype, another comparison's only for a date and a string; the probe marks each operand", () => {
    const sql = "select * from g left join e on g.day = e.day_text and g.id = e.n where g.day < e.until and g.qty = e.amount";
    const sites = comparisonSites(sql);
    expect(comparisonProbe(sql, sites.slice(0, 1))).toBe(
      `select * from g left join e on tupleElement(tuple(g.day, toFixedString('', ${COMPARISON_MARKER_BASE})), 1) = tupleElement(tuple(e.day_text, toFixedString('', ${COMPARISON_MARKER_BASE + 1})), 1) and g.id = e.n where g.day < e.until and g.qty = e.amount`,
    );
    const dump = dumpOf([
      ['DateTime64(3)', 'String'],
      ['Int64', 'UInt64'],
      ['Date', 'Nullable(String)'],
      ['Int64', 'Float64'],
    ]);
    expect(applyEdits(sql, comparisonCastEdits(sites, dump, dbtSupertype))).toBe(
      "select * from g left join e on g.day = CAST(e.day_text, 'DateTime64(3)') and g.id = CAST(e.n, 'Int64') where g.day < CAST(e.until, 'Nullable(Date)') and g.qty = e.amount",
    );
    // the same types on both sides, or none dbt knows (a number and a string): nothing to cast
    expect(comparisonCastEdits(sites.slice(0, 2), dumpOf([['Date', 'Date'], ['UInt8', 'String']]), dbtSupertype)).toEqual([]);
  });
});
