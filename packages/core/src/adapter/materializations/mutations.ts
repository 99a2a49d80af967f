import type { Relation } from '../../manifest/nodes.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { sqlString } from '../../render/placeholders.js';

/**
 * Waits for the mutations of `rel` (on every shard in cluster mode): 18.x has no mutations_sync,
 * newer servers already waited. A mutation still running after `timeoutMs` is an error.
 */
export async function waitForMutations(adapter: ClickHouseAdapter, rel: Relation, timeoutMs = 600_000, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const from = adapter.cluster ? `cluster(${sqlString(adapter.cluster)}, system, mutations)` : 'system.mutations';
  const sql = `SELECT count() AS n FROM ${from} WHERE database = ${sqlString(rel.schema)} AND table = ${sqlString(rel.identifier)} AND NOT is_done`;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    const [row] = await adapter.client.query<{ n: string | number }>(sql, { signal });
    if (Number(row?.n ?? 0) === 0) return;
    if (Date.now() > deadline)
      throw new DatabaseError('mutation_timeout', `The mutation on ${rel.schema}.${rel.identifier} is not done${adapter.cluster ? ' on every shard' : ''} after ${timeoutMs / 1000} s`, {
        hint: 'See system.mutations (parts_to_do).',
      });
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** dbt-clickhouse's incremental_predicates, as ` AND (…)` clauses narrowing which rows a delete+insert replaces. */
export function predicatesClause(predicates: unknown): string {
  const list = Array.isArray(predicates) ? predicates : predicates ? [predicates] : [];
  return list.map((p) => ` AND (${String(p)})`).join('');
}
