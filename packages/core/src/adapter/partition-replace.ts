import type { Relation } from '../manifest/nodes.js';
import { relationSql, sqlString } from '../render/placeholders.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import { DatabaseError } from '../shared/errors.js';
import { fitQuerySize } from './statement-settings.js';

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
 * absent, nothing) — and only then drops it: roll forward, never back.
 * A kill after the ALTER and before the drop would repeat it: rows another writer put in those partitions
 * meanwhile would be replaced (or dropped) again. So a repeat does only the partitions not done yet. The mark
 * records each replaced or emptied partition's highest block number in the target then (`blocks`): REPLACE and
 * DROP PARTITION remove every part up to the current block at once, so a partition is done once none of its
 * active parts starts at or below that number (merges keep the lowest). A partition the target has no rows in
 * then: emptied, it needs nothing; replaced, it is MOVEd in instead (`moved`, before the REPLACE clauses: the
 * staged table itself then says what is left, and rows another writer put there stay). Before, it was REPLACEd and
 * judged done when it held every staged part's clone (same hash_of_all_files): a merge of a clone with another
 * writer's part hid them, and the repeat replaced that writer's rows (marks of that form are still read so). On a
 * cluster (parts per host) no blocks are recorded and the whole ALTER is repeated.
 */

/** The comment of a staged table whose partitions are being put in place of the target's. */
export const REPLACING_COMMENT = 'tsdbt:replacing:';

/** What a marked staged table's ALTER does. */
export interface PartitionReplace {
  readonly target: Relation;
  readonly replaced: readonly string[];
  readonly emptied: readonly string[];
  /** Partitions moved from the staged table into the target (append; or replaced ones the target had no rows in, see above). */
  readonly moved?: readonly string[];
  /**
   * One ALTER of several that must all happen (Staging.appendPartitionsTogether): the first table's staged table,
   * whose mark — made after every other's — commits the group. Without it this one is not finished, only dropped.
   */
  readonly after?: Relation;
  /** On the group's first staged table: the others (each marked with `after`), finished with it. */
  readonly group?: readonly Relation[];
  /** Replaced or emptied partitions the target had parts in when marked: their highest block number then (see above). */
  readonly blocks?: Readonly<Record<string, number>>;
}

/** The ALTER's clauses: each partition in `replaced` becomes `staged`'s, each in `emptied` (and not replaced) is dropped. */
export function replaceClauses(staged: Relation, replaced: readonly string[], emptied: readonly string[]): string[] {
  const from = relationSql(staged.schema, staged.identifier);
  return [
    ...replaced.map((id) => `REPLACE PARTITION ID ${sqlString(id)} FROM ${from}`),
    ...emptied.filter((id) => !replaced.includes(id)).map((id) => `DROP PARTITION ID ${sqlString(id)}`),
  ];
}

const clauseCount = (staged: Relation, r: PartitionReplace) => (r.moved?.length ?? 0) + replaceClauses(staged, r.replaced, r.emptied).length;

/** The ALTER itself (on every host in cluster mode): the moves (one ALTER of the staged table), then the replaces (one of the target). */
export async function alterPartitions(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace): Promise<void> {
  const into = relationSql(r.target.schema, r.target.identifier);
  if (r.moved?.length) await sized(adapter, `ALTER TABLE ${relationSql(staged.schema, staged.identifier)}${adapter.onCluster()} ${r.moved.map((id) => `MOVE PARTITION ID ${sqlString(id)} TO TABLE ${into}`).join(', ')}`);
  const clauses = replaceClauses(staged, r.replaced, r.emptied);
  if (clauses.length === 0) return;
  // On a cluster a shard whose staged table has no rows of a partition empties it: said outright where the server asks.
  const settings = adapter.cluster && (await adapter.hasSetting('allow_replace_partition_from_empty_source')) ? { allow_replace_partition_from_empty_source: 1 } : undefined;
  await sized(adapter, `ALTER TABLE ${into}${adapter.onCluster()} ${clauses.join(', ')}`, settings);
}

/**
 * A DDL statement tsdbt writes with a clause (or a name) per partition: thousands of partitions pass max_query_size
 * (256 KiB by default), so it carries the size it needs (statement-settings.ts fitQuerySize).
 */
export function sized(adapter: ClickHouseAdapter, sql: string, settings?: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
  const fit = fitQuerySize(sql);
  return adapter.ddl(sql, settings || fit || signal ? { signal, settings: { ...settings, ...fit } } : undefined);
}

/**
 * Hard-links `from`'s parts of the partitions `ids` into `to` (a table like it): one ALTER of an ATTACH clause per
 * partition, sized() — a table of thousands of partitions passes max_query_size otherwise. `onCluster`: on every host.
 */
