import { describe, expect, it } from 'vitest';
import { commonTypeSites, probeSql, typeArguments } from '../../../packages/core/src/execute/dbt-semantics/common-type-sites.js';
import { applyEdits } from '../../../packages/core/src/shared/text-edits.js';
import { dbtSupertype, isCommonTypeError, retryable, valueCasts } from '../../../packages/core/src/execute/dbt-semantics/common-types.js';

describe('common-type sites (execute/dbt-semantics/common-type-sites.ts)', () => {
  it('finds calls and CASE expressions with their value parts, nested ones too, never in literals or comments', () => {
    const sql = `select coalesce(a, if(b > 1, 2, 3.5)) x, case when c then 1 when d then 'x' else e end, -- coalesce(z, 1)
      case k when 1 then 'a' end, 'if(1, 2, 3)', t.if(1), greatest(a, b) from t`;
    const sites = commonTypeSites(sql);
    const view = sites.map((s) => ({ kind: s.kind, values: s.values.map((v) => sql.slice(s.parts[v]!.start, s.parts[v]!.end).trim()), noElse: s.noElse }));
    expect(view).toEqual([
      { kind: 'coalesce', values: ['a', 'if(b > 1, 2, 3.5)'], noElse: false },
      { kind: 'if', values: ['2', '3.5'], noElse: false },
      { kind: 'case', values: ['1', "'x'", 'e'], noElse: false },
      { kind: 'case', values: ["'a'"], noElse: true },
      { kind: 'greatest', values: ['a', 'b'], noElse: false },
    ]);
  });

  it('builds a probe of tuples ending with a per-site marker, each site typed as its first value', () => {
    const sql = 'select coalesce(a, 0.5), case when c then 1 else 2 end from t';
    expect(probeSql(sql, commonTypeSites(sql))).toBe(
      "select tupleElement(tuple(a, 0.5, toFixedString('', 7919)), 1), tupleElement(tuple(  c , 1 , 2 , toFixedString('', 7920)), 2) from t",
    );
  });

  it('a site with a bare NULL value is typed as its first other value, made Nullable (an outer site reading it sees that type, not Nothing)', () => {
    const sql = 'select coalesce(if(n = 3, NULL, total), 0.5), case when c then null else x end, if(c, NULL, NULL) from t';
    expect(probeSql(sql, commonTypeSites(sql))).toBe(
      "select tupleElement(tuple(toNullable(tupleElement(tuple(n = 3, NULL, total, toFixedString('', 7920)), 3)), 0.5, toFixedString('', 7919)), 1), " +
        "toNullable(tupleElement(tuple(  c , null , x , toFixedString('', 7921)), 3)), tupleElement(tuple(c, NULL, NULL, toFixedString('', 7922)), 2) from t",
    );
  });

  it('multiIf values are every second argument and the last', () => {
    const sql = 'select multiIf(c1, a, c2, b, z)';
    const [site] = commonTypeSites(sql);
    expect(site!.values).toEqual([1, 3, 4]);
  });

  it('applies edits from the end so offsets hold', () => {
    expect(applyEdits('abcdef', [{ at: 1, length: 0, text: 'X' }, { at: 4, length: 1, text: 'YY' }])).toBe('aXbcdYYf');
  });
});

describe("dbt's supertypes (execute/dbt-semantics/common-types.ts)", () => {
  it('int and float → Float64; decimal and float → Float64; UInt64 with signed → Int64; a date and a string → the date type', () => {
    expect(dbtSupertype(['Int64', 'Float64'])).toBe('Float64');
    expect(dbtSupertype(['Decimal(18, 2)', 'Float32'])).toBe('Float64');
    expect(dbtSupertype(['UInt64', 'Int8'])).toBe('Int64');
    expect(dbtSupertype(['Date', 'String'])).toBe('Date');
    expect(dbtSupertype(['String', 'Date', 'DateTime64(3, \'UTC\')', 'DateTime'])).toBe("DateTime64(3, 'UTC')");
  });

  it("leaves ClickHouse's own common types and impossible mixes alone", () => {
    expect(dbtSupertype(['Int64', 'UInt8'])).toBeUndefined();
    expect(dbtSupertype(['Float64', 'Float32'])).toBeUndefined();
    expect(dbtSupertype(['String', 'UInt8'])).toBeUndefined();
    expect(dbtSupertype(['Date'])).toBeUndefined();
  });

  it('casts each value, Nullable where that value is, NULL literals left as they are', () => {
    const sql = 'select case when c then a when d then NULL else b end';
    const [site] = commonTypeSites(sql);
    // parts: c, a, d, NULL, b (values 1, 3, 4)
    expect(valueCasts(site!, [['UInt8', 'Nullable(Int64)', 'UInt8', 'Nullable(Nothing)', 'Float64']])).toEqual(['Nullable(Float64)', undefined, 'Float64']);
    expect(valueCasts(site!, [['UInt8', 'Int64', 'UInt8', 'Nullable(Nothing)', 'Int32']])).toBeUndefined();
  });

  it('reads tuple element types with nesting and quotes', () => {
    expect(typeArguments("Tuple(Nullable(Int64), DateTime('Europe/Paris'), Enum8('a,b' = 1), FixedString(7919))")).toEqual([
      'Nullable(Int64)',
      "DateTime('Europe/Paris')",
      "Enum8('a,b' = 1)",
      'FixedString(7919)',
    ]);
  });

  it('knows a common-type failure', () => {
    expect(isCommonTypeError('Code: 386. NO_COMMON_TYPE: There is no supertype for types Float64, Int64')).toBe(true);
    expect(isCommonTypeError('Code: 43. ILLEGAL_TYPE_OF_ARGUMENT: Illegal type Variant(Float64, Int64) of argument of aggregate function max')).toBe(true);
    expect(isCommonTypeError('Code: 44. Data types Variant/Dynamic are not allowed in ORDER BY keys')).toBe(true);
    expect(isCommonTypeError('Code: 47. Unknown expression identifier')).toBe(false);
  });
});

