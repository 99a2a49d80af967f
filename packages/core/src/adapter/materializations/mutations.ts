import type { Relation } from '../../manifest/nodes.js';
import { relationSql } from '../../render/placeholders.js';
import type { NodeConfig } from '../../manifest/config.js';
import { DatabaseError, ProjectError } from '../../shared/errors.js';
import { sqlString, type ClickHouseAdapter } from '../clickhouse-adapter.js';

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
      throw new DatabaseError('mutation_timeout', `The DELETE on ${rel.schema}.${rel.identifier} is not done${adapter.cluster ? ' on every shard' : ''} after ${timeoutMs / 1000} s`, {
        hint: 'See system.mutations (parts_to_do); the rows were not inserted yet, run again once it is done.',
      });
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * The model's `mutations_sync` (dbt-clickhouse's name): how many replicas a DELETE waits for, 1 (this
 * one), 2 (all, the default) or 3 (the active ones). Never 0: a delete+insert's INSERT must follow
 * its DELETE, and the staged keys the DELETE reads are dropped right after.
 */
export function mutationsSyncOf(config: NodeConfig, file?: string): 1 | 2 | 3 {
  const raw = config.mutations_sync;
  if (raw === undefined || raw === null) return 2;
  const n = Number(raw);
  if (n === 1 || n === 2 || n === 3) return n;
  throw new ProjectError('mutations_sync', `mutations_sync must be 1, 2 or 3, not ${JSON.stringify(raw)}`, {
    file,
    hint: 'tsdbt waits for the DELETE of a delete+insert before its INSERT: 1 waits for this replica, 2 for all replicas, 3 for the active ones.',
  });
}

/** Whether any row of `rel` (read through `from`, default `rel`) matches `where`. */
export async function anyRowMatches(adapter: ClickHouseAdapter, from: Relation, where: string, signal?: AbortSignal): Promise<boolean> {
  const rows = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM (SELECT 1 FROM ${relationSql(from.schema, from.identifier)} WHERE ${where} LIMIT 1)`, { signal });
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * Deletes the rows of `rel` matching `where` and waits until they are gone: a lightweight DELETE
 * where the server has one (23.3+), else a mutation (`ALTER TABLE … DELETE`), waited for. Nothing is
 * sent when no row matches: a DELETE with an empty match still runs a mutation over the table's parts.
 * Returns whether a DELETE ran.
 */
export async function deleteWhere(adapter: ClickHouseAdapter, rel: Relation, where: string, options: { signal?: AbortSignal; sync?: 1 | 2 | 3 } = {}): Promise<boolean> {
  const { signal, sync = 2 } = options;
  if (!(await anyRowMatches(adapter, rel, where, signal))) return false;
  const table = relationSql(rel.schema, rel.identifier);
  if (await adapter.hasSetting('mutations_sync')) {
    const settings = { mutations_sync: sync, ...((await adapter.hasSetting('lightweight_deletes_sync')) ? { lightweight_deletes_sync: sync } : {}) };
    try {
      await adapter.client.command(`DELETE FROM ${table} WHERE ${where}`, { signal, settings });
      return true;
    } catch (error) {
      // No lightweight DELETE on this server (syntax error), or not on a table with projections
      // (lightweight_mutation_projection_mode = throw): a classic mutation handles both.
      if (!/Syntax error|has projections|lightweight_mutation_projection_mode/i.test(String((error as Error).message))) throw error;
    }
    await adapter.client.command(`ALTER TABLE ${table} DELETE WHERE ${where}`, { signal, settings: { mutations_sync: sync } });
    return true;
  }
  await adapter.client.command(`ALTER TABLE ${table} DELETE WHERE ${where}`, { signal });
  await waitForMutations(adapter, rel, undefined, signal);
  return true;
}

/** dbt-clickhouse's incremental_predicates, as ` AND (…)` clauses narrowing a delete+insert's DELETE. */
export function predicatesClause(predicates: unknown): string {
  const list = Array.isArray(predicates) ? predicates : predicates ? [predicates] : [];
  return list.map((p) => ` AND (${String(p)})`).join('');
}