export async function attachPartitionsFrom(adapter: ClickHouseAdapter, from: Relation, to: Relation, ids: readonly string[], options: { onCluster?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  if (ids.length === 0) return;
  const source = relationSql(from.schema, from.identifier);
  const clauses = ids.map((id) => `ATTACH PARTITION ID ${sqlString(id)} FROM ${source}`).join(', ');
  await sized(adapter, `ALTER TABLE ${relationSql(to.schema, to.identifier)}${options.onCluster ? adapter.onCluster() : ''} ${clauses}`, undefined, options.signal);
}

/**
 * Marks `staged` with its ALTER, durably, where the server keeps table comments (the ALTER as recorded when it did).
 * More than one partition only (an ALTER of one partition is one commit), unless `always` (one ALTER of several
 * that must all happen: Staging.appendPartitionsTogether).
 */
export async function markReplacing(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace, always = false): Promise<PartitionReplace | undefined> {
  if ((!always && clauseCount(staged, r) < 2) || !(await adapter.hasTableComments())) return undefined;
  const ids = [...new Set([...r.replaced, ...r.emptied])];
  let recorded = r;
  if (ids.length && !adapter.cluster) {
    const blocks = await highestBlocks(adapter, r.target, ids);
    // Replaced partitions the target has no rows in are moved in instead (see above).
    const fresh = r.moved ? [] : r.replaced.filter((id) => !(id in blocks));
    recorded = { ...r, replaced: r.replaced.filter((id) => !fresh.includes(id)), ...(fresh.length ? { moved: fresh } : {}), blocks };
  }
  const pair = (rel: Relation) => [rel.schema, rel.identifier];
  const record = JSON.stringify({
    target: pair(r.target), replaced: recorded.replaced, emptied: r.emptied, ...(recorded.moved ? { moved: recorded.moved } : {}),
    ...(r.after ? { after: pair(r.after) } : {}), ...(r.group ? { group: r.group.map(pair) } : {}), ...(recorded.blocks ? { blocks: recorded.blocks } : {}),
  });
  await sized(adapter, `ALTER TABLE ${relationSql(staged.schema, staged.identifier)}${adapter.onCluster()} MODIFY COMMENT ${sqlString(`${REPLACING_COMMENT}${record}`)}`);
  return recorded;
}

/** Parts with rows: a DROP or MOVE PARTITION leaves an empty part covering what it removed (26.7). */
const partsWhere = (rel: Relation, ids: readonly string[]) =>
  `active AND rows > 0 AND database = ${sqlString(rel.schema)} AND table = ${sqlString(rel.identifier)} AND partition_id IN (${ids.map(sqlString).join(', ')})`;

/** The highest block number of each of `ids` that `target` has parts in. */
async function highestBlocks(adapter: ClickHouseAdapter, target: Relation, ids: readonly string[]): Promise<Record<string, number>> {
  const rows = await adapter.systemQuery<{ id: string; b: string | number }>(`SELECT partition_id AS id, max(max_block_number) AS b FROM system.parts WHERE ${partsWhere(target, ids)} GROUP BY id`);
  return Object.fromEntries(rows.map((row) => [row.id, Number(row.b)]));
}

/** The partitions of a marked REPLACE/DROP still to do (see above): all of them when no blocks were recorded. */
async function partitionsLeft(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace): Promise<PartitionReplace> {
  const blocks = r.blocks;
  if (!blocks) return r;
  const ids = [...new Set([...r.replaced, ...r.emptied])];
  if (ids.length === 0) return r;
  const parts = await adapter.systemQuery<{ id: string; low: string | number; hash: string }>(
    `SELECT partition_id AS id, min_block_number AS low, hash_of_all_files AS hash FROM system.parts WHERE ${partsWhere(r.target, ids)}`,
  );
  const clones = r.replaced.length
    ? await adapter.systemQuery<{ id: string; hash: string }>(`SELECT partition_id AS id, hash_of_all_files AS hash FROM system.parts WHERE ${partsWhere(staged, r.replaced)}`)
    : [];
  const left = (id: string) => {
    const mine = parts.filter((p) => p.id === id);
    if (id in blocks) return mine.some((p) => Number(p.low) <= blocks[id]!);
    if (!r.replaced.includes(id)) return false; // emptied, and empty when marked: nothing to drop
    // Replaced, and empty when marked, by a mark of before moves (see above).
    const have = new Set(mine.map((p) => p.hash));
    const want = clones.filter((c) => c.id === id);
    return want.length > 0 && !want.every((c) => have.has(c.hash)); // nothing staged: it stays empty
  };
  return { ...r, replaced: r.replaced.filter(left), emptied: r.emptied.filter(left) };
}

/** The ALTER a marked staged table's comment records (undefined for any other comment). */
export function parseReplacing(comment: string | undefined): PartitionReplace | undefined {
  if (!comment?.startsWith(REPLACING_COMMENT)) return undefined;
  try {
    type Pair = [string, string];
    const r = JSON.parse(comment.slice(REPLACING_COMMENT.length)) as {
      target: Pair; replaced: string[]; emptied: string[]; moved?: string[]; after?: Pair; group?: Pair[]; blocks?: Record<string, number>;
    };
    const rel = (p: Pair) => ({ schema: p[0], identifier: p[1] });
    return {
      target: rel(r.target), replaced: r.replaced, emptied: r.emptied, ...(r.moved ? { moved: r.moved } : {}),
      ...(r.after ? { after: rel(r.after) } : {}), ...(r.group ? { group: r.group.map(rel) } : {}), ...(r.blocks ? { blocks: r.blocks } : {}),
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
export async function finishReplace(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace, onError?: (error: unknown) => void): Promise<boolean> {
  try {
    if (r.after && !(await markedReplace(adapter, r.after))) return true;
    if (await adapter.relationKind(r.target)) await alterPartitions(adapter, staged, await partitionsLeft(adapter, staged, r));
    for (const member of r.group ?? []) {
      const m = await markedReplace(adapter, member);
      if (m && (await adapter.relationKind(m.target))) await alterPartitions(adapter, member, await partitionsLeft(adapter, member, m));
    }
    return true;
  } catch (error) {
    onError?.(error);
    return false;
  }
}

/*
 * A marked ALTER the server refuses each time (the target's columns changed since, a partition grown past
 * max_partition_size_to_drop, a full disk…) must not be retried silently at every sweep while the model builds
 * over half-replaced partitions (a --full-refresh would even have the stale staged rows put into the new table
 * later). A sweep that fails to finish one twice in a row records it here; the build of its target is then
 * refused with what the server said and what to do (prepareTarget, staging.ts), and other commands warn
 * (pending-work.ts). The staged table stays, marked: the next command tries again.
 */
const stuck = new WeakMap<ClickHouseAdapter, Map<string, DatabaseError>>();

const key = (rel: Relation) => `${rel.schema}.${rel.identifier}`;

/** Forgets what was stuck in `schema` (a sweep of it starts). */
export function clearStuck(adapter: ClickHouseAdapter, schema: string): void {
  const m = stuck.get(adapter);
  for (const [k, e] of m ?? []) if ((e as StuckError).stagedSchema === schema) m!.delete(k);
}

interface StuckError extends DatabaseError {
  stagedSchema?: string;
}

/** Records that the marked `staged` table's ALTER on its target could not be finished (`error`: the last refusal). */
export function recordStuck(adapter: ClickHouseAdapter, staged: Relation, r: PartitionReplace, error: unknown): void {
  const target = relationSql(r.target.schema, r.target.identifier);
  const from = relationSql(staged.schema, staged.identifier);
  const said = String((error as Error)?.message ?? error).split('\n')[0];
  const parts = [...(r.moved ?? []), ...r.replaced, ...r.emptied];
  const e: StuckError = new DatabaseError(
    'partition_alter_not_finished',
    `A killed run's partition ALTER on ${target} could not be finished: ${said}. Partition${parts.length === 1 ? '' : 's'} ${parts.join(', ')} of ${target} may be half replaced; the new rows are kept in ${from} (marked tsdbt:replacing:). ` +
      // In the message, not a hint: a model's result carries only the message.
      `Fix what the server reports (e.g. put back the columns ${target} had, or raise max_partition_size_to_drop) and run again: tsdbt finishes the ALTER first. ` +
      `To give those rows up instead: DROP TABLE ${from}, then rebuild the model with --full-refresh`,
    { cause: error },
  );
  e.stagedSchema = staged.schema;
  let m = stuck.get(adapter);
  if (!m) stuck.set(adapter, (m = new Map()));
  m.set(key(r.target), e);
}

/**
 * A dead run's work on `target` that the sweep of its database could not finish and set aside (copy-carry.ts: rows
 * an old table kept because they could not be carried, named in `error`): the build of `target` in this run stops
 * with it, as for a stuck ALTER — said once, the next sweep has nothing left to find.
 */
export function recordSetAside(adapter: ClickHouseAdapter, target: Relation, error: Error): void {
  const e: StuckError = error instanceof DatabaseError ? error : new DatabaseError('direct_inserts', error.message, { cause: error });
  e.stagedSchema = target.schema;
  let m = stuck.get(adapter);
  if (!m) stuck.set(adapter, (m = new Map()));
  m.set(key(target), e);
}

/** The error a build of `target` stops with: a marked ALTER on it the last sweep could not finish. */
export function stuckReplace(adapter: ClickHouseAdapter, target: Relation): DatabaseError | undefined {
  return stuck.get(adapter)?.get(key(target));
}

/** Every marked ALTER the last sweeps could not finish (for a warning). */
export function stuckReplaces(adapter: ClickHouseAdapter): DatabaseError[] {
  return [...(stuck.get(adapter)?.values() ?? [])];
}
