import type { Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { drainInserts } from '../inserts.js';
import type { Staging } from '../staging.js';
import { backupName, temporaryName } from '../temporaries.js';
import { committedBlocks, key, type BlockCut } from '../mv/cutoff.js';
import { at, carriedRanges, carriedRows, field, heldBy, heldWith, numbersOutOfOrder, perPartition, placeOf, sameHeld, strays, type BlockRange, type HeldBlocks } from './block-ranges.js';
import { tablesFeeding } from '../mv/mv-state.js';
import { fitQuerySize } from '../statement-settings.js';
import { assertCounted } from './copy-count.js';
import { syncReplica } from '../replica-sync.js';

/*
 * A MergeTree table changed on a copy of itself, then swapped back in (custom-strategy.ts; a rebuild
 * for new columns, incremental.ts rebuildTable): rows another writer INSERTs into the table itself
 * while the copy is worked on would go with the old table at the EXCHANGE. MergeTree numbers every committed block per partition: the copy
 * holds the blocks up to a cut (a replicated engine: exactly the blocks it read, block-ranges.ts), and whatever part the table gets outside them is carried — into the copy
 * before the EXCHANGE, then from the old table (under the copy's name) into the new one after it,
 * once the INSERTs that had bound the old table are over. Those rows land after the model's statements,
 * as if inserted right after them. A part a merge made of rows from both sides of the cut cannot be
 * split: the build stops there (before the EXCHANGE: nothing changed) or keeps the old table (after).
 */

/** What is carried: the table, why it is copied (for the messages), and the columns both tables have (a rebuild's; default every column). */
export interface CarryJob {
  readonly table: Relation;
  readonly why: string;
  readonly columns?: readonly string[];
}

/** The blocks `table` held when `copy()` cloned its parts: read before and after it, equal (else copied again). */
export async function copiedAtCut(adapter: ClickHouseAdapter, table: Relation, copy: () => Promise<void>, clear: () => Promise<void>): Promise<HeldBlocks> {
  for (let attempt = 1; ; attempt++) {
    const before = await blocksNow(adapter, table);
    await copy();
    const after = await blocksNow(adapter, table);
    if (sameHeld(before, after)) return after;
    if (attempt >= 5) throw busy(table);
    await clear();
  }
}

/** The blocks `table` holds now (read before copying its rows in them: heldRows()); exactly, for a replicated engine. */
export async function blocksNow(adapter: ClickHouseAdapter, table: Relation): Promise<HeldBlocks> {
  if (numbersOutOfOrder(await engineOf(adapter, table))) return heldBy(await activeParts(adapter, table), true);
  return { cut: (await committedBlocks(adapter, [table])).get(key(table))! };
}

/** Inserts into `to` the rows of `job.table`'s parts outside `held` (of the partitions `only`, when given); returns what `to` then holds of it. */
export async function carryAbove(adapter: ClickHouseAdapter, job: CarryJob, to: Relation, held: HeldBlocks, only?: readonly string[]): Promise<HeldBlocks> {
  const fresh = await freshParts(adapter, job.table, held, job, only);
  await insertRanges(adapter, job.table, to, held, carriedRanges(held, fresh), job, only);
  return heldWith(held, fresh);
}

/** The carry still owed after the swap, recorded right before it (see swapCarrying). */
interface CarryRecord {
  readonly held: HeldBlocks;
  /** Where no block numbers tell the rows apart (copy-count.ts): the old table's rows when copied; nothing is carried, more rows keep it. */
  readonly count?: number;
  /** The old table's UUID (Atomic databases), '' elsewhere. */
  readonly uuid: string;
  /** Where an EXCHANGE leaves the old table (the copy's name); a RENAME swap leaves it under backupName(). */
  readonly staged: Relation;
  readonly columns?: readonly string[];
  /** The table's cut of the carried partitions right before the one-INSERT carry was sent (see carryOnce); absent: not sent. */
  readonly into?: BlockCut;
}

/** The tables of run `runId`'s carry into `table`: its record, and the carried rows while gathered (`filling`) and once complete (`ready`). */
export const carryTables = (table: Relation, runId: string) => ({
  record: temporaryName(table, runId, CARRY.record),
  filling: temporaryName(table, runId, CARRY.filling),
  ready: temporaryName(table, runId, CARRY.ready),
});
/** Their purposes (`<table>__tsdbt_tmp_<run>__carry`: a record the sweep finishes, temporaries.ts). */
export const CARRY = { record: 'carry', filling: 'carryf', ready: 'carryr' } as const;

/** Where the old table keeps rows that could not be carried: a name no sweep drops. */
const keptName = (table: Relation, runId: string): Relation => ({ schema: table.schema, identifier: `${table.identifier}__tsdbt_direct_rows_${runId}` });

const q = (r: Relation) => relationSql(r.schema, r.identifier);

async function writeRecord(adapter: ClickHouseAdapter, table: Relation, rec: CarryRecord): Promise<void> {
  const { record } = carryTables(table, adapter.runId);
  await adapter.ddl(`CREATE TABLE ${q(record)} (k String, p String, v String) ENGINE = MergeTree ORDER BY tuple()`);
  const rows: [string, string, string][] = [
    ['uuid', '', rec.uuid],
    ['staged', '', rec.staged.identifier],
    ['columns', '', rec.columns ? JSON.stringify(rec.columns) : ''],
    ...(rec.count !== undefined ? [['count', '', String(rec.count)] as [string, string, string]] : []),
    ...[...rec.held.cut].map(([p, b]): [string, string, string] => ['cut', p, String(b)]),
    // Exact (a replicated engine's): the gaps below the cut, marked even when there are none.
    ...(rec.held.gaps ? [['exact', '', '1'] as [string, string, string]] : []),
    ...(rec.held.gaps ?? []).map((g): [string, string, string] => ['gap', g.p, `${g.lo}:${g.hi}`]),
  ];
  // One block: the record is all there or empty (a kill between the two statements: nothing was swapped yet).
  await adapter.client.command(`INSERT INTO ${q(record)} (k, p, v) VALUES ${rows.map((r) => `(${r.map(sqlString).join(', ')})`).join(', ')}`);
}

async function readRecord(adapter: ClickHouseAdapter, table: Relation, record: Relation): Promise<CarryRecord | undefined> {
  const rows = await adapter.client.query<{ k: string; p: string; v: string }>(`SELECT k, p, v FROM ${q(record)}`);
  const one = (k: string) => rows.find((r) => r.k === k)?.v;
  const staged = one('staged');
  if (staged === undefined) return undefined;
  const columns = one('columns');
  const count = one('count');
  const into = rows.filter((r) => r.k === 'into');
  const cut = new Map(rows.filter((r) => r.k === 'cut').map((r) => [r.p, Number(r.v)]));
  const gaps = rows.filter((r) => r.k === 'gap').map((r) => ({ p: r.p, lo: Number(r.v.split(':')[0]), hi: Number(r.v.split(':')[1]) }));
  return {
    held: one('exact') ? { cut, gaps } : { cut },
    ...(into.length ? { into: new Map(into.map((r) => [r.p, Number(r.v)])) } : {}),
    count: count !== undefined ? Number(count) : undefined,
    uuid: one('uuid') ?? '',
    staged: { schema: table.schema, identifier: staged },
    columns: columns ? (JSON.parse(columns) as string[]) : undefined,
  };
}

/** Where the old table is after run `runId`'s swap: its backup (a RENAME swap), or the copy's name holding the old table's UUID (an EXCHANGE); undefined: not swapped. */
async function oldTableOf(adapter: ClickHouseAdapter, table: Relation, runId: string, rec: CarryRecord): Promise<Relation | undefined> {
  const backup = backupName(table, runId);
  if ((await adapter.relationKind(backup)) && (await adapter.relationKind(table))) return backup;
  if (!rec.uuid) return undefined;
  const [row] = await adapter.systemQuery<{ uuid: string }>(`SELECT toString(uuid) AS uuid FROM system.tables WHERE database = ${sqlString(rec.staged.schema)} AND name = ${sqlString(rec.staged.identifier)}`);
  return row?.uuid === rec.uuid ? rec.staged : undefined;
}

/** Whether carried rows reach `table` by partition moves out of `ready` (repeatable: a moved partition leaves it), rather than one INSERT. */
async function movesCarriedRows(adapter: ClickHouseAdapter, table: Relation): Promise<boolean> {
  const [row] = await adapter.systemQuery<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(table.schema)} AND name = ${sqlString(table.identifier)}`);
  // MOVE PARTITION … TO TABLE: 19.x+; a replicated copy made AS the table would share its replication path.
  return /MergeTree$/.test(row?.engine ?? '') && !/^(Replicated|Shared)/.test(row?.engine ?? '') && (await adapter.serverVersion()).major >= 20;
}

/**
 * Finishes run `runId`'s carry into `table` after its swap, from its record (written before the swap): the old
 * table's rows committed above the recorded cut, once the INSERTs that may still write into it are over, go into
 * `table`, and the old table and the record go. Repeatable after a kill at any statement (the live run's or, if
 * it died, the next sweep's, temporaries.ts): the rows are gathered into `filling`, renamed `ready` when complete;
 * only then the old table is dropped, and `ready`'s partitions MOVE into `table` one by one (a moved partition
 * leaves `ready` in the same statement). Engines without such moves (replicated ones, servers before 20.x) get one
 * INSERT right before the old table is dropped, done once whatever kill comes between (carryOnce). Fails, changing nothing,
 * when INSERTs still run after `drainMs` (code 'drain_timeout') or a merge mixed carried rows with older ones.
 */
export async function finishCarry(adapter: ClickHouseAdapter, table: Relation, runId: string, drainMs: number, why = 'it was rebuilt beside itself'): Promise<void> {
  const t = carryTables(table, runId);
  if (!(await adapter.relationKind(t.record))) return;
  const rec = await readRecord(adapter, table, t.record);
  const job = { table, why, columns: rec?.columns };
  if (rec && !(await adapter.relationKind(t.ready))) {
    const old = await oldTableOf(adapter, table, runId, rec);
    if (old) {
      // Only INSERTs that may write into the table (by its name, which they bound the old table by, or through views).
      await drainInserts(adapter, undefined, drainMs, [...(await tablesFeeding(adapter, [table])), old]);
      // A replicated old table: the parts other replicas wrote (logged by now) fetched before it is read or counted and
      // dropped here (replica-sync.ts). Not synced, carrying or counting could miss a part another replica wrote: nothing
      // is dropped, the carry waits for a later run (whose sweep stops the table's next build until then: temporaries.ts).
      if (rec.held.gaps || (rec.count !== undefined && adapter.cluster)) await syncReplica(adapter, old).catch((error: unknown) => Promise.reject(unsynced(table, old, error)));
      // Its merges stopped (it is dropped after): a merge across the cut would refuse the carry.
      const stop = (onCluster: string) => adapter.client.command(`SYSTEM STOP MERGES ${q(old)}${onCluster}`);
      await stop(adapter.onCluster()).catch(() => stop('')).catch(() => {});
      const keepOld = async (error: unknown) => {
        if ((error as DatabaseError).code !== 'direct_inserts') throw error;
        // Mixed by a merge, or rows that cannot be told apart: nothing can be carried; the old table keeps them, out of every sweep's way.
        const kept = keptName(table, runId);
        await adapter.rename([[old, kept]]);
        await adapter.drop(t.record, 'table');
        throw Object.assign(error as Error, { message: `${(error as Error).message}; the old table, with those rows, is kept as ${kept.schema}.${kept.identifier}` });
      };
      if (rec.count !== undefined) {
        // No block numbers (copy-count.ts): the old table must still hold just the rows its copy was made of.
        await assertCounted(adapter, old, rec.count, job, 'the change was applied without them').catch(keepOld);
        await adapter.drop(old, 'table');
        await adapter.drop(t.record, 'table');
        return;
      }
      const ranges = carriedRanges(rec.held, await freshParts(adapter, old, rec.held, job).catch(keepOld));
      const carried = ranges.length > 0;
      if (carried && (await movesCarriedRows(adapter, table))) {
        await adapter.drop(t.filling, 'table');
        await adapter.ddl(`CREATE TABLE ${q(t.filling)} AS ${q(table)}`);
        await insertRanges(adapter, old, t.filling, rec.held, ranges, job).catch(keepOld);
        await adapter.rename([[t.filling, t.ready]]);
      } else if (carried) await carryOnce(adapter, t.record, rec, old, ranges, job).catch(keepOld);
      await adapter.drop(old, 'table');
    }
  }
  if (await adapter.relationKind(t.ready)) {
    const parts = await adapter.client.query<{ p: string }>(
      `SELECT DISTINCT partition_id AS p FROM system.parts WHERE active AND rows > 0 AND database = ${sqlString(t.ready.schema)} AND table = ${sqlString(t.ready.identifier)} ORDER BY p`,
    );
    for (const { p } of parts) await adapter.ddl(`ALTER TABLE ${q(t.ready)} MOVE PARTITION ID ${sqlString(p)} TO TABLE ${q(table)}`);
    await adapter.drop(t.ready, 'table');
  }
  await adapter.drop(t.record, 'table');
}

/**
 * The one-INSERT carry (no partition moves: finishCarry) into `job.table`, done once whatever kill comes between it and
 * the old table's DROP. Right before it is sent, the table's cut of the carried partitions is added to the record
 * (`into`, one block). A record holding one was left by a run killed after that: the server finishes an INSERT whose
 * client died (finishCarry's drain waits for it), so it is done or was never sent, and the table's rows in parts above
 * that cut tell which — each carried row there exactly as often as carried: done; none of them: sent again. Anything
 * else (another writer INSERTed identical rows meanwhile, or the INSERT failed half-way) cannot be told apart: the
 * old table is kept (code 'direct_inserts', finishCarry names it), never carried twice.
 */
async function carryOnce(adapter: ClickHouseAdapter, record: Relation, rec: CarryRecord, old: Relation, ranges: readonly BlockRange[], job: CarryJob): Promise<void> {
  const ids = [...new Set(ranges.map((r) => r.p))];
  if (rec.into) {
    const state = await carriedState(adapter, old, rec, ranges, job);
    if (state === 'done') return;
    if (state === 'unclear') throw unclear(job);
  } else {
    const table = (await blocksNow(adapter, job.table)).cut;
    const into = ids.map((p) => `('into', ${sqlString(p)}, ${sqlString(String(at(table, p)))})`);
    await adapter.client.command(`INSERT INTO ${q(record)} (k, p, v) VALUES ${into.join(', ')}`);
  }
  await insertRanges(adapter, old, job.table, rec.held, ranges, job);
}

/** Whether the carry of `old`'s rows in `ranges` (outside `rec.held`) reached the table since `rec.into` was recorded (carryOnce). */
async function carriedState(adapter: ClickHouseAdapter, old: Relation, rec: CarryRecord, ranges: readonly BlockRange[], job: CarryJob): Promise<'done' | 'none' | 'unclear'> {
  // The columns the carry INSERTs (`*`: every ordinary one).
  const names =
    job.columns ??
    (await adapter.systemQuery<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = ${sqlString(job.table.schema)} AND table = ${sqlString(job.table.identifier)} AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL') ORDER BY position`,
    )).map((r) => r.name);
  const cols = names.map(quoteIdentifier).join(', ');
  const carried = carriedRows(ranges);
  // Parts of the carried partitions holding blocks above the table's cut then (a merge may have joined the carried rows with older ones).
  const since = `toInt64(${field(3)}) > ${perPartition(rec.into!, 2n ** 63n - 1n)}`;
  // Grouped by every column (NULLs equal): how often each carried row was carried (c) and is in the table since (t).
  const sql =
    `SELECT count() AS rows, countIf(t = c) AS same, countIf(t = 0) AS absent FROM (SELECT ${cols}, sum(src = 0) AS c, sum(src = 1) AS t FROM (` +
    `SELECT ${cols}, 0 AS src FROM ${q(old)} WHERE ${carried} UNION ALL SELECT ${cols}, 1 AS src FROM ${q(job.table)} WHERE ${since}` +
    `) GROUP BY ${cols} HAVING c > 0)`;
  try {
    const [row] = await adapter.client.query<{ rows: string | number; same: string | number; absent: string | number }>(sql, { settings: fitQuerySize(sql) });
    const n = Number(row?.rows ?? 0);
    if (Number(row?.same) === n && n > 0) return 'done';
    if (Number(row?.absent) !== n) return 'unclear';
    // None there as carried. An engine whose merges fold rows (Summing, Aggregating, Collapsing, Replacing…) may have
    // folded carried rows into others: 'none' only when nothing at all reached those partitions since (else unclear).
    if (await foldsRows(adapter, job.table)) {
      const [any] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${q(job.table)} WHERE ${since}`, { settings: fitQuerySize(since) });
      if (Number(any?.n ?? 0) > 0) return 'unclear';
    }
    return 'none';
  } catch {
    return 'unclear'; // columns that cannot be grouped by: not told
  }
}

/** Whether `table`'s merges may fold rows together (any MergeTree but the plain one: Summing, Aggregating, Collapsing, Replacing…). */
async function foldsRows(adapter: ClickHouseAdapter, table: Relation): Promise<boolean> {
  const [row] = await adapter.systemQuery<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(table.schema)} AND name = ${sqlString(table.identifier)}`);
  return !/^(?:Replicated|Shared)?MergeTree$/.test(row?.engine ?? '');
}