describe('UNION groups (execute/dbt-semantics/union-branches.ts)', () => {
  it('finds the final UNION, a top-level CTE body and subqueries of either, parenthesised branches too', async () => {
    const { unionGroups, unionCastEdits } = await import('../../../packages/core/src/execute/dbt-semantics/union-branches.js');
    const final = 'with a as (select 1 x) select x from a union all select 2.5';
    expect(unionGroups(final).map((g) => [g.prefix, g.branches.map((b) => final.slice(b.start, b.end).trim())])).toEqual([
      ['with a as (select 1 x) ', ['select x from a', 'select 2.5']],
    ]);
    const cte = 'with u as (select 1 union all select 2) select * from u';
    expect(unionGroups(cte).map((g) => g.prefix)).toEqual(['with u as ( SELECT 1) ']);
    // a subquery of the final query: probed after the top-level WITH (nothing here)
    const sub = 'select * from (select 1 union all select 2) as s';
    expect(unionGroups(sub).map((g) => [g.prefix, g.branches.map((b) => sub.slice(b.start, b.end).trim())])).toEqual([['', ['select 1', 'select 2']]]);
    const inFinal = 'with a as (select 1 x) select x from a where x in (select 1 union all select 2.5)';
    expect(unionGroups(inFinal).map((g) => g.prefix)).toEqual(['with a as (select 1 x) ']);
    // a subquery inside a CTE body: the WITH clause up to that CTE, its body replaced
    const inCte = 'with a as (select 1 x), b as (select * from (select x from a union all select 0.5) s) select * from b';
    expect(unionGroups(inCte).map((g) => g.prefix)).toEqual(['with a as (select 1 x), b as ( SELECT 1) ']);
    // nested groups: the inner first, then the outer
    const nested = 'select a from (select 1 a union all select 2) union all select 3';
    expect(unionGroups(nested).map((g) => g.branches.map((b) => nested.slice(b.start, b.end).trim()))).toEqual([
      ['select 1 a', 'select 2'],
      ['select a from (select 1 a union all select 2)', 'select 3'],
    ]);
    // a scalar WITH expression or a subquery that does not start with its SELECT: not probed
    expect(unionGroups('with (select 1 union all select 2) as x select x')).toEqual([]);
    // parenthesised branches, last or first
    const paren = 'select 1 union all (select 2.5)';
    expect(unionGroups(paren).map((g) => g.branches.map((b) => paren.slice(b.start, b.end).trim()))).toEqual([['select 1', '(select 2.5)']]);
    const first = '(select 1 x) union all select 2.5';
    expect(unionGroups(first).map((g) => [g.prefix, g.branches.map((b) => first.slice(b.start, b.end).trim())])).toEqual([['', ['(select 1 x)', 'select 2.5']]]);
    // a CTE's parenthesis is not a branch
    expect(unionGroups('with a as (select 1 x) select x from a').length).toBe(0);
    // casts only the branches whose column differs from the supertype, named as the first branch
    const [group] = unionGroups('select a, b from t union all select c, d from u');
    const edits = unionCastEdits(group!, new Map([[0, [['Int64', 'String']]], [1, [['Float64', 'String']]]]), ['a', 'b'], (types) => dbtSupertype(types));
    expect(edits.map((e) => e.text)).toEqual(["SELECT CAST(__tsdbt_r.1, 'Float64') AS `a`, __tsdbt_r.2 AS `b` FROM (SELECT tuple(*) AS __tsdbt_r FROM (", '\n)) ']);
  });
});

