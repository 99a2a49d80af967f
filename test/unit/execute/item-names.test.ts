import { describe, expect, it } from 'vitest';
import { withItemNames, withItemNamesAsync } from '../../../packages/core/src/execute/dbt-semantics/item-names.js';

describe('item-names: a rewritten unaliased item of the main SELECT keeps its name', () => {
  const asked: string[] = [];
  const names = (list: string[]) => (sql: string) => (asked.push(sql), list);

  it('aliases each changed unaliased item with the name of the SQL as written; aliased and unchanged items are left', () => {
    asked.length = 0;
    const original = "select k, cast(x as Decimal(10, 1)), sum(d) as total, sum(d)\nfrom t -- sum(d)\ngroup by k";
    const rewritten = "select k, cast(round(x, 1) as Decimal(10, 1)), toDecimal128(sum(toDecimal256(d, 2)), 2) as total, toDecimal128(sum(toDecimal256(d, 2)), 2)\nfrom t -- sum(d)\ngroup by k";
    expect(withItemNames(original, rewritten, names(['k', "CAST(x, 'Decimal(10, 1)')", 'total', 'sum(d)']))).toBe(
      "select k, cast(round(x, 1) as Decimal(10, 1)) AS `CAST(x, 'Decimal(10, 1)')`, toDecimal128(sum(toDecimal256(d, 2)), 2) as total, toDecimal128(sum(toDecimal256(d, 2)), 2) AS `sum(d)`\nfrom t -- sum(d)\ngroup by k",
    );
    expect(asked).toEqual([original]);
  });

  it('asks nothing when no unaliased item of the main SELECT changed (a CTE, a subquery, an aliased item, a WHERE)', () => {
    asked.length = 0;
    const cases: [string, string][] = [
      ['with a as (select sum(d) from t) select * from a', 'with a as (select toDecimal128(sum(toDecimal256(d, 2)), 2) from t) select * from a'],
      ['select s from (select sum(d) as s from t)', 'select s from (select toDecimal128(sum(toDecimal256(d, 2)), 2) as s from t)'],
      ['select sum(d) s from t', 'select toDecimal128(sum(toDecimal256(d, 2)), 2) s from t'],
      ['select k from t where cast(x as Int32) > 1', 'select k from t where cast(round(x) as Int32) > 1'],
    ];
    for (const [original, rewritten] of cases) expect(withItemNames(original, rewritten, names(['x']))).toBe(rewritten);
    expect(asked).toEqual([]);
  });

  it('leaves the rewrite as it is where the names do not line up: a * item, a failed or short DESCRIBE', async () => {
    const [original, rewritten] = ['select *, sum(d) from t group by all', 'select *, toDecimal128(sum(toDecimal256(d, 2)), 2) from t group by all'];
    expect(withItemNames(original, rewritten, names(['a', 'b', 'sum(d)']))).toBe(rewritten);
    const [o2, r2] = ['select cast(x as Int32), y from t', 'select cast(round(x) as Int32), y from t'];
    expect(withItemNames(o2, r2, names(['only one']))).toBe(r2);
    expect(withItemNames(o2, r2, () => { throw new Error('Code: 386. NO_COMMON_TYPE'); })).toBe(r2);
    expect(await withItemNamesAsync(o2, r2, async () => ["CAST(x, 'Int32')", 'y'])).toBe("select cast(round(x) as Int32) AS `CAST(x, 'Int32')`, y from t");
    // An item aliased without AS after a number or name (`… * 2 total`, `… + 1 "my total"`) is left: a second alias is a syntax error.
    const [o3, r3] = ['select cast(x as Int32) * 2 total, cast(x as Int32) + 1 "my total", cast(x as Int32) - t.x from t', 'select cast(round(x) as Int32) * 2 total, cast(round(x) as Int32) + 1 "my total", cast(round(x) as Int32) - t.x from t'];
    expect(withItemNames(o3, r3, names(['total', 'my total', "minus(CAST(x, 'Int32'), t.x)"]))).toBe(
      'select cast(round(x) as Int32) * 2 total, cast(round(x) as Int32) + 1 "my total", cast(round(x) as Int32) - t.x AS `minus(CAST(x, \'Int32\'), t.x)` from t',
    );
    // An item ending in a quoted alias or a string literal: the alias is seen, the AS goes after the literal.
    const [o4, r4] = ["select cast(x as Int32) as \"Total\", toString(cast(x as Int32)) || ' kg' from t", "select cast(round(x) as Int32) as \"Total\", toString(cast(round(x) as Int32)) || ' kg' from t"];
    expect(withItemNames(o4, r4, names(['Total', "concat(toString(CAST(x, 'Int32')), ' kg')"]))).toBe(
      "select cast(round(x) as Int32) as \"Total\", toString(cast(round(x) as Int32)) || ' kg' AS `concat(toString(CAST(x, 'Int32')), ' kg')` from t",
    );
    // A name with a backtick or backslash is quoted as ClickHouse reads it.
    expect(withItemNames(o2, r2, names(['a`b\\c', 'y']))).toBe('select cast(round(x) as Int32) AS `a\\`b\\\\c`, y from t');
  });

  it("reads a CASE's `… END` and an `INTERVAL (n) DAY` as the end of an unaliased item, not as an alias", () => {
    const original = 'select case when k then cast(x as Decimal(10, 1)) END, now() - interval (cast(x as Int32)) day from t';
    const rewritten = 'select case when k then cast(round(x, 1) as Decimal(10, 1)) END, now() - interval (cast(round(x) as Int32)) day from t';
    expect(withItemNames(original, rewritten, names(["multiIf(k, CAST(x, 'Decimal(10, 1)'), NULL)", "minus(now(), toIntervalDay(CAST(x, 'Int32')))"]))).toBe(
      "select case when k then cast(round(x, 1) as Decimal(10, 1)) END AS `multiIf(k, CAST(x, 'Decimal(10, 1)'), NULL)`, now() - interval (cast(round(x) as Int32)) day AS `minus(now(), toIntervalDay(CAST(x, 'Int32')))` from t",
    );
  });
});