function unclear({ table, why }: CarryJob): DatabaseError {
  return new DatabaseError(
    'direct_inserts',
    `A run was stopped while it carried rows INSERTed into ${table.schema}.${table.identifier} while ${why}: the table holds only some of them, or identical rows from another writer, so whether they were carried cannot be told`,
    { hint: 'Compare the kept old table (named here) with the table: copy the rows the table lacks, then drop the old table.' },
  );
}

/**
 * Swaps `copy` (holding `job.table`'s rows up to `cut`, and its changes) in: what the table committed above
 * the cut is carried into the copy; right before the swap, what is still to carry after it is recorded (a
 * table of its own: the old table's UUID, the copy's name, the cut), so that a run killed between the swap and
 * that carry has it finished by the next one's sweep instead of its old table dropped; after the swap, the old
 * table's rows above the cut — those of INSERTs that had bound it, however long they ran (drainInserts, up to
 * 600 s) — go into the new one (finishCarry). When they cannot (a merge mixed them with older rows, or INSERTs
 * still run), the old table keeps them under a name no sweep drops, named in the error. Another failure leaves
 * the record and the old table to the next run's sweep. `{ count }` instead of a cut: the copy was made of that
 * many rows where no block numbers tell rows apart (copy-count.ts) — nothing is carried; rows beyond them stop
 * the build before the swap (nothing changed), or after it keep the old table (recorded the same way).
 */
