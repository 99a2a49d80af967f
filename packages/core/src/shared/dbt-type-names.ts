/*
 * What dbt's SQL type names mean under dbt_semantics on ClickHouse — what a cast to them runs as (the why of each is in
 * execute/dbt-semantics/float-casts.ts, which rewrites the casts), and so what a seed's `column_types` or a unit test
 * fixture's declared `data_type` of that name holds. Here, not in execute/, because the seed loader (adapter/) and the
 * runners (execute/) both read it.
 */

/** numeric / decimal without precision: a scale that keeps dbt's decimals and 66 integer digits for any sum. */
export const UNBOUNDED_NUMERIC = 'Decimal(76, 10)';
/** numeric without precision on a server without Decimal256 (the 18.x line, server-features.ts): the same scale. */
export const SERVER_WIDEST_NUMERIC = 'Decimal(38, 10)';

/** What a cast to each name runs as under dbt_semantics. */
const AS: Readonly<Record<string, string>> = { float: 'Float64', date: 'Date32', timestamp: 'DateTime64(0)', numeric: UNBOUNDED_NUMERIC, decimal: UNBOUNDED_NUMERIC };

/**
 * The ClickHouse type dbt's SQL type name `type` means under dbt_semantics, else undefined (any other name, and `Date`
 * as ClickHouse spells its own type). `server`: what the server lacks (server-features.ts).
 */
export function dbtSemanticsType(type: string, server: { clickhouseDates?: boolean; narrowDecimals?: boolean } = {}): string | undefined {
  const t = type.trim();
  if (!/^(?:float|numeric|decimal|date|timestamp)$/i.test(t) || t === 'Date') return undefined;
  const lower = t.toLowerCase();
  if (server.clickhouseDates && (lower === 'date' || lower === 'timestamp')) return lower === 'date' ? 'Date' : 'DateTime';
  if (server.narrowDecimals && (lower === 'numeric' || lower === 'decimal')) return SERVER_WIDEST_NUMERIC;
  return AS[lower];
}
