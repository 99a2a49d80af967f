import type { ManifestNode, TestNode } from '../manifest/nodes.js';
import { testedRows } from './test-batches.js';
import type { RunContext } from './run-context.js';

/** Below this many non-null values dbt's own query is already fast; the pre-check would only add queries. */
export const PRECHECK_MIN_ROWS = 1_000_000;

// Roaring bitmaps are fast while values are dense; on sparse 64-bit values (hashes) `groupBitmap`
// measured 146 s for 30M rows against 1.5 s for GROUP BY, so only ranges this dense use it.
const MAX_RANGE_PER_VALUE = 4n;

const INTEGER_TYPE = /^(?:Nullable\()?U?Int(?:8|16|32|64)\)?$/;

const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Decides dbt's `unique` test without its hash aggregation when it can: on a MergeTree table whose
 * tested column is a dense integer, the exact number of distinct values (`groupBitmap`, a roaring
 * bitmap — 30M ids in 0.3 s against 0.7–1.8 s for `GROUP BY … HAVING count(*) > 1`) equal to the
 * number of non-null values means no value repeats, so dbt's query would return no rows.
 * Returns true only for that proven pass; false means "run dbt's query" (duplicates, other types,
 * sparse values, views, expressions, a server without groupBitmap).
 */
export async function provenUnique(ctx: RunContext, test: TestNode, attached: ManifestNode, minRows = PRECHECK_MIN_ROWS): Promise<boolean> {
  const { schema, identifier } = attached.relation;
  const column = test.columnName!;
  const from = testedRows(attached, test);
  const query = <T>(sql: string) => ctx.adapter.client.query<T>(sql, { signal: ctx.signal });
  try {
    // Column type, engine and row count (table metadata, no scan): most tables stop here.
    const [described] = await query<{ type: string; engine: string; total_rows: string | number | null }>(
      // ALIAS/MATERIALIZED columns are left out: dbt's `select *` subquery (with `where`) does not see them.
      `SELECT c.type AS type, t.engine AS engine, t.total_rows AS total_rows FROM system.columns AS c INNER JOIN system.tables AS t ON c.database = t.database AND c.table = t.name
       WHERE c.database = ${literal(schema)} AND c.table = ${literal(identifier)} AND c.name = ${literal(column)} AND c.default_kind IN ('', 'DEFAULT')`,
    );
    if (!described || !INTEGER_TYPE.test(described.type) || !described.engine.endsWith('MergeTree')) return false;
    if (BigInt(described.total_rows ?? 0) < BigInt(minRows)) return false;
    // Aliases no column is likely to have: ClickHouse lets an alias stand for a column of that name.
    const [range] = await query<{ tsdbt_lo: string | number | null; tsdbt_hi: string | number | null; tsdbt_n: string | number }>(
      `SELECT min(${column}) AS tsdbt_lo, max(${column}) AS tsdbt_hi, count(${column}) AS tsdbt_n FROM ${from}`,
    );
    const n = BigInt(range?.tsdbt_n ?? 0);
    if (n < BigInt(minRows) || range?.tsdbt_lo === null || range?.tsdbt_hi === null) return false;
    const lo = BigInt(range!.tsdbt_lo!);
    const span = BigInt(range!.tsdbt_hi!) - lo + 1n;
    if (span > MAX_RANGE_PER_VALUE * n) return false;
    // Offsets from the minimum fit 32 bits: a 32-bit roaring bitmap measured ~25% faster than a 64-bit one.
    // (Integer arithmetic wraps modulo 2^64, so the low 32 bits of col - lo are the exact offset.)
    const values = span <= 0xffffffffn ? `toUInt32(${column} - (${lo}))` : column;
    // Distinct and non-null counts from the same scan: a row written between two queries cannot make
    // them agree by accident. (The mapping to offsets can only merge values, never split them.)
    const [counted] = await query<{ tsdbt_d: string | number; tsdbt_n: string | number }>(
      `SELECT groupBitmap(${values}) AS tsdbt_d, count(${column}) AS tsdbt_n FROM ${from}`,
    );
    return counted !== undefined && BigInt(counted.tsdbt_n) > 0n && BigInt(counted.tsdbt_d) === BigInt(counted.tsdbt_n);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    return false;
  }
}
