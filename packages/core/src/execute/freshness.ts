import type { ClickHouseAdapter } from '../adapter/clickhouse-adapter.js';
import type { FreshnessRule, SourceNode } from '../manifest/nodes.js';
import { relationSql } from '../render/placeholders.js';
import type { EventHandler } from '../report/events.js';
import type { FreshnessResult, FreshnessStatus } from '../report/freshness-results.js';
import type { Collected } from './collect-freshness.js';

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
 * server's now(), both in UTC (`n`: the rows counted — max() of none is 1970-01-01 on ClickHouse).
 */
export function freshnessSql(node: SourceNode, loadedAtQuery?: string): string {
  // dbt's collect_freshness_custom_sql: the query's one value is the newest load time.
  if (loadedAtQuery !== undefined)
    return `with source_query as (\n${loadedAtQuery.trim().replace(/;\s*$/, '')}\n)\nselect toString(toDateTime64((select * from source_query), 3, 'UTC')) as max_loaded_at, toString(now64(3, 'UTC')) as snapshotted_at, 1 as n`;
  const where = node.freshness?.filter ? `\nwhere ${node.freshness.filter}` : '';
  return `select toString(toDateTime64(max(${node.loadedAtField}), 3, 'UTC')) as max_loaded_at, toString(now64(3, 'UTC')) as snapshotted_at, count() as n\nfrom ${relationSql(node.relation.schema, node.relation.identifier)}${where}`;
}

/** The newest load time of no rows (dbt's "infinitely long ago": 0001-01-01 UTC). */
const LONG_AGO = new Date('0001-01-01T00:00:00Z');

/** Another way to collect a source's times (a project's collect_freshness macro: collect-freshness.ts). */
export type CollectFreshness = (node: SourceNode, loadedAtQuery: string | undefined) => Collected;

/** Checks the sources' freshness, `threads` at a time, reporting each as it ends. */
export async function checkFreshness(adapter: ClickHouseAdapter, sources: readonly SourceNode[], threads: number, onEvent: EventHandler, signal?: AbortSignal, renderQuery: (node: SourceNode) => string = (n) => n.loadedAtQuery ?? '', collect?: CollectFreshness): Promise<FreshnessResult[]> {
  const results: FreshnessResult[] = [];
  let next = 0;
  let started = 0;
  const worker = async () => {
    while (next < sources.length && !signal?.aborted) {
      const node = sources[next++]!;
      const index = ++started;
      onEvent({ type: 'freshness_started', node, index, total: sources.length });
      const result = await checkOne(adapter, node, signal, renderQuery, collect);
      results.push(result);
      onEvent({ type: 'freshness_finished', result, index, total: sources.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, sources.length)) }, worker));
  return results;
}

async function checkOne(adapter: ClickHouseAdapter, node: SourceNode, signal: AbortSignal | undefined, renderQuery: (node: SourceNode) => string, collect: CollectFreshness | undefined): Promise<FreshnessResult> {
  const start = new Date();
  const base = { uniqueId: node.uniqueId, node, criteria: node.freshness ?? {}, startedAt: start.toISOString() };
  const done = () => ({ completedAt: new Date().toISOString(), executionTime: (Date.now() - start.getTime()) / 1000 });
  try {
    // dbt 1.10 checks a source with a threshold but no loaded_at_field by the warehouse's metadata
    // where the adapter can; ClickHouse (as dbt-clickhouse) cannot: dbt's runtime error.
    if (node.loadedAtField === undefined && node.loadedAtQuery === undefined)
      return { ...base, ...done(), status: 'runtime error', message: `Could not compute freshness for source ${node.name}: no 'loaded_at_field' provided and clickhouse adapter does not support metadata-based freshness checks.` };
    const query = node.loadedAtQuery !== undefined ? renderQuery(node) : undefined;
    const collected = collect ? collect(node, query) : await ownQuery(adapter, node, query, signal);
    // dbt-adapters' _create_freshness_response: no rows (or only NULLs) is "infinitely long ago", judged
    // by the thresholds like any other age (stale past error_after), not a runtime error.
    const maxLoadedAt = collected.maxLoadedAt ?? LONG_AGO;
    const ageSeconds = (collected.snapshottedAt.getTime() - maxLoadedAt.getTime()) / 1000;
    return { ...base, ...done(), status: freshnessStatus(ageSeconds, node), maxLoadedAt: maxLoadedAt.toISOString(), snapshottedAt: collected.snapshottedAt.toISOString(), ageSeconds };
  } catch (error) {
    return { ...base, ...done(), status: 'runtime error', message: (error as Error).message };
  }
}

/** tsdbt's own collect_freshness query (the macros' ClickHouse forms, in one statement). */
async function ownQuery(adapter: ClickHouseAdapter, node: SourceNode, loadedAtQuery: string | undefined, signal: AbortSignal | undefined): Promise<Omit<Collected, 'oldSignature'>> {
  const [row] = await adapter.client.query<{ max_loaded_at: string | null; snapshotted_at: string; n: string | number }>(freshnessSql(node, loadedAtQuery), { signal });
  const at = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
  const none = !row || Number(row.n) === 0 || row.max_loaded_at === null;
  return { maxLoadedAt: none ? null : at(row.max_loaded_at!), snapshottedAt: row ? at(row.snapshotted_at) : new Date() };
}
