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
    for (const sql of ["select x::Float32, cast(y as real), 'as float)' as s, float_col, x::float4 from t", 'select floatval as float from t'])
      expect(withDoubleFloatCasts(model(), sql)).toBe(sql);
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

describe('timestamp casts keep fractions of a second and dates before 1970 (execute/dbt-semantics/float-casts.ts)', () => {
  it('writes `::timestamp`, `cast(… as timestamp)`, `timestamp without time zone`, `timestamp_ntz` and `timestamp \'…\'` as DateTime64(6)', () => {
    expect(
      withDoubleFloatCasts(model(), "select x::timestamp as a, CAST(y AS TIMESTAMP) as b, z::timestamp without time zone as c, cast(w as timestamp_ntz) as d, timestamp '2024-01-01 10:00:00.5' as e, TIMESTAMP 'it''s' as f from t"),
    ).toBe(
      "select x::DateTime64(6) as a, CAST(y AS DateTime64(6)) as b, z::DateTime64(6) as c, cast(w as DateTime64(6)) as d, CAST('2024-01-01 10:00:00.5' AS DateTime64(6)) as e, CAST('it''s' AS DateTime64(6)) as f from t",
    );
  });

  it('leaves timestamp(p), DateTime, a column named timestamp, strings, contracts and dbt_semantics: false alone', () => {
    for (const sql of [
      "select x::timestamp(3), cast(y as timestamp(6)), cast(z as DateTime), timestamp, t.timestamp = '2024-01-01' from t",
      "select 'as timestamp)' as s, `timestamp` from t -- x::timestamp",
      "select x::timestamptz, current_timestamp from t",
    ])
      expect(withDoubleFloatCasts(model(), sql)).toBe(sql);
    expect(withDoubleFloatCasts(model({ dbt_semantics: false }), 'select x::timestamp')).toBe('select x::timestamp');
    expect(withDoubleFloatCasts(model({ contract: { enforced: true } }), "select x::timestamp, timestamp '2024-01-01'")).toBe("select x::timestamp, timestamp '2024-01-01'");
  });
});
