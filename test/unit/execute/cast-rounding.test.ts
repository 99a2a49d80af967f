import { describe, expect, it } from 'vitest';
import { castProbeSql, roundingCastSites, roundingEdits, roundingTarget } from '../../../packages/core/src/execute/dbt-semantics/cast-rounding.js';
import { applyEdits } from '../../../packages/core/src/shared/text-edits.js';

describe('rounding CASTs (execute/dbt-semantics/cast-rounding.ts)', () => {
  it('knows the targets that round elsewhere: Decimal with a scale, numeric(p, s), integer types', () => {
    expect(roundingTarget('numeric(10, 2)')).toEqual({ kind: 'decimal', scale: 2 });
    expect(roundingTarget('Decimal(18,4)')).toEqual({ kind: 'decimal', scale: 4 });
    expect(roundingTarget('Decimal64(3)')).toEqual({ kind: 'decimal', scale: 3 });
    expect(roundingTarget('Nullable(Decimal(10, 0))')).toEqual({ kind: 'decimal', scale: 0 });
    expect(roundingTarget('INTEGER')).toEqual({ kind: 'int' });
    expect(roundingTarget('UInt16')).toEqual({ kind: 'int' });
    expect(roundingTarget('Float64')).toBeUndefined();
    expect(roundingTarget('numeric')).toBeUndefined(); // Postgres' unbounded numeric: no scale to round to
    expect(roundingTarget('String')).toBeUndefined();
  });

  it("finds CAST(x AS T) and CAST(x, 'T') arguments, nested casts too, never in literals", () => {
    const sql = "select cast(a + 1 as numeric(10, 2)), CAST(cast(b AS Float64), 'Int32'), cast(c as String), 'cast(d as int)' from t";
    const sites = roundingCastSites(sql);
    expect(sites.map((s) => [sql.slice(s.arg.start, s.arg.end).trim(), s.target])).toEqual([
      ['a + 1', { kind: 'decimal', scale: 2 }],
      ['cast(b AS Float64)', { kind: 'int' }],
    ]);
    expect(castProbeSql('select cast(x as Int32)', roundingCastSites('select cast(x as Int32)'))).toBe(
      "select cast(tupleElement(tuple(x , toFixedString('', 6007)), 1) as Int32)",
    );
  });

  it("finds x::T operands: names, numbers, literals, parenthesised expressions, calls, CASE … END", () => {
    const sql = "select (subtotal / 100)::numeric(16, 2), t.amount::int, 1.5::integer, '2.345'::numeric(10,2), sum(x)::bigint, case when a then 1.5 else 2 end::int, n::String, y::float from t";
    const sites = roundingCastSites(sql);
    expect(sites.map((s) => [sql.slice(s.arg.start, s.arg.end), s.target])).toEqual([
      ['(subtotal / 100)', { kind: 'decimal', scale: 2 }],
      ['t.amount', { kind: 'int' }],
      ['1.5', { kind: 'int' }],
      ["'2.345'", { kind: 'decimal', scale: 2 }],
      ['sum(x)', { kind: 'int' }],
      ['case when a then 1.5 else 2 end', { kind: 'int' }],
    ]);
    // The rewrite wraps the operand in a call: `::` then applies to the rounded value.
    expect(applyEdits(sql, roundingEdits(sites.slice(0, 1), new Map([[0, 'Float64']])))).toContain(
      "round(CAST(toString((subtotal / 100)), 'Decimal(76, 3)'), 2) ::numeric(16, 2)",
    );
  });

  it('rounds floats through their decimal text, decimals and decimal strings at the scale, floats and decimals before an integer', () => {
    const sql = 'select cast(f as Decimal(10, 2)), cast(s as Decimal(10, 2)), cast(d as Decimal(10, 2)), cast(f as Int32), cast(d as Int32), cast(i as Decimal(10, 2)), cast(n as Decimal(10, 1))';
    const sites = roundingCastSites(sql);
    const types = new Map([[0, 'Float64'], [1, 'String'], [2, 'Decimal(18, 3)'], [3, 'Float32'], [4, 'Decimal(18, 3)'], [5, 'Int64'], [6, 'Nullable(Float64)']]);
    expect(applyEdits(sql, roundingEdits(sites, types)).replace(/\s+/g, ' ')).toBe(
      "select cast(round(CAST(toString(f ), 'Decimal(76, 3)'), 2) as Decimal(10, 2)), cast(round(CAST(s , 'Decimal(76, 3)'), 2) as Decimal(10, 2)), " +
        'cast(round(d , 2) as Decimal(10, 2)), cast(round(f ) as Int32), cast(round(d ) as Int32), cast(i as Decimal(10, 2)), ' +
        "cast(round(CAST(toString(n ), 'Nullable(Decimal(76, 2))'), 1) as Decimal(10, 1))",
    );
  });
});
