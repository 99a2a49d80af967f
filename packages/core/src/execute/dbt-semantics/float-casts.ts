import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';

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
 * - `timestamp` (also `timestamp without time zone`, Snowflake's `timestamp_ntz`) keeps microseconds on
 *   Postgres, Redshift, DuckDB, BigQuery and Snowflake and spans centuries, but ClickHouse's TIMESTAMP is
 *   DateTime: whole seconds (two events 15 ms apart become one value) from 1970 to 2106 — a 1960 date is
 *   1970-01-01 and a Date32 of 1955 wraps to 2091. It runs as DateTime64(6); `timestamp '2024-01-01 10:00:00.5'`
 *   as CAST('…' AS DateTime64(6)). dbt's own `type_timestamp()` stays DateTime (dbt-clickhouse's name), and
 *   `timestamp(p)` is ClickHouse's DateTime64(p) already.
 * Under `dbt_semantics` (default on), a model's, snapshot's or test's `x::T` and `cast(x as T)` are
 * rewritten. Left out: a model with an enforced contract (its declared types decide) and any other
 * spelling (`Float32`, `real`, `float4`, `numeric(p, s)`, `DateTime`, ClickHouse's `CAST(x, 'T')`).
 */
export const UNBOUNDED_NUMERIC = 'Decimal(76, 10)';
/** SQL's timestamp: microseconds, years 1900-2299 (ClickHouse's DateTime64 range). */
export const SQL_TIMESTAMP = 'DateTime64(6)';

const TYPE_NAMES = 'float|numeric|decimal|timestamp\\s+without\\s+time\\s+zone|timestamp_ntz|timestamp';
const CASTS = new RegExp(`::\\s*(${TYPE_NAMES})\\b(?!\\s*\\()|\\bas\\s+(${TYPE_NAMES})\\s*\\)`, 'gi');

export function withDoubleFloatCasts(node: ManifestNode, sql: string): string {
  if (!/\b(?:float|numeric|decimal|timestamp|timestamp_ntz)\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  if (node.resourceType === 'model' && contractEnforced(node)) return sql;
  const code = blankNonCode(sql);
  const at: { index: number; name: string }[] = [];
  for (const m of code.matchAll(CASTS)) {
    const name = (m[1] ?? m[2])!;
    at.push({ index: m.index! + m[0].toLowerCase().lastIndexOf(name.toLowerCase()), name });
  }
  let out = sql;
  for (const { index, name } of at.sort((a, b) => b.index - a.index)) {
    const lower = name.toLowerCase();
    const type = lower === 'float' ? 'Float64' : lower.startsWith('timestamp') ? SQL_TIMESTAMP : UNBOUNDED_NUMERIC;
    out = out.slice(0, index) + type + out.slice(index + name.length);
  }
  return withTimestampLiterals(out);
}

/** `timestamp '…'` (SQL's typed literal; ClickHouse reads it as a DateTime) → `CAST('…' AS DateTime64(6))`. */
function withTimestampLiterals(sql: string): string {
  if (!/\btimestamp\s+'/i.test(sql)) return sql;
  const code = blankNonCode(sql);
  const edits: { start: number; end: number; literal: string }[] = [];
  // Matched in the code (the literal itself is blanked there), its quote looked for in the SQL.
  for (const m of code.matchAll(/(?<![\w$.`"])timestamp(?=\s)/gi)) {
    const open = m.index! + m[0].length + /^\s*/.exec(sql.slice(m.index! + m[0].length))![0].length;
    if (sql[open] !== "'" || /\b(?:as|::)\s*$/i.test(code.slice(Math.max(0, m.index! - 8), m.index!))) continue;
    const close = literalEnd(sql, open);
    if (close < 0) continue;
    edits.push({ start: m.index!, end: close + 1, literal: sql.slice(open, close + 1) });
  }
  let out = sql;
  for (const { start, end, literal } of edits.reverse()) out = `${out.slice(0, start)}CAST(${literal} AS ${SQL_TIMESTAMP})${out.slice(end)}`;
  return out;
}

/** The offset of the quote closing the string literal opening at `open` (a quote escaped by doubling or a backslash), or -1. */
function literalEnd(sql: string, open: number): number {
  for (let i = open + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === "'") {
      if (sql[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