describe('a failed common-type attempt is made again only when it changed nothing (execute/dbt-semantics/common-types.ts retryable)', () => {
  const sql = 'select case when n > 1 then n else 0.5 end as v from t';
  it('reads, DROP … IF EXISTS and the statement running the refused query are safe to send again', () => {
    expect(retryable([
      "SELECT name FROM system.tables WHERE database = 's'",
      'DESCRIBE (select 1)',
      `CREATE TABLE s.m__tsdbt_tmp_1 ENGINE = MergeTree ORDER BY tuple() AS\n${sql}\nSETTINGS use_variant_as_common_type = 0`,
      'DROP TABLE IF EXISTS s.m__tsdbt_tmp_1 SYNC',
    ], new Set([sql]))).toBe(true);
  });
  it("anything else that wrote (a pre-hook's INSERT, a custom materialization's DELETE) is not", () => {
    expect(retryable(['insert into s.audit values (1)', `CREATE TABLE s.m AS ${sql}`], new Set([sql]))).toBe(false);
    expect(retryable(['ALTER TABLE s.m DELETE WHERE 1', `INSERT INTO s.m ${sql}`], new Set([sql]))).toBe(false);
  });
  it('a refusal while the query ran (Decimal scales) is made again only when what it wrote went to a table the attempt dropped', () => {
    const staged = [`INSERT INTO \`s\`.\`m__tsdbt_new_1\` (a) SELECT a FROM (\n${sql}\n)`, 'DROP TABLE IF EXISTS `s`.`m__tsdbt_new_1` SYNC'];
    expect(retryable(staged, new Set([sql]), true)).toBe(true);
    expect(retryable([`CREATE TABLE s.m__tmp ON CLUSTER c ENGINE = MergeTree AS ${sql}`, 'DROP TABLE IF EXISTS s.m__tmp ON CLUSTER c SYNC'], new Set([sql]), true)).toBe(true);
    // straight into the model's table, or a temporary left in place: blocks before the refusal stay there
    expect(retryable([`INSERT INTO s.m (a) SELECT a FROM (${sql})`], new Set([sql]), true)).toBe(false);
    expect(retryable([`INSERT INTO s.m (a) SELECT a FROM (${sql})`, 'DROP TABLE IF EXISTS s.other SYNC'], new Set([sql]), true)).toBe(false);
    expect(retryable(['DROP TABLE IF EXISTS s.m__tmp SYNC', `CREATE TABLE s.m__tmp AS ${sql}`], new Set([sql]), true)).toBe(false);
    // the same statements refused while analysed wrote nothing
    expect(retryable([`INSERT INTO s.m (a) SELECT a FROM (${sql})`], new Set([sql]))).toBe(true);
  });
  it('Decimals of several scales have an exact Decimal supertype; one scale keeps ClickHouse\'s', () => {
    expect(isCommonTypeError('Code: 48. DB::Exception: Conditional functions with different Decimal scales: while executing function if')).toBe(true);
    expect(dbtSupertype(['Decimal(38, 0)', 'Decimal(28, 6)'])).toBe('Decimal(44, 6)');
    expect(dbtSupertype(['Decimal(9, 2)', 'Decimal(18, 6)', 'Int32'])).toBe('Decimal(18, 6)');
    expect(dbtSupertype(['Decimal(76, 10)', 'Decimal(38, 2)'])).toBe('Decimal(76, 10)');
    expect(dbtSupertype(['Decimal(9, 2)', 'Decimal(9, 4)', 'Int64'])).toBe('Decimal(23, 4)');
    expect(dbtSupertype(['Decimal(18, 2)', 'Decimal(38, 2)', 'Int64'])).toBeUndefined();
    expect(dbtSupertype(['Decimal(18, 2)', 'Decimal(38, 4)', 'Float64'])).toBe('Float64');
  });
});

describe("a node's rounding CASTs are typed without blocking the run (commonTypedSqlAsync)", () => {
  it('nodeSqlAsync\'s path asks the EXPLAIN with an awaited query; the blocking querySync is not called', async () => {
    const { runWithCommonTypes, commonTypedSqlAsync, commonTypedSql } = await import('../../../packages/core/src/execute/dbt-semantics/common-types.js');
    const asked: string[] = [];
    const client = {
      target: { type: 'chdb' },
      embedded: true,
      query: async (sql: string) => {
        asked.push(sql);
        return [{ explain: "      result_type: Tuple(Float64, FixedString(6007))" }];
      },
      querySync: () => {
        throw new Error('querySync blocks every thread of the run');
      },
    } as unknown as Parameters<typeof runWithCommonTypes>[0];
    const node = { resourceType: 'model', config: { query_settings: { use_variant_as_common_type: 0 } } } as never;
    const loose = { resourceType: 'model', config: {} } as never;
    const sql = 'select cast(x as numeric(10, 2)) as p from t';
    const out = await runWithCommonTypes(client, node, loose, [], async () => {
      const first = await commonTypedSqlAsync(sql);
      // the sync step after it (nodeSql of the same SQL) reads the cached result
      return [first, commonTypedSql(sql)];
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^EXPLAIN QUERY TREE /);
    expect(out[0]).not.toBe(sql);
    expect(out[0]).toMatch(/numeric\(10, 2\)/);
    expect(out[1]).toBe(out[0]);
  });
});
