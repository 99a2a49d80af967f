// execute/dbt-semantics/column-precedence.ts: which queries have an alias shadowing a column read elsewhere in its SELECT (they
// run with prefer_column_name_to_alias = 1, SQL's precedence), and their ORDER BY terms that must keep reading aliases.
import { describe, expect, it } from 'vitest';
import { aliasShadowsReadColumn, orderTermsByPosition } from '../../../packages/core/src/execute/dbt-semantics/column-precedence.js';

describe('aliasShadowsReadColumn', () => {
  it('finds an alias over its own column that another item or the WHERE reads', () => {
    expect(aliasShadowsReadColumn('select sum(n) as n, sum(d) / sum(n) as avg_d from t group by 1')).toBe(true);
    expect(aliasShadowsReadColumn('select coalesce(x, 0) as x from t where x is null')).toBe(true);
    expect(aliasShadowsReadColumn('with a as (select sum(t.n) as n, max(n) as m from t) select * from a')).toBe(true);
  });

  it('finds an alias over its own column that a GROUP BY expression reads (every warehouse groups by the column there; fivetran/dbt_sap faglflext)', () => {
    expect(aliasShadowsReadColumn('select rclnt, cast(objnr00 as Int32) as objnr00, sum(tsl) as tsl from gltt2 group by rclnt, cast(objnr00 as Int32)')).toBe(true);
    expect(aliasShadowsReadColumn('select toStartOfMonth(d) as d, count(*) as n from t group by rollup(toStartOfMonth(d))')).toBe(true);
    // a bare alias, a qualified column, or an alias over another column: left as written
    expect(aliasShadowsReadColumn('select cast(o as Int32) as o, count(*) as n from t group by o')).toBe(false);
    expect(aliasShadowsReadColumn('select cast(t.o as Int32) as o, count(*) as n from t group by cast(t.o as Int32)')).toBe(false);
    expect(aliasShadowsReadColumn('select cast(o as Int32) as o2, count(*) as n from t group by cast(o as Int32)')).toBe(false);
  });

  it('reads a quoted simple name as the name ClickHouse resolves it to (EqualExperts/dbt-unit-testing quotes every column it writes)', () => {
    expect(aliasShadowsReadColumn('select count(1) as count, round("column_a", 4) as "column_a" from (select 3.3 as column_a) as s group by round("column_a", 4)')).toBe(true);
    expect(aliasShadowsReadColumn('select sum(`n`) as `n`, sum(d) / sum(n) as avg_d from t')).toBe(true);
    // a name in a string literal, or a quoted name that is no word, is not read
    expect(aliasShadowsReadColumn(`select upper(c) as c, 'c' as label, "c d" as e from t`)).toBe(false);
    expect(aliasShadowsReadColumn('select upper("c") as "c" from t group by "c"')).toBe(false);
  });

  it('finds any alias its WHERE names (SQL filters on the input column; dbt-tests-adapter store_failures problematic_model)', () => {
    expect(aliasShadowsReadColumn('select null as id, first_name from people where id in (3,4)')).toBe(true);
    expect(aliasShadowsReadColumn("select 'x' as status from t where status = 'y'")).toBe(true);
    expect(aliasShadowsReadColumn('select id, null as first_name from people where id in (3,4)')).toBe(false);
  });

  it('leaves aliases no other part reads, plain renames, calls, literals, GROUP BY/HAVING/ORDER BY and other SELECTs alone', () => {
    for (const sql of [
      'select sum(n) as n, count(*) as c from t',
      'select t.n as n, n + 1 as m from t',
      'select count(*) as count, count + 1 as c2 from t',
      "select upper(c) as c, 'c' as label from t",
      'select upper(c) as c, count(*) from t group by c order by c',
      'select sum(n) as n from t having n > 0',
      'select sum(n) as n from t union all select n from u where n > 0',
      'select lower(x) as y, y from t',
    ])
      expect(aliasShadowsReadColumn(sql), sql).toBe(false);
  });
});

describe('orderTermsByPosition', () => {
  it("writes ORDER BY terms naming an alias of their SELECT as the item's position, or its expression beside a *", () => {
    expect(orderTermsByPosition('select upper(column_name) as column_name, sum(x) as x from main group by 1 order by column_name, x desc')).toBe(
      'select upper(column_name) as column_name, sum(x) as x from main group by 1 order by 1, 2 desc',
    );
    expect(orderTermsByPosition('with f as (select *, upper(c) as c2 from t order by c2 nulls first) select * from f order by c2')).toBe(
      'with f as (select *, upper(c) as c2 from t order by (upper(c)) nulls first) select * from f order by c2',
    );
  });

  it('replaces a quoted alias term with its quotes', () => {
    expect(orderTermsByPosition('select upper("c") as "c", sum(x) as `x` from t group by 1 order by "c" desc, `x`')).toBe(
      'select upper("c") as "c", sum(x) as `x` from t group by 1 order by 1 desc, 2',
    );
  });

  it('leaves columns, expressions, a plain `t.x as x` and window ORDER BYs alone', () => {
    for (const sql of [
      'select a.x as x, y from a order by x, y',
      'select x from t order by lower(x)',
      'select row_number() over (order by n) as n from t order by 1',
    ])
      expect(orderTermsByPosition(sql)).toBe(sql);
  });
});
