import { describe, expect, it } from 'vitest';
import { withWarehouseTypeNames } from '../../../packages/core/src/execute/dbt-semantics/cast-type-names.js';

describe("other warehouses' type names in casts (execute/dbt-semantics/cast-type-names.ts)", () => {
  it('writes a type ClickHouse has no family for as the ClickHouse type of the same range', () => {
    expect(withWarehouseTypeNames("select ts::timestamptz, id::int8, cast(a as float8), CAST(b AS string), x::number(38, 2), cast(t as timestamp with time zone), cast(cast(n as int4) as INT8) from t")).toBe(
      'select ts::DateTime64(6), id::Int64, cast(a as Float64), CAST(b AS String), x::Decimal(38, 2), cast(t as DateTime64(6)), cast(cast(n as Int32) as Int64) from t',
    );
  });

  it("leaves the types ClickHouse knows, ClickHouse's CAST(x, 'T'), try_cast, strings and comments alone", () => {
    for (const sql of ["select x::Int8, x::integer, cast(x as varchar(10)), cast(x as timestamp), CAST(x, 'int8'), try_cast(x as int8), accurateCast(x, 'Int8'), 'y::int8' from t -- ::int8"])
      expect(withWarehouseTypeNames(sql)).toBe(sql);
  });
});
