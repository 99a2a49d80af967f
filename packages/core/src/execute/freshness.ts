import type { ClickHouseAdapter } from '../adapter/clickhouse-adapter.js';
import type { FreshnessRule, SourceNode } from '../manifest/nodes.js';
import { relationSql } from '../render/placeholders.js';
import type { EventHandler } from '../report/events.js';
import type { FreshnessResult, FreshnessStatus } from '../report/freshness-results.js';

const PERIOD_SECONDS: Readonly<Record<FreshnessRule['period'], number>> = { minute: 60, hour: 3600, day: 86400 };

/** dbt's freshness rule: error when older than error_after, else warn when older than warn_after, else pass. */
export function freshnessStatus(ageSeconds: number, node: SourceNode): FreshnessStatus {
  const exceeds = (r: FreshnessRule | null | undefined) => !!r && ageSeconds > r.count * PERIOD_SECONDS[r.period];
  if (exceeds(node.freshness?.errorAfter)) return 'error';
  if (exceeds(node.freshness?.warnAfter)) return 'warn';
  return 'pass';
}

/**
 * dbt's collect_freshness on ClickHouse: max(loaded_at_field) over the rows `filter` keeps, and the
 * server's now(), both in UTC. An empty table has no max: a runtime error, as dbt's unexpected null.
 */
export function freshnessSql(node: SourceNode, loadedAtQuery?: string): string {
  // dbt's collect_freshness_custom_sql: the query's one value is the newest load time.
  if (loadedAtQuery !== undefined)
    return `with source_query as (\n${loadedAtQuery.trim().replace(/;\s*$/, '')}\n)\nselect toString(toDateTime64((select * from source_query), 3, 'UTC')) as max_loaded_at, toString(now64(3, 'UTC')) as snapshotted_at, 1 as n`;
  const where = node.freshness?.filter ? `\nwhere ${node.freshness.filter}` : '';
  return `select toString(toDateTime64(max(${node.loadedAtField}), 3, 'UTC')) as max_loaded_at, toString(now64(3, 'UTC')) as snapshotted_at, count() as n\nfrom ${relationSql(node.relation.schema, node.relation.identifier)}${where}`;
}

/** Checks the sources' freshness, `threads` at a time, reporting each as it ends. */
export async function checkFreshness(adapter: ClickHouseAdapter, sources: readonly SourceNode[], threads: number, onEvent: EventHandler, signal?: AbortSignal, renderQuery: (node: SourceNode) => string = (n) => n.loadedAtQuery ?? ''): Promise<FreshnessResult[]> {
  const results: FreshnessResult[] = [];
  let next = 0;
  let started = 0;
  const worker = async () => {
    while (next < sources.length && !signal?.aborted) {
      const node = sources[next++]!;
      const index = ++started;
      onEvent({ type: 'freshness_started', node, index, total: sources.length });
      const result = await checkOne(adapter, node, signal, renderQuery);
      results.push(result);
      onEvent({ type: 'freshness_finished', result, index, total: sources.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, sources.length)) }, worker));
  return results;
}

async function checkOne(adapter: ClickHouseAdapter, node: SourceNode, signal: AbortSignal | undefined, renderQuery: (node: SourceNode) => string): Promise<FreshnessResult> {
  const start = new Date();
  const base = { uniqueId: node.uniqueId, node, criteria: node.freshness ?? {}, startedAt: start.toISOString() };
  const done = () => ({ completedAt: new Date().toISOString(), executionTime: (Date.now() - start.getTime()) / 1000 });
  try {
    // dbt 1.10 checks a source with a threshold but no loaded_at_field by the warehouse's metadata
    // where the adapter can; ClickHouse (as dbt-clickhouse) cannot: dbt's runtime error.
    if (node.loadedAtField === undefined && node.loadedAtQuery === undefined)
      return { ...base, ...done(), status: 'runtime error', message: `Could not compute freshness for source ${node.name}: no 'loaded_at_field' provided and clickhouse adapter does not support metadata-based freshness checks.` };
    const sql = freshnessSql(node, node.loadedAtQuery !== undefined ? renderQuery(node) : undefined);
    const [row] = await adapter.client.query<{ max_loaded_at: string | null; snapshotted_at: string; n: string | number }>(sql, { signal });
    // No rows, or only NULLs in loaded_at_field: dbt's UnexpectedNullError.
    if (!row || Number(row.n) === 0 || row.max_loaded_at === null) {
      if (node.loadedAtQuery !== undefined) return { ...base, ...done(), status: 'runtime error', message: `The loaded_at_query of source ${node.sourceName}.${node.name} returned no value` };
      return { ...base, ...done(), status: 'runtime error', message: `Field ${node.loadedAtField} in source ${node.sourceName}.${node.name} was unexpectedly null (no rows${node.freshness?.filter ? ' match the freshness filter' : ''})` };
    }
    const maxLoadedAt = new Date(`${row.max_loaded_at!.replace(' ', 'T')}Z`);
    const snapshottedAt = new Date(`${row.snapshotted_at.replace(' ', 'T')}Z`);
    const ageSeconds = (snapshottedAt.getTime() - maxLoadedAt.getTime()) / 1000;
    return { ...base, ...done(), status: freshnessStatus(ageSeconds, node), maxLoadedAt: maxLoadedAt.toISOString(), snapshottedAt: snapshottedAt.toISOString(), ageSeconds };
  } catch (error) {
    return { ...base, ...done(), status: 'runtime error', message: (error as Error).message };
  }
}