export async function swapCarrying(s: Staging, copy: Relation, job: CarryJob, from: { readonly held: HeldBlocks } | { readonly count: number }): Promise<void> {
  await s.swap(copy, job.table, 'table', await carryOwed(s, copy, job, from));
}

/**
 * swapCarrying()'s work before the swap (the carry into `copy`, or the count checked; the record written), and the
 * `beforeDrop` to hand the swap that puts `copy` in place of `job.table` (Staging.swap/swapAll: called with each
 * previous relation; the first call finishes the carry, later ones find no record).
 */
export async function carryOwed(s: Staging, copy: Relation, job: CarryJob, from: { readonly held: HeldBlocks } | { readonly count: number }): Promise<(previous: Relation) => Promise<void>> {
  const { adapter } = s;
  let owed: Pick<CarryRecord, 'held' | 'count'>;
  if ('held' in from) owed = { held: await carryAbove(adapter, job, copy, from.held) };
  else {
    // Without block numbers (copy-count.ts): rows added since the copy cannot be carried; found now, nothing is changed.
    await assertCounted(adapter, job.table, from.count, job, 'nothing was changed');
    owed = { held: { cut: new Map() }, count: from.count };
  }
  const t = carryTables(job.table, adapter.runId);
  for (const purpose of Object.values(CARRY)) s.temporary(purpose, job.table);
  const uuid = (await tableUuidOf(adapter, job.table)) ?? '';
  await writeRecord(adapter, job.table, { ...owed, uuid, staged: copy, columns: job.columns });
  return async (previous) => {
    try {
      await finishCarry(adapter, job.table, adapter.runId, DRAIN_MS, job.why);
    } catch (error) {
      const code = (error as DatabaseError).code;
      if (code === 'direct_inserts') throw error; // mixed rows: the old table is kept (finishCarry)
      if (code !== 'drain_timeout') {
        // The swap stands; the carry is the next run's (its sweep finishes it from the record).
        for (const rel of [...Object.values(t), previous]) s.release(rel);
        throw error;
      }
      const kept = keptName(job.table, adapter.runId);
      await adapter.rename([[previous, kept]]);
      await adapter.drop(t.record, 'table');
      const failure = stillInserting(job);
      throw Object.assign(failure, { message: `${failure.message}; the old table, with those rows, is kept as ${kept.schema}.${kept.identifier}` });
    }
  };
}

