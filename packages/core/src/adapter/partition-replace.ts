import type { Relation } from '../manifest/nodes.js';
import { relationSql, sqlString } from '../render/placeholders.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';

/*
 * An ALTER replacing several partitions (insert_overwrite, delete+insert, microbatch,
 * distributed_incremental: Staging.replacePartitions), or adding them (append: Staging.appendPartitions),
 * runs its clauses one after the other, each committed on its own: a process killed in the middle of it (the embedded engine dying with it)
 * leaves some partitions new and the others old. So the staged table, right before the ALTER, is
 * marked with what the ALTER does (`tsdbt:replacing:<json>`: the target and the partitions replaced,
 * emptied or moved in) and dropped right after it. A marked staged table a dead run left is the ALTER
 * to finish: the next sweep of its database (temporaries.ts, before any model of that database builds)
 * runs it again — REPLACE PARTITION from the same staged table gives the same partition, DROP
 * PARTITION of an emptied one empties it again, and an added partition is MOVEd (not attached: a
 * moved partition leaves the staged table in the same commit, so a repeat moves only what is left;
 * absent, nothing) — and only then drops it: roll forward, never back. A kill after the ALTER and
 * before the drop repeats it at the next run: rows written into those partitions in between (by
 * another writer) would be replaced again.
 */

/** The comment of a staged table whose partitions are being put in place of the target's. */
export const REPLACING_COMMENT = 'tsdbt:replacing:';

/** What a marked staged table's ALTER does. */
export interface PartitionReplace {
  readonly target: Relation;
  readonly replaced: readonly string[];
  readonly emptied: readonly string[];
  /** Partitions moved from the staged table into the target (append), instead of replaced. */
  readonly moved?: readonly string[];
  /**
   * One ALTER of several that must all happen (Staging.appendPartitionsTogether): the first table's staged table,
   * whose mark — made after every other's — commits the group. Without it this one is not finished, only dropped.
   */
  readonly after?: Relation;
  /** On the group's first staged table: the others (each marked with `after`), finished with it. */
  readonly group?: readonly Relation[];
}

/** The ALTER's clauses: each partition in `replaced` becomes `staged`'s, each in `emptied` (and not replaced) is dropped. */
export function replaceClauses(staged: Relation, replaced: readonly string[], emptied: readonly string[]): string[] {
  const from = relationSql(staged.schema, staged.identifier);
  return [
    ...replaced.map((id) => `REPLACE PARTITION ID ${sqlString(id)} FROM ${from}`),
    ...emptied.filter((id) => !replaced.includes(id)).map((id) => `DROP PARTITION ID ${sqlString(id)}`),
  ];
}

const clauseCount = (staged: Relation, r: PartitionReplace) => r.moved?.length ?? replaceClauses(staged, r.replaced, r.emptied).length;

/** The ALTER itself (on every host in cluster mode). */
export async function alterPartitions(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace): Promise<void> {
  const into = relationSql(r.target.schema, r.target.identifier);
  if (r.moved) {
    if (r.moved.length) await adapter.ddl(`ALTER TABLE ${relationSql(staged.schema, staged.identifier)}${adapter.onCluster()} ${r.moved.map((id) => `MOVE PARTITION ID ${sqlString(id)} TO TABLE ${into}`).join(', ')}`);
    return;
  }
  const clauses = replaceClauses(staged, r.replaced, r.emptied);
  if (clauses.length === 0) return;
  // On a cluster a shard whose staged table has no rows of a partition empties it: said outright where the server asks.
  const settings = adapter.cluster && (await adapter.hasSetting('allow_replace_partition_from_empty_source')) ? { allow_replace_partition_from_empty_source: 1 } : undefined;
  await adapter.ddl(`ALTER TABLE ${into}${adapter.onCluster()} ${clauses.join(', ')}`, { settings });
}

/**
 * Marks `staged` with its ALTER, durably, where the server keeps table comments (true when it did).
 * More than one partition only (an ALTER of one partition is one commit), unless `always` (one ALTER of several
 * that must all happen: Staging.appendPartitionsTogether).
 */
export async function markReplacing(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace, always = false): Promise<boolean> {
  if ((!always && clauseCount(staged, r) < 2) || !(await adapter.hasTableComments())) return false;
  const pair = (rel: Relation) => [rel.schema, rel.identifier];
  const record = JSON.stringify({
    target: pair(r.target), replaced: r.replaced, emptied: r.emptied, ...(r.moved ? { moved: r.moved } : {}),
    ...(r.after ? { after: pair(r.after) } : {}), ...(r.group ? { group: r.group.map(pair) } : {}),
  });
  await adapter.ddl(`ALTER TABLE ${relationSql(staged.schema, staged.identifier)}${adapter.onCluster()} MODIFY COMMENT ${sqlString(`${REPLACING_COMMENT}${record}`)}`);
  return true;
}

/** The ALTER a marked staged table's comment records (undefined for any other comment). */
export function parseReplacing(comment: string | undefined): PartitionReplace | undefined {
  if (!comment?.startsWith(REPLACING_COMMENT)) return undefined;
  try {
    type Pair = [string, string];
    const r = JSON.parse(comment.slice(REPLACING_COMMENT.length)) as { target: Pair; replaced: string[]; emptied: string[]; moved?: string[]; after?: Pair; group?: Pair[] };
    const rel = (p: Pair) => ({ schema: p[0], identifier: p[1] });
    return {
      target: rel(r.target), replaced: r.replaced, emptied: r.emptied, ...(r.moved ? { moved: r.moved } : {}),
      ...(r.after ? { after: rel(r.after) } : {}), ...(r.group ? { group: r.group.map(rel) } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The ALTER `rel`'s comment records, if it is a marked staged table that exists (any database). */
export async function markedReplace(adapter: ClickHouseAdapter, rel: Relation): Promise<PartitionReplace | undefined> {
  const [row] = await adapter.systemQuery<{ comment: string }>(`SELECT comment FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  return parseReplacing(row?.comment);
}

/**
 * Finishes a dead run's marked ALTER from its staged table (temporaries.ts' sweep): true when done or nothing is
 * left to do (the staged table may go), false to keep it for the next sweep. A group member whose group was not
 * committed (its first table unmarked or gone) is not finished: gone, the first table either was never marked —
 * nothing of the group happened — or was finished with its whole group, this one included.
 */
export async function finishReplace(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace): Promise<boolean> {
  try {
    if (r.after && !(await markedReplace(adapter, r.after))) return true;
    if (await adapter.relationKind(r.target)) await alterPartitions(adapter, staged, r);
    for (const member of r.group ?? []) {
      const m = await markedReplace(adapter, member);
      if (m && (await adapter.relationKind(m.target))) await alterPartitions(adapter, member, m);
    }
    return true;
  } catch {
    return false;
  }
}
