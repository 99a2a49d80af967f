/*
 * Most SQL type names are case-insensitive in ClickHouse (INTEGER, bigint, Timestamp, boolean, text,
 * Date32…), but about fifty families are not: `string` is an "Unknown data type family", though
 * ClickHouse itself suggests `String`. Projects written for several warehouses pick `string`
 * (BigQuery, Spark, Databricks) or `int64` for "any other adapter" in seed column_types, and fail on
 * ClickHouse only because of the case; tsdbt spells such a family as ClickHouse does. Type names
 * of Postgres, Redshift, DuckDB and Snowflake that ClickHouse lacks (`timestamptz`, `int4`, `int8` —
 * 8 bytes there, not Int8 —, `float8`, `number(38, 0)`, DuckDB's `hugeint`/`ubigint`…) are written
 * as the ClickHouse type of the same range, so a seed typed for those warehouses loads; names
 * ClickHouse already knows in any case (`integer`, `varchar(n)`, `double precision`,
 * `timestamp`, `bool`…) stay as written.
 */

/** system.data_type_families where case_insensitive = 0 (ClickHouse 26.7), aliases left out. */
const CASE_SENSITIVE = [
  'AggregateFunction', 'Array', 'BFloat16', 'Dynamic', 'Enum16', 'Enum8', 'FixedString', 'Float32', 'Float64', 'Geometry',
  'IPv4', 'IPv6', 'Int128', 'Int16', 'Int256', 'Int32', 'Int64', 'Int8', 'IntervalDay', 'IntervalHour', 'IntervalMicrosecond',
  'IntervalMillisecond', 'IntervalMinute', 'IntervalMonth', 'IntervalNanosecond', 'IntervalQuarter', 'IntervalSecond',
  'IntervalWeek', 'IntervalYear', 'LineString', 'LowCardinality', 'Map', 'MultiLineString', 'MultiPolygon', 'Nested', 'Nothing',
  'Nullable', 'Point', 'Polygon', 'QBit', 'Ring', 'SimpleAggregateFunction', 'String', 'Tuple', 'UInt128', 'UInt16', 'UInt256',
  'UInt32', 'UInt64', 'UInt8', 'UUID', 'Variant',
];
const BY_LOWER = new Map(CASE_SENSITIVE.map((name) => [name.toLowerCase(), name]));

/** Other warehouses' names ClickHouse has no family for (any case), as the ClickHouse type of the same range. */
const OTHER_WAREHOUSES = new Map<string, string>([
  ['int2', 'Int16'], ['int4', 'Int32'], ['int8', 'Int64'], ['float4', 'Float32'], ['float8', 'Float64'],
  ['timestamptz', 'DateTime64(6)'], ['bpchar', 'String'],
  ['hugeint', 'Int128'], ['uhugeint', 'UInt128'], ['ubigint', 'UInt64'], ['uinteger', 'UInt32'], ['usmallint', 'UInt16'], ['utinyint', 'UInt8'],
  ['number', 'Decimal'], ['timestamp_ntz', 'DateTime64(6)'], ['timestamp_tz', 'DateTime64(6)'], ['timestamp_ltz', 'DateTime64(6)'],
]);
/** Postgres' `timestamp with[out] time zone`. */
const TIMESTAMP_ZONE = /\btimestamp\s*(?:\(\s*\d\s*\)\s*)?with(?:out)?\s+time\s+zone\b/gi;

/**
 * A type as written with each case-sensitive family spelled as ClickHouse does: `string` → `String`,
 * `array(int64)` → `Array(Int64)`. Quoted text (Enum values, time zones) and element names
 * (`Tuple(map String)`: a word followed by another word) are left as written.
 */
export function clickhouseTypeSpelling(type: string): string {
  return type.replace(TIMESTAMP_ZONE, 'DateTime64(6)').replace(/'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*(?=\s*([A-Za-z_]?))/g, (token, next: string | undefined, at: number, whole: string) => {
    if (token.startsWith("'") || next) return token;
    if (token === 'Int8') return token;
    const lower = token.toLowerCase();
    if (lower === 'number' && !/^\s*\(/.test(whole.slice(at + token.length))) return 'Decimal(38, 0)'; // Snowflake's NUMBER is NUMBER(38, 0)
    return OTHER_WAREHOUSES.get(lower) ?? BY_LOWER.get(lower) ?? token;
  });
}
