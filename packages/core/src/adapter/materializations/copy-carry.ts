import type { Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { drainInserts } from '../inserts.js';
import type { Staging } from '../staging.js';
import { committedBlocks, key, type BlockCut } from '../mv/cutoff.js';

/*
 * A MergeTree table changed on a copy of itself, then swapped back in (custom-strategy.ts; a rebuild
 * for new columns, incremental.ts rebuildTable): rows another writer INSERTs into the table itself
 * while the copy is worked on would go with the old table at the EXCHANGE. MergeTree numbers every committed block, increasing, per partition: the copy
 * holds the blocks up to a cut, and whatever the table commits above it is carried — into the copy
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

/** `table`'s committed blocks when `copy()` cloned its parts: read before and after it, equal (else copied again). */
export async function copiedAtCut(adapter: ClickHouseAdapter, table: Relation, copy: () => Promise<void>, clear: () => Promise<void>): Promise<BlockCut> {
  for (let attempt = 1; ; attempt++) {
    const before = (await committedBlocks(adapter, [table])).get(key(table))!;
    await copy();
    const after = (await committedBlocks(adapter, [table])).get(key(table))!;
    if (sameBlocks(before, after)) return after;
    if (attempt >= 5) throw busy(table);
    await clear();
  }
}

/**
 * A condition on `table`'s rows: those in blocks at or below `cut`, by the partition and block range in their
 * part's name (see insertBlocks). A part a merge made across the cut is left out: carryAbove() then refuses it,
 * before anything changed.
 */
export function blocksAtOrBelow(cut: BlockCut): string {
  if (cut.size === 0) return '0';
  const ids = [...cut.keys()];
  return `toInt64(${field(3)}) <= transform(${field(1)}, [${ids.map(sqlString).join(', ')}], [${ids.map((p) => `toInt64(${cut.get(p)})`).join(', ')}], toInt64(-1))`;
}

/** `table`'s committed blocks now (read before copying its rows at or below them: blocksAtOrBelow()). */
export async function blocksNow(adapter: ClickHouseAdapter, table: Relation): Promise<BlockCut> {
  return (await committedBlocks(adapter, [table])).get(key(table))!;
}

/** Inserts into `to` the rows `job.table` committed above `cut` (of the partitions `only`, when given); returns its cut now. */
export async function carryAbove(adapter: ClickHouseAdapter, job: CarryJob, to: Relation, cut: BlockCut, only?: readonly string[]): Promise<BlockCut> {
  const { now } = await partsAbove(adapter, job.table, cut, job, only);
  await insertBlocks(adapter, job.table, to, cut, now, job, only);
  return now;
}

/**
 * After the EXCHANGE: `previous` (the old table, under the copy's name) may still receive the rows of
 * INSERTs that had bound it — only INSERTs running now can have (a later one binds the new table): once
 * they are over (drainInserts; a quiet moment may never come on a busy server, and an INSERT still running
 * when the old table is dropped loses its rows), what it committed above `cut` goes into the table.
 * Its merges are stopped first (it is dropped after): a merge across the cut would refuse the carry.
 * A failed look is tried once more (the INSERT is not: rows twice).
 */
export async function carryAfterExchange(adapter: ClickHouseAdapter, previous: Relation, job: CarryJob, cut: BlockCut): Promise<void> {
  await adapter.client.command(`SYSTEM STOP MERGES ${relationSql(previous.schema, previous.identifier)}`).catch(() => {});
  const look = async () => {
    await drainInserts(adapter, undefined, DRAIN_MS).catch((error: unknown) => {
      throw (error as DatabaseError).code === 'drain_timeout' ? stillInserting(job) : error;
    });
    return partsAbove(adapter, previous, cut, job);
  };
  const { now } = await look().catch((error: unknown) => {
    if ((error as DatabaseError).code === 'direct_inserts') throw error;
    return look();
  });
  await insertBlocks(adapter, previous, job.table, cut, now, job);
}

/**
 * Swaps `copy` (holding `job.table`'s rows up to `cut`, and its changes) in: what the table committed above
 * the cut is carried into the copy, the copy swapped in, then what the old table received until the INSERTs
 * bound to it ended carried into the new one (see above). Where that last carry fails, the old table keeps
 * those rows under a name no sweep drops, named in the error.
 */
export async function swapCarrying(s: Staging, copy: Relation, job: CarryJob, cut: BlockCut): Promise<void> {
  const { adapter } = s;
  const swapCut = await carryAbove(adapter, job, copy, cut);
  await s.swap(copy, job.table, 'table', async (previous) => {
    try {
      await carryAfterExchange(adapter, previous, job, swapCut);
    } catch (error) {
      const kept = { schema: job.table.schema, identifier: `${job.table.identifier}__tsdbt_direct_rows_${adapter.runId}` };
      await adapter.rename([[previous, kept]]);
      throw Object.assign(error as Error, { message: `${(error as Error).message}; the old table, with those rows, is kept as ${kept.schema}.${kept.identifier}` });
    }
  });
}

type Part = { p: string; lo: number; hi: number };

/** Field `i` of the name of a row's part: 1 its partition, 2 and 3 its block range. */
const field = (i: number) => `splitByChar('_', _part)[${i}]`;

/** `from`'s active parts with rows (of the partitions `only`, when given). */
async function activeParts(adapter: ClickHouseAdapter, from: Relation, only?: readonly string[]): Promise<Part[]> {
  const rows = await adapter.client.query<{ p: string; lo: string | number; hi: string | number }>(
    `SELECT partition_id AS p, min_block_number AS lo, max_block_number AS hi FROM system.parts WHERE active AND rows > 0 AND database = ${sqlString(from.schema)} AND table = ${sqlString(from.identifier)}`,
  );
  return rows.filter((r) => !only || only.includes(r.p)).map((r) => ({ p: r.p, lo: Number(r.lo), hi: Number(r.hi) }));
}

const at = (cut: BlockCut, p: string) => cut.get(p) ?? -1;
/** A part holding blocks from both sides of one of the cuts. */
const across = (parts: readonly Part[], ...cuts: BlockCut[]) => parts.some((x) => cuts.some((c) => x.lo <= at(c, x.p) && x.hi > at(c, x.p)));

/**
 * `from`'s cut now (its highest block per partition, at least `cut`'s; of the partitions `only`, when given); a part
 * holding blocks from both sides of `cut` fails (`named`'s rows mixed).
 */
async function partsAbove(adapter: ClickHouseAdapter, from: Relation, cut: BlockCut, named: CarryJob, only?: readonly string[]): Promise<{ now: BlockCut }> {
  const parts = await activeParts(adapter, from, only);
  if (across(parts, cut)) throw mixed(named);
  const now = new Map(cut);
  for (const x of parts) now.set(x.p, Math.max(at(cut, x.p), x.hi));
  return { now };
}

/**
 * Inserts into `to` the rows of `from` in blocks above `lo` and up to `hi`, by the block range and partition
 * of each row's part as named (`<partition>_<min block>_<max block>_<level>[_<mutation>]`), not by the parts'
 * names: a merge of those parts after the look at system.parts keeps them in (by name, their rows were left
 * out, and dropped with the old table). A part a merge made across `lo` or `hi` meanwhile is left out; seen
 * after the INSERT, it fails the carry (`named`'s rows mixed) — the rows stay in `from`.
 */
async function insertBlocks(adapter: ClickHouseAdapter, from: Relation, to: Relation, lo: BlockCut, hi: BlockCut, named: CarryJob, only?: readonly string[]): Promise<void> {
  const ids = [...hi.keys()].filter((p) => at(hi, p) > at(lo, p));
  if (ids.length === 0) return;
  const ranges = ids.map((p) => `(${field(1)} = ${sqlString(p)} AND toInt64(${field(2)}) > ${at(lo, p)} AND toInt64(${field(3)}) <= ${at(hi, p)})`).join(' OR ');
  const cols = named.columns?.map(quoteIdentifier).join(', ');
  await adapter.client.command(
    `INSERT INTO ${relationSql(to.schema, to.identifier)}${cols ? ` (${cols})` : ''} SELECT ${cols ?? '*'} FROM ${relationSql(from.schema, from.identifier)} WHERE ${ranges}`,
  );
  if (across(await activeParts(adapter, from, only), lo, hi)) throw mixed(named);
}

function sameBlocks(a: BlockCut, b: BlockCut): boolean {
  return a.size === b.size && [...a].every(([p, n]) => b.get(p) === n);
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
