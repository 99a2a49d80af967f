import type { Relation } from '../manifest/nodes.js';
import { relationSql, sqlString } from '../render/placeholders.js';
import { DatabaseError } from '../shared/errors.js';
import { isSyntaxError } from './capabilities.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';

/*
 * A replicated table's replicas brought up to date before what a replica holds decides anything: a table swapped in
 * (Staging), an old table read for the rows to carry and then dropped (copy-carry.ts finishCarry), a count a copy is
 * checked against (copy-count.ts). SYSTEM SYNC REPLICA, ON CLUSTER in cluster mode (servers without that form, 18.x:
 * this host's replica). Refused for want of the privilege (20.x+ ACCESS_DENIED; a readonly profile): the same wait
 * without it, system.replicas read until this host's replica has pulled the whole replication log and fetched every
 * part it lists. What cannot be synced fails: the caller keeps what it was to drop.
 */

/** How long the wait without the privilege waits for this host's replica (the server's own wait: receive_timeout). */
const CATCH_UP_MS = 120_000;

/** Whether `error` refuses the statement for want of a privilege (not a failure of the sync itself). */
export function refusedForPrivilege(error: unknown): boolean {
  return /Code: (497|164)\b|ACCESS_DENIED|Not enough privileges|readonly mode/i.test(String((error as Error)?.message ?? error));
}

/**
 * Syncs `rel`'s replicas when it is a replicated table (else nothing): every replica in cluster mode where the server
 * can, this host's otherwise. Throws the server's error, or (refused for want of the privilege, and this replica not
 * caught up without it either) DatabaseError 'replica_sync_failed' naming the table and both causes.
 */
export async function syncReplica(adapter: ClickHouseAdapter, rel: Relation, options: { catchUpMs?: number } = {}): Promise<void> {
  const [row] = await adapter.systemQuery<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  if (!row || !row.engine.startsWith('Replicated')) return;
  const name = relationSql(rel.schema, rel.identifier);
  try {
    if (adapter.cluster && adapter.capabilities.peek('sync_replica_on_cluster') !== false) {
      try {
        await adapter.client.command(`SYSTEM SYNC REPLICA ${name}${adapter.onCluster()}`);
        adapter.capabilities.learn('sync_replica_on_cluster', true);
        return;
      } catch (error) {
        if (!isSyntaxError(error)) throw error;
        adapter.capabilities.learn('sync_replica_on_cluster', false);
      }
    }
    await adapter.client.command(`SYSTEM SYNC REPLICA ${name}`);
  } catch (error) {
    if (!refusedForPrivilege(error)) throw error;
    await caughtUp(adapter, rel, options.catchUpMs ?? CATCH_UP_MS).catch((e: unknown) => {
      throw syncFailed(rel, e, error);
    });
  }
}

/** Waits until this host's replica of `rel` has pulled the whole replication log and fetched every part it lists. */
async function caughtUp(adapter: ClickHouseAdapter, rel: Relation, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [r] = await adapter.systemQuery<{ inserts: string | number; pointer: string | number; max: string | number; readonly: string | number }>(
      `SELECT inserts_in_queue AS inserts, log_pointer AS pointer, log_max_index AS max, is_readonly AS readonly FROM system.replicas ` +
        `WHERE database = ${sqlString(rel.schema)} AND table = ${sqlString(rel.identifier)}`,
    );
    if (!r) return; // not replicated (any more)
    // log_pointer: the next log entry to pull; log_max_index: the last one written (by any replica).
    if (Number(r.readonly) === 0 && Number(r.inserts) === 0 && Number(r.pointer) > Number(r.max)) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `this replica still had ${Number(r.inserts)} part${Number(r.inserts) === 1 ? '' : 's'} to fetch (log entry ${r.pointer} of ${r.max}${Number(r.readonly) ? ', read-only: no ZooKeeper session' : ''}) after ${Math.round(ms / 1000)} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function syncFailed(rel: Relation, error: unknown, refusal: unknown): DatabaseError {
  const said = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];
  return new DatabaseError('replica_sync_failed', `The replicas of ${rel.schema}.${rel.identifier} could not be synced: ${said(refusal)}; waiting for this replica without it: ${said(error)}`, {
    hint: 'Make every replica reachable (see system.replicas: active_replicas, is_session_expired) and grant the user SYSTEM SYNC REPLICA, then run again.',
    cause: error,
  });
}
