/*
 * Most SQL type names are case-insensitive in ClickHouse (INTEGER, bigint, Timestamp, boolean, text,
 * Date32…), but about fifty families are not: `string` is an "Unknown data type family", though
 * ClickHouse itself suggests `String`. Projects written for several warehouses pick `string`
 * (BigQuery, Spark, Databricks) or `int64` for "any other adapter" in seed column_types, and fail on
 * ClickHouse only because of the case; tsdbt spells such a family as ClickHouse does.
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

/**
 * A type as written with each case-sensitive family spelled as ClickHouse does: `string` → `String`,
 * `array(int64)` → `Array(Int64)`. Quoted text (Enum values, time zones) and element names
 * (`Tuple(map String)`: a word followed by another word) are left as written.
 */
export function clickhouseTypeSpelling(type: string): string {
  return type.replace(/'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*(?=\s*([A-Za-z_]?))/g, (token, next: string | undefined) => {
    if (token.startsWith("'") || next) return token;
    return BY_LOWER.get(token.toLowerCase()) ?? token;
  });
}
