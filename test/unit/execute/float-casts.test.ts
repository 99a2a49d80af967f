// execute/dbt-semantics/float-casts.ts: `float` in a CAST is a double (Postgres, Redshift, Snowflake, dbt.type_float()), not ClickHouse's Float32.
import { describe, expect, it } from 'vitest';
import { withDoubleFloatCasts } from '../../../packages/core/src/execute/dbt-semantics/float-casts.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

const model = (config: Record<string, unknown> = {}) => ({ resourceType: 'model', config }) as unknown as ManifestNode;

describe('withDoubleFloatCasts', () => {
  it('writes `::float` and `cast(… as float)` as Float64 under dbt_semantics', () => {
    expect(withDoubleFloatCasts(model(), 'select count(*)::float / 3 as r, CAST(amount AS FLOAT) as a, try_cast(x as float) from t')).toBe(
      'select count(*)::Float64 / 3 as r, CAST(amount AS Float64) as a, try_cast(x as Float64) from t',
    );
  });

  it('leaves other spellings, names, strings and dbt_semantics: false alone', () => {
    for (const sql of ["select x::Float32, cast(y as real), 'as float)' as s, float_col from t", 'select floatval as float from t'])
      expect(withDoubleFloatCasts(model(), sql)).toBe(sql);
    // Postgres' float4 (unknown to ClickHouse) is its 4-byte Float32 (cast-type-names.ts), not a double.
    expect(withDoubleFloatCasts(model(), 'select x::float4 from t')).toBe('select x::Float32 from t');
    expect(withDoubleFloatCasts(model({ dbt_semantics: false }), 'select x::float')).toBe('select x::float');
  });
});

describe('unbounded numeric casts (execute/dbt-semantics/float-casts.ts)', () => {
  it('writes `::numeric`, `::decimal` and `cast(… as numeric)` without precision as a Decimal that keeps decimals', () => {
    expect(withDoubleFloatCasts(model(), 'select round(avg(x)::numeric, 2) as a, cast(s AS DECIMAL) / n as r, y::decimal from t')).toBe(
      'select round(avg(x)::Decimal(76, 10), 2) as a, cast(s AS Decimal(76, 10)) / n as r, y::Decimal(76, 10) from t',
    );
  });

  it('leaves numeric(p, s), names, strings, contracts and dbt_semantics: false alone', () => {
    for (const sql of ["select x::numeric(16, 2), cast(y as numeric(10)), 'as numeric)' as s, numeric_col, decimal from t", 'select CAST(z, \'numeric\') from t'])
      expect(withDoubleFloatCasts(model(), sql)).toBe(sql);
    expect(withDoubleFloatCasts(model({ dbt_semantics: false }), 'select x::numeric')).toBe('select x::numeric');
    expect(withDoubleFloatCasts(model({ contract: { enforced: true } }), 'select x::numeric')).toBe('select x::numeric');
  });
});

describe('date casts (execute/dbt-semantics/float-casts.ts)', () => {
  it('writes `::date` and `cast(… as date)` as Date32, which keeps days before 1970', () => {
    expect(withDoubleFloatCasts(model(), "select '1960-05-01'::date as d, CAST(born AS DATE) as b, cast(x as date) + 1 as n from t")).toBe(
      "select '1960-05-01'::Date32 as d, CAST(born AS Date32) as b, cast(x as Date32) + 1 as n from t",
    );
  });

  it("leaves ClickHouse's own `Date`, Date32, DateTime, date names and literals, contracts and dbt_semantics: false alone", () => {
    for (const sql of ["select cast(x as Date), y::Date, cast(z as DateTime), w::date32, date_day, date '2020-01-01', x::date_part from t", "select CAST(z, 'date') from t"])
      expect(withDoubleFloatCasts(model(), sql)).toBe(sql);
    expect(withDoubleFloatCasts(model({ dbt_semantics: false }), 'select x::date')).toBe('select x::date');
    expect(withDoubleFloatCasts(model({ contract: { enforced: true } }), 'select x::date')).toBe('select x::date');
  });

  it('leaves `date` as ClickHouse\'s Date for a table that stores it so (clickhouseDates: stored-dates.ts)', () => {
    expect(withDoubleFloatCasts(model(), 'select x::date, cast(y as date), z::float from t', { clickhouseDates: true })).toBe('select x::date, cast(y as date), z::Float64 from t');
  });
});

describe('timestamp casts (execute/dbt-semantics/float-casts.ts)', () => {
  it('writes `::timestamp` and `cast(… as timestamp)` as DateTime64(0), which keeps times before 1970', () => {
    expect(withDoubleFloatCasts(model(), "select '1900-01-01 00:00:00'::timestamp as a, CAST(at AS TIMESTAMP) as b, cast(d as timestamp) + 1 as c from t")).toBe(
      "select '1900-01-01 00:00:00'::DateTime64(0) as a, CAST(at AS DateTime64(0)) as b, cast(d as DateTime64(0)) + 1 as c from t",
    );
    // Postgres' `timestamp with time zone` and Snowflake's timestamp_ntz keep their fractions (cast-type-names.ts).
    expect(withDoubleFloatCasts(model(), 'select x::timestamptz, cast(y as timestamp without time zone), z::timestamp_ntz from t')).toBe(
      'select x::DateTime64(6), cast(y as DateTime64(6)), z::DateTime64(6) from t',
    );
  });

  it("leaves ClickHouse's DateTime, timestamp(n), names, literals, contracts, dbt_semantics: false and a table storing DateTime alone", () => {
    for (const sql of ["select cast(x as DateTime), y::DateTime64(3), timestamp_col, timestamp '2020-01-01 00:00:00', 'as timestamp)', CAST(z, 'timestamp') from t"])
      expect(withDoubleFloatCasts(model(), sql)).toBe(sql);
    expect(withDoubleFloatCasts(model({ dbt_semantics: false }), 'select x::timestamp')).toBe('select x::timestamp');
    expect(withDoubleFloatCasts(model({ contract: { enforced: true } }), 'select x::timestamp')).toBe('select x::timestamp');
    expect(withDoubleFloatCasts(model(), 'select x::timestamp, cast(y as date) from t', { clickhouseDates: true })).toBe('select x::timestamp, cast(y as date) from t');
  });
});
