import type { ManifestNode, Relation } from '../../manifest/nodes.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';

/*
 * Under dbt_semantics `cast(x as date)`, `x::date` and `date(x)` run as Date32, keeping a day before 1970
 * (float-casts.ts, function-names.ts), and `cast(x as timestamp)` / `x::timestamp` as DateTime64(0), keeping a time
 * before 1970 (float-casts.ts). What follows for a stored Date holds the same for a stored DateTime. A table built before that — by dbt-clickhouse, a tsdbt before it, or with
 * dbt_semantics off — has ClickHouse's Date for those columns, and stores 1970-01-01 for such a day. Compared with
 * the stored rows, the Date32 values would differ: an incremental model with on_schema_change 'fail' would fail on
 * a type change the user never made, a delete+insert keyed by such a column would keep the old row beside the new
 * one — with on_schema_change 'ignore' (the default) a row keyed by such a day was added again on every run. So
 * when every column the two spellings type differently is stored as ClickHouse's Date (Nullable, LowCardinality
 * aside), the run computes those casts as ClickHouse does — its values are the stored ones — and a warning says how
 * to move to Date32. A table mixing both (some such columns Date, some Date32) keeps dbt's Date32.
 * on_schema_change: no type change is seen, so every mode keeps the table's Date — sync_all_columns too (dbt would
 * widen the column): a widened column would hold the stored 1970-01-01 beside new 1960 days, and a key or check column
 * would still not match; --full-refresh recomputes every row as Date32. Snapshots, which have no full refresh, keep
 * the Date the same way: the row did not change, so no version is added, and a key holding such a day finds its stored
 * version (computed as Date32 it matched none: the old version stayed current beside a new one). Only a query that
 * really gives a Date32 (toDate32) widens a snapshot's Date column (snapshot.ts widenedDateColumns).
 * Used by incremental models (every strategy, microbatch batches too; distributed_incremental reads its local
 * tables), snapshots, and materialized views writing into an existing table (their SELECT would otherwise be out of
 * sync with it; read while holding the target, as a sibling may rebuild it in the same run).
 */

/** What `compile(clickhouseDates)` gives an incremental model, and which of the two the run uses. */
export interface StoredDates {
  readonly sql: string;
  /** True when the table stores ClickHouse's Date: `sql` was compiled with clickhouseDates. */
  readonly clickhouseDates: boolean;
  /** Names the columns when clickhouseDates. */
  readonly warning?: string;
}

/**
 * The SQL to run against `target`: dbt_semantics' (`compile(false)`) unless the table stores ClickHouse's Date for
 * every column the two spellings type differently. Costs nothing when the SQL has no Date32; one column look-up of
 * the query and the table otherwise, and one of the other spelling only when a Date32 column is a Date in the table.
 */
export async function storedDates(
  adapter: ClickHouseAdapter,
  node: ManifestNode,
  target: Relation,
  compile: (clickhouseDates: boolean) => string,
  settings?: unknown,
): Promise<StoredDates> {
  const ours = compile(false);
  if (!dbtSemantics(node) || !/date32|datetime64\(0\)/i.test(ours)) return { sql: ours, clickhouseDates: false };
  const table = new Map((await adapter.columns(target)).map((c) => [c.name, c.type]));
  const oursColumns = await adapter.queryColumns(ours, undefined, settings);
  const storedAsDate = (c: WarehouseColumn) => {
    const [type, stored] = [inner(c.type), table.has(c.name) ? inner(table.get(c.name)!) : undefined];
    return (type === 'Date32' && stored === 'Date') || (type === 'DateTime64(0)' && /^DateTime(?:\(|$)/.test(stored ?? ''));
  };
  if (!oursColumns.some(storedAsDate)) return { sql: ours, clickhouseDates: false };
  const theirs = compile(true);
  const theirTypes = new Map((await adapter.queryColumns(theirs, undefined, settings)).map((c) => [c.name, c.type]));
  // The columns the two spellings type differently, each stored as ClickHouse's spelling gives it.
  const differ = oursColumns.filter((c) => theirTypes.get(c.name) !== c.type);
  const stored = differ.filter((c) => table.has(c.name));
  if (stored.length === 0 || !stored.every((c) => theirTypes.has(c.name) && inner(table.get(c.name)!) === inner(theirTypes.get(c.name)!))) return { sql: compile(false), clickhouseDates: false };
  const where = `${target.schema}.${target.identifier}`;
  const names = stored.map((c) => c.name).join(', ');
  const times = stored.some((c) => inner(c.type) === 'DateTime64(0)');
  const dates = stored.some((c) => inner(c.type) !== 'DateTime64(0)');
  const [kinds, casts, wide, day] = [
    [dates && 'Date', times && 'DateTime'].filter(Boolean).join(' / '),
    [dates && "cast(x as date), x::date and date(x) as ClickHouse's Date", times && "cast(x as timestamp) and x::timestamp as ClickHouse's DateTime"].filter(Boolean).join(', '),
    [dates && 'Date32', times && 'DateTime64(0)'].filter(Boolean).join(' / '),
    [dates && 'a day before 1970 is 1970-01-01', times && 'a time before 1970 is 1970-01-01 00:00:00'].filter(Boolean).join(', '),
  ];
  return {
    sql: theirs,
    clickhouseDates: true,
    warning: `${node.originalFilePath}: ${node.resourceType} ${node.name}: ${names} ${stored.length === 1 ? 'is' : 'are'} ClickHouse's ${kinds} in ${where} (built by dbt-clickhouse, an older tsdbt or with dbt_semantics off), so this run computes ${casts}, as the stored rows were (${day}), not as ${wide}. ${
      node.resourceType === 'snapshot'
        ? `A snapshot keeps its history, and with it these ${kinds} columns.`
        : `Run it once with --full-refresh to keep ${dates ? 'days' : 'times'} before 1970 (${wide}).`
    }`,
  };
}

/** A type without its Nullable / LowCardinality wrappers. */
function inner(type: string): string {
  for (;;) {
    const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
    if (!m) return type;
    type = m[1]!;
  }
}
