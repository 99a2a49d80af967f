import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { dbtSemanticsType } from '../../shared/dbt-type-names.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { withWarehouseTypeNames } from './cast-type-names.js';

/*
 * dbt's answers on ClickHouse, the type names of a cast that mean something else there:
 * - `float` is a double on Postgres, Redshift and Snowflake (and dbt's own `type_float()`), but
 *   ClickHouse's FLOAT is Float32, so `count(*)::float` or `cast(amount as float)` keeps about 7
 *   digits (0.1 is stored as 0.10000000149) and no longer equals the same value from a seed or
 *   another model: it runs as Float64.
 * - `numeric` / `decimal` without precision is exact at any scale on Postgres (`cast(1.5 as numeric)`
 *   is 1.5, `cast(sum(x) as numeric) / n` a fraction, and `round(avg(x)::numeric, 2)` — Postgres has no
 *   round(double, int) — two decimals), but ClickHouse's is Decimal(10, 0): it drops every decimal
 *   (1.5 → 1, `round(…, 2)` a whole number) and refuses a division by a Decimal with a scale. It runs
 *   as UNBOUNDED_NUMERIC, whose scale keeps the decimals of dbt's data (cents, rates, ratios; BigQuery's
 *   NUMERIC keeps 9) and whose 66 integer digits hold any sum; cast-rounding.ts then rounds a float's
 *   decimal text at that scale, as Postgres' float8 → numeric reads it (0.29 stays 0.29). 76 digits, not
 *   38: a product's scale is the sum of its factors' (`a::numeric * b::numeric * c::numeric` is scale 30),
 *   and ClickHouse wraps an overflowing Decimal product or sum silently — in Decimal(38, 10) three such
 *   factors left 8 integer digits (123456.78 * 1000 * 1.5 = -155097197).
 * - `date` is any day on the warehouses (Postgres from 4713 BC), but ClickHouse's Date starts at 1970-01-01:
 *   `cast('1960-05-01' as date)` or a birth date `::date` came out 1970-01-01 (and a day before 1900 or after
 *   2149 wrapped or clamped). It runs as Date32 (1900-01-01 to 2299-12-31), which the type-list tests of
 *   dbt_expectations still read as `date` (render/column.ts: a Date32's dtype is Date).
 * - `timestamp` is any instant from 4713 BC (Postgres) or year 0 (Snowflake, BigQuery), but ClickHouse's TIMESTAMP is
 *   DateTime, from 1970-01-01 00:00:00 to 2106: `cast('1900-01-01 00:00:00' as timestamp)` came out 1970-01-01 and a
 *   1950 Date32 cast to it wrapped to 2086. It runs as DateTime64(0) (1900-01-01 to 2299-12-31), which holds every
 *   value DateTime holds with the same text, comparisons and arithmetic (whole seconds: a fraction is cut, as
 *   DateTime and dbt-clickhouse cut it). Not DateTime64(6): Postgres keeps microseconds, but '…10:00:00' would read
 *   '…10:00:00.000000' as text (concatenations, dbt_utils' surrogate keys would change for every row, where
 *   DateTime64(0)'s text is Postgres' own for whole seconds), and an incremental filter `ts > (select max(ts) from
 *   {{ this }})` over a table storing whole seconds re-appended a row with a fraction on every run (reverted once:
 *   ch-conformance/timestamp-cast-incremental.test.ts). A table that stores ClickHouse's DateTime keeps it
 *   (stored-dates.ts), and a type test reads the column as DateTime (render/column.ts). dbt.type_timestamp() is
 *   `DateTime` (dbt-clickhouse's), ClickHouse's own spelling, kept like `Date`.
 * Under `dbt_semantics` (default on), a model's, snapshot's or test's `x::T` and `cast(x as T)` are
 * rewritten. Left out: a model with an enforced contract (its declared types decide) and any other
 * spelling (`Float32`, `real`, `float4`, `numeric(p, s)`, ClickHouse's `CAST(x, 'T')`, and `Date` / `DateTime` as
 * ClickHouse spells its own types: a ClickHouse project that chose them keeps them).
 */
const CASTS = /::\s*(float|numeric|decimal|date|timestamp)\b(?!\s*\()|\bas\s+(float|numeric|decimal|date|timestamp)\s*\)/gi;
const TYPES = /\b(?:float|numeric|decimal|date|timestamp)\b/i;

export function withDoubleFloatCasts(node: ManifestNode, sql: string, options: { clickhouseDates?: boolean; narrowDecimals?: boolean } = {}): string {
  if (!/\b(?:float|numeric|decimal|date|timestamp)\b|::|\bcast\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  // Other warehouses' type names ClickHouse lacks (`::int8`, `::timestamptz`): what would fail gets ClickHouse's name.
  sql = withWarehouseTypeNames(sql);
  if (!TYPES.test(sql)) return sql;
  if (node.resourceType === 'model' && contractEnforced(node)) return sql;
  const code = blankNonCode(sql);
  const at: { index: number; name: string }[] = [];
  for (const m of code.matchAll(CASTS)) {
    const name = (m[1] ?? m[2])!;
    // `clickhouseDates`: a table whose columns were stored as ClickHouse's Date / DateTime (stored-dates.ts).
    if (name === 'Date' || (options.clickhouseDates && /^(?:date|timestamp)$/i.test(name))) continue;
    at.push({ index: m.index! + m[0].toLowerCase().lastIndexOf(name.toLowerCase()), name });
  }
  let out = sql;
  for (const { index, name } of at.sort((a, b) => b.index - a.index)) {
    out = out.slice(0, index) + dbtSemanticsType(name, { narrowDecimals: options.narrowDecimals })! + out.slice(index + name.length);
  }
  return out;
}
