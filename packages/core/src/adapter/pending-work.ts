import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import { REPLACING_COMMENT, stuckReplaces } from './partition-replace.js';
import type { DatabaseError } from '../shared/errors.js';
import { sqlString } from '../render/placeholders.js';
import { sweepDatabase } from './prepare-target.js';

/*
 * A partition ALTER cut short by a kill (partition-replace.ts: several partitions, or an append and its
 * views' targets) leaves some of its tables new and others old until a sweep of that database finishes it
 * from the marked staged tables — and a build sweeps only the databases its models build in. So every
 * command that opens the warehouse (test, show, source freshness, run-operation, docs generate, a run whose
 * models read another database…) first finishes the marked work a dead run left in the databases the project
 * reads: one system.tables query by comment; the sweep (and its liveness rule: a live run's ALTER is left
 * alone) only where a mark is found.
 */

/**
 * Finishes the marked partition ALTERs dead runs left in `databases` (see above). Best effort: never throws.
 * Returns the ones the server refused (twice), for the command to warn of (partition-replace.ts: recordStuck).
 */
export async function finishPendingWork(adapter: ClickHouseAdapter, databases: Iterable<string>): Promise<DatabaseError[]> {
  const names = [...new Set(databases)];
  if (names.length === 0) return [];
  try {
    if (!(await adapter.hasTableComments())) return [];
    const from = adapter.cluster ? `cluster(${sqlString(adapter.cluster)}, system, tables)` : 'system.tables';
    const marked = await adapter.systemQuery<{ db: string }>(
      `SELECT DISTINCT database AS db FROM ${from} WHERE database IN (${names.map(sqlString).join(', ')}) AND startsWith(comment, ${sqlString(REPLACING_COMMENT)})`,
    );
    for (const { db } of marked) await sweepDatabase(adapter, db);
  } catch {
    // Unreachable or refusing: the command's own statements report it.
  }
  return stuckReplaces(adapter);
}