async function tableUuidOf(adapter: ClickHouseAdapter, rel: Relation): Promise<string | undefined> {
  // No UUIDs (Ordinary databases, servers before 20.x). Not canExchange(): its false on a failed probe would record none for
  // a table the swap then EXCHANGEs (asked again), and the carry would find no old table: a failed probe fails the build here.
  if (!(await adapter.capabilities.exchange(rel.schema))) return undefined;
  const [row] = await adapter.systemQuery<{ uuid: string }>(`SELECT toString(uuid) AS uuid FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  return row?.uuid && !/^[0-]+$/.test(row.uuid) ? row.uuid : undefined;
}

async function engineOf(adapter: ClickHouseAdapter, rel: Relation): Promise<string> {
  const [row] = await adapter.systemQuery<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  return row?.engine ?? '';
}

/** `from`'s active parts with rows (of the partitions `only`, when given). */
async function activeParts(adapter: ClickHouseAdapter, from: Relation, only?: readonly string[]): Promise<BlockRange[]> {
  const rows = await adapter.client.query<{ p: string; lo: string | number; hi: string | number }>(
    `SELECT partition_id AS p, min_block_number AS lo, max_block_number AS hi FROM system.parts WHERE active AND rows > 0 AND database = ${sqlString(from.schema)} AND table = ${sqlString(from.identifier)}`,
  );
  return rows.filter((r) => !only || only.includes(r.p)).map((r) => ({ p: r.p, lo: Number(r.lo), hi: Number(r.hi) }));
}

/** `from`'s parts outside `held` (of the partitions `only`, when given); a part holding blocks from both fails (`named`'s rows mixed). */
async function freshParts(adapter: ClickHouseAdapter, from: Relation, held: HeldBlocks, named: CarryJob, only?: readonly string[]): Promise<BlockRange[]> {
  const parts = await activeParts(adapter, from, only);
  if (parts.some((x) => placeOf(held, x) === 'across')) throw mixed(named);
  return parts.filter((x) => placeOf(held, x) === 'new');
}

/**
 * Inserts into `to` the rows of `from`'s parts within `ranges` (carriedRows: by each row's part's block range,
 * so a merge of those parts after the look keeps them in; by the parts' names, their rows were left out, and
 * dropped with the old table). A part a merge made across `held` or a range's end meanwhile is left out; seen
 * after the INSERT, it fails the carry (`named`'s rows mixed) — the rows stay in `from`.
 */
async function insertRanges(adapter: ClickHouseAdapter, from: Relation, to: Relation, held: HeldBlocks, ranges: readonly BlockRange[], named: CarryJob, only?: readonly string[]): Promise<void> {
  if (ranges.length === 0) return;
  const cols = named.columns?.map(quoteIdentifier).join(', ');
  const sql = `INSERT INTO ${relationSql(to.schema, to.identifier)}${cols ? ` (${cols})` : ''} SELECT ${cols ?? '*'} FROM ${relationSql(from.schema, from.identifier)} WHERE ${carriedRows(ranges)}`;
  await adapter.client.command(sql, { settings: fitQuerySize(sql) });
  const parts = await activeParts(adapter, from, only);
  if (parts.some((x) => placeOf(held, x) === 'across') || strays(parts, ranges)) throw mixed(named);
}

/** The old table `old` of `table` could not be synced before its carry: what stays, what is needed. */
function unsynced(table: Relation, old: Relation, error: unknown): DatabaseError {
  const said = String((error as Error)?.message ?? error).split('\n')[0];
  return new DatabaseError(
    'replica_sync_failed',
    `${said} — while fetching the parts other replicas wrote into ${old.schema}.${old.identifier} (${table.schema}.${table.identifier} as it was before the change, swapped out) to carry or count their rows. ` +
      `Nothing was dropped: that table and its carry record stay, and the next run finishes the carry before it builds ${table.schema}.${table.identifier} again (until it can, that build stops here, changing nothing). ` +
      'It needs the replicas reachable and SYSTEM SYNC REPLICA granted (or, without the grant, this replica catching up within 2 minutes)',
    { hint: 'See system.replicas (active_replicas, queue_size) for the table named; then run again.', cause: error },
  );
}

function busy(table: Relation): DatabaseError {
  return new DatabaseError('direct_inserts', `${table.schema}.${table.identifier} received INSERTs while its parts were copied, five times in a row: nothing was changed`, {
    hint: 'Run the model again at a quieter moment.',
  });
}

/** How long the INSERTs that may have bound the old table are waited for after the EXCHANGE. */
const DRAIN_MS = 600_000;

function stillInserting({ table, why }: CarryJob): DatabaseError {
  return new DatabaseError('direct_inserts', `INSERTs into ${table.schema}.${table.identifier} that started before it was swapped (${why}) were still running after ${DRAIN_MS / 1000} s`, {
    hint: 'See system.processes. Once they are done, copy the rows they wrote from the kept old table (named in this message) into the table, then drop it.',
  });
}

function mixed({ table, why }: CarryJob): DatabaseError {
  return new DatabaseError(
    'direct_inserts',
    `Rows were INSERTed into ${table.schema}.${table.identifier} while ${why}, and a merge joined them with older rows: they could not be told apart from the rows the model worked on`,
    { hint: 'Run the model again (nothing was applied if this happened before the table was swapped or its partitions replaced; the old table is kept otherwise).' },
  );
}
