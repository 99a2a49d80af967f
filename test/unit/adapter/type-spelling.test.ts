import { describe, expect, it } from 'vitest';
import { clickhouseTypeSpelling } from '../../../packages/core/src/adapter/type-spelling.js';

describe('ClickHouse spelling of type names written in another case (seed column_types)', () => {
  it("spells case-sensitive families as ClickHouse does and leaves the rest as written", () => {
    expect(clickhouseTypeSpelling('string')).toBe('String');
    expect(clickhouseTypeSpelling('array(int64)')).toBe('Array(Int64)');
    expect(clickhouseTypeSpelling('nullable(float64)')).toBe('Nullable(Float64)');
    expect(clickhouseTypeSpelling('timestamp')).toBe('timestamp');
    expect(clickhouseTypeSpelling('varchar(500)')).toBe('varchar(500)');
    expect(clickhouseTypeSpelling("Enum8('string' = 1)")).toBe("Enum8('string' = 1)");
    expect(clickhouseTypeSpelling('Tuple(map string)')).toBe('Tuple(map String)');
  });

  it("writes other warehouses' type names ClickHouse lacks as the ClickHouse type of the same range", () => {
    expect(clickhouseTypeSpelling('timestamptz')).toBe('DateTime64(6)');
    expect(clickhouseTypeSpelling('timestamp with time zone')).toBe('DateTime64(6)');
    expect(clickhouseTypeSpelling('TIMESTAMP(3) WITHOUT TIME ZONE')).toBe('DateTime64(6)');
    // Postgres' and DuckDB's int8 is 8 bytes; ClickHouse's own Int8 (as spelled there) stays.
    expect(clickhouseTypeSpelling('int8')).toBe('Int64');
    expect(clickhouseTypeSpelling('INT4')).toBe('Int32');
    expect(clickhouseTypeSpelling('Int8')).toBe('Int8');
    expect(clickhouseTypeSpelling('float8')).toBe('Float64');
    expect(clickhouseTypeSpelling('number(38, 0)')).toBe('Decimal(38, 0)');
    expect(clickhouseTypeSpelling('NUMBER')).toBe('Decimal(38, 0)');
    expect(clickhouseTypeSpelling('hugeint')).toBe('Int128');
    expect(clickhouseTypeSpelling('integer')).toBe('integer');
    expect(clickhouseTypeSpelling('double precision')).toBe('double precision');
  });
});
