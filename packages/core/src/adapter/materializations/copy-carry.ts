import type { Relation } from '../../manifest/nodes.js';
import { relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { drainInserts } from '../inserts.js';
import { committedBlocks, key, type BlockCut } from '../mv/cutoff.js';

/*
 * A MergeTree table changed on a copy of itself, then swapped back in (custom-strategy.ts): rows
 * another writer INSERTs into the table itself while the copy is worked on would go with the old
 * table at the EXCHANGE. MergeTree numbers every committed block, increasing, per partition: the copy
 * holds the blocks up to a cut, and whatever the table commits above it is carried — into the copy
 * before the EXCHANGE, then from the old table (under the copy's name) into the new one after it,
 * once the INSERTs that had bound the old table are over. Those rows land after the model's statements,
 * as if inserted right after them. A part a merge made of rows from both sides of the cut cannot be
 * split: the build stops there (before the EXCHANGE: nothing changed) or keeps the old table (after).
 */

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

/** Inserts into `to` the rows `from` committed above `cut` (its parts wholly above it); returns `from`'s cut now. */
export async function carryAbove(adapter: ClickHouseAdapter, from: Relation, to: Relation, cut: BlockCut): Promise<BlockCut> {
  const { now } = await partsAbove(adapter, from, cut, from);
  await insertBlocks(adapter, from, to, cut, now, from);
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
export async function carryAfterExchange(adapter: ClickHouseAdapter, previous: Relation, table: Relation, cut: BlockCut): Promise<void> {
  await adapter.client.command(`SYSTEM STOP MERGES ${relationSql(previous.schema, previous.identifier)}`).catch(() => {});
  const look = async () => {
    await drainInserts(adapter, undefined, DRAIN_MS).catch((error: unknown) => {
      throw (error as DatabaseError).code === 'drain_timeout' ? stillInserting(table) : error;
    });
    return partsAbove(adapter, previous, cut, table);
  };
  const { now } = await look().catch((error: unknown) => {
    if ((error as DatabaseError).code === 'direct_inserts') throw error;
    return look();
  });
  await insertBlocks(adapter, previous, table, cut, now, table);
}

type Part = { p: string; lo: number; hi: number };

async function activeParts(adapter: ClickHouseAdapter, from: Relation): Promise<Part[]> {
  const rows = await adapter.client.query<{ p: string; lo: string | number; hi: string | number }>(
    `SELECT partition_id AS p, min_block_number AS lo, max_block_number AS hi FROM system.parts WHERE active AND rows > 0 AND database = ${sqlString(from.schema)} AND table = ${sqlString(from.identifier)}`,
  );
  return rows.map((r) => ({ p: r.p, lo: Number(r.lo), hi: Number(r.hi) }));
}

const at = (cut: BlockCut, p: string) => cut.get(p) ?? -1;
/** A part holding blocks from both sides of one of the cuts. */
const across = (parts: readonly Part[], ...cuts: BlockCut[]) => parts.some((x) => cuts.some((c) => x.lo <= at(c, x.p) && x.hi > at(c, x.p)));

/** `from`'s cut now (its highest block per partition, at least `cut`'s); a part holding blocks from both sides of `cut` fails (`named`'s rows mixed). */
async function partsAbove(adapter: ClickHouseAdapter, from: Relation, cut: BlockCut, named: Relation): Promise<{ now: BlockCut }> {
  const parts = await activeParts(adapter, from);
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
async function insertBlocks(adapter: ClickHouseAdapter, from: Relation, to: Relation, lo: BlockCut, hi: BlockCut, named: Relation): Promise<void> {
  const ids = [...hi.keys()].filter((p) => at(hi, p) > at(lo, p));
  if (ids.length === 0) return;
  const field = (i: number) => `splitByChar('_', _part)[${i}]`;
  const ranges = ids.map((p) => `(${field(1)} = ${sqlString(p)} AND toInt64(${field(2)}) > ${at(lo, p)} AND toInt64(${field(3)}) <= ${at(hi, p)})`).join(' OR ');
  await adapter.client.command(`INSERT INTO ${relationSql(to.schema, to.identifier)} SELECT * FROM ${relationSql(from.schema, from.identifier)} WHERE ${ranges}`);
  if (across(await activeParts(adapter, from), lo, hi)) throw mixed(named);
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

function stillInserting(table: Relation): DatabaseError {
  return new DatabaseError('direct_inserts', `INSERTs into ${table.schema}.${table.identifier} that started before its custom incremental strategy swapped it were still running after ${DRAIN_MS / 1000} s`, {
    hint: 'See system.processes. Once they are done, copy the rows they wrote from the kept old table (named in this message) into the table, then drop it.',
  });
}

function mixed(table: Relation): DatabaseError {
  return new DatabaseError(
    'direct_inserts',
    `Rows were INSERTed into ${table.schema}.${table.identifier} while its custom incremental strategy ran, and a merge joined them with older rows: they could not be told apart from the rows the strategy worked on`,
    { hint: 'Run the model again (nothing of the strategy was applied if this happened before the swap; the old table is kept otherwise).' },
  );
}
