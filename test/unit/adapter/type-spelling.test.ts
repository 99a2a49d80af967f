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
});
