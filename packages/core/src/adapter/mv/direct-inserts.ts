import type { Relation } from '../../manifest/nodes.js';
import { relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { runningInsertIds } from '../inserts.js';
import { attachPartitionsFrom } from '../partition-replace.js';
import { temporaryName } from '../temporaries.js';
import { activateAtQuietMoment, key } from './cutoff.js';
import { tableEngine } from './mv-state.js';

/*
 * A view added to a table that keeps its rows (mv-unit.ts keepRows) builds the new table beside the
 * old one: the old table's rows at the cut are copied in, the views' staged twins carry what the
 * views write after it, and EXCHANGE swaps the tables. A row INSERTed into the table directly (not
 * through a view) after the cut reaches only the old table, which the switch drops. Any such row
 * refuses the switch: nothing changed, the rows in place.
 *
 * ClickHouse does not say who wrote a row, but a materialized view on a table sees each INSERT's
 * blocks as they arrive, with the id of the query that started it (initialQueryID(): an INSERT into
 * a source keeps its id through the views it fires, down to the target). From the cut, behind the
 * staged views' gate, a recorder on the target writes (id, rows) per block and one on each table the
 * views fire on writes the ids it sees: a direct INSERT is one whose id reached the target but no
 * source. That is counted as the rows arrive, so what changes the table's row count afterwards — TTL
 * DELETE, a mutation, a merge of a collapsing engine — and view SQL that answers differently each time
 * (rand(), now()) change nothing, and it holds for every engine.
 *
 * A server without initialQueryID() (before 21.x) counts rows instead, where the engine keeps row
 * counts (COUNTS_ROWS; exact only without TTL DELETE, mutations and non-deterministic view SQL): at a
 * moment without INSERTs before the switch,
 *
 *   old = atCut + kept + direct        new = atCut + backfill + kept + added
 *
 * (`kept`: what the views in place wrote since the cut, once in each; `added`: what the new views'
 * twins wrote, counted by a gated counting twin beside each; `backfill`: the new views' history,
 * written to a table of its own and counted before it is moved in). So direct = old − new +
 * backfill + added.
 */

/** Engines whose row count only INSERTs change (merges keep every row): the fallback count's. */
export const COUNTS_ROWS = /^((Replicated|Shared)?MergeTree|Memory|Log|TinyLog|StripeLog)$/;
/** Engines a kept target's direct INSERTs are recorded for (any table that stores rows; a Distributed, Null or streaming one does not). */
export const RECORDS_ROWS = /MergeTree$|^(Memory|Log|TinyLog|StripeLog)$/;

const q = (r: Relation) => relationSql(r.schema, r.identifier);

/**
 * The recorders' tables (durable, MergeTree: a run killed while switching leaves them to the next, which
 * carries what they hold: mv-recover.ts), by purpose: (id, rows) per block reaching the target, the ids
 * reaching a source, the direct rows themselves, and the carry of those rows (taken from the recorder, filled,
 * then renamed ready).
 */
export const RECORDER = { target: 'rect', sources: 'recs', rows: 'recr', taken: 'recg', filling: 'recf', ready: 'recc', carried: 'recm', carriedView: 'recmv', bound: 'recb' } as const;
export type Recorders = { readonly [K in keyof typeof RECORDER]: Relation };
/** The recorders' tables of `target`'s rebuild by run `runId` (`<target>__tsdbt_tmp_<run>__<purpose>`). */
export const recordersOf = (target: Relation, runId: string): Recorders =>
  Object.fromEntries(Object.entries(RECORDER).map(([k, purpose]) => [k, temporaryName(target, runId, purpose)])) as unknown as Recorders;

/** The recorders' tables: (id, rows) per block reaching the target; the ids reaching a source. */
export const recorderTableSql = (rel: Relation) => `CREATE TABLE ${q(rel)} (q String, n UInt64) ENGINE = MergeTree ORDER BY tuple()`;
/** A recorder: (initial query id, rows) of each block INSERTed into `on` once `gated` lets it. */
export const recorderSql = (mv: Relation, into: Relation, on: Relation, gated: (sql: string) => string) =>
  `CREATE MATERIALIZED VIEW ${q(mv)} TO ${q(into)}\nAS ${gated(`SELECT initialQueryID() AS q, count() AS n FROM ${q(on)}`)}`;

/**
 * After the count, up to the switch, a direct row would still be dropped: from just before the count a third
 * recorder keeps the rows themselves that reach the target with an id no source saw (direct ones; a view's rows
 * whose source's recorder had not seen the id yet are kept too and sorted out when carried). Right before the
 * EXCHANGE, at a moment without INSERTs, the direct ones go into the new table (carryDirectRows). A row inserted
 * between that statement and the EXCHANGE reaches the old table: where the database names tables by UUID (Atomic),
 * the recorder keeps only rows of the table it was made on (`uuid`: a view follows the name, not the table, through
 * an EXCHANGE — measured on 26.7), so after the EXCHANGE what it holds is carried once more (plain MergeTree, whose
 * carry takes the rows out of the recorder). An INSERT already running at the EXCHANGE has bound the old table and
 * may commit into it long after: the ids of the INSERTs running right before the EXCHANGE go into `bound`
 * (recordBoundInserts), whose rows the recorder keeps after it too, and the last carry waits for them to end
 * (mv-unit.ts). Elsewhere that row is the one still dropped, and the switch's check after it says so.
 */
export const rowRecorderTableSql = (rel: Relation, on: Relation) =>
  `CREATE TABLE ${q(rel)} ENGINE = MergeTree ORDER BY tuple() AS SELECT *, initialQueryID() AS tsdbt_q FROM ${q(on)} LIMIT 0`;
/** The ids of the INSERTs running right before the EXCHANGE (bound to the old table). */
export const boundTableSql = (rel: Relation) => `CREATE TABLE ${q(rel)} (q String) ENGINE = MergeTree ORDER BY tuple()`;
export const rowRecorderSql = (mv: Relation, into: Relation, on: Relation, sources: Relation, old?: { uuid: string; bound: Relation }) =>
  `CREATE MATERIALIZED VIEW ${q(mv)} TO ${q(into)}\nAS SELECT *, initialQueryID() AS tsdbt_q FROM ${q(on)} WHERE initialQueryID() NOT IN (SELECT q FROM ${q(sources)})` +
  (old
    ? ` AND ((SELECT uuid FROM system.tables WHERE database = ${sqlString(on.schema)} AND name = ${sqlString(on.identifier)}) = toUUID(${sqlString(old.uuid)}) OR initialQueryID() IN (SELECT q FROM ${q(old.bound)}))`
    : '');

/** Right before the EXCHANGE: the INSERTs running now (any of them may have bound the old table) go into `bound`. */
export async function recordBoundInserts(adapter: ClickHouseAdapter, rec: Recorders): Promise<void> {
  if ((await adapter.relationKind(rec.bound)) !== 'table') return;
  const ids = await runningInsertIds(adapter);
  if (ids.length) await adapter.client.command(`INSERT INTO ${q(rec.bound)} (q) VALUES ${ids.map((id) => `(${sqlString(id)})`).join(', ')}`);
}

/** The table's UUID where its database names tables by one (Atomic), else undefined. */
export async function tableUuid(adapter: ClickHouseAdapter, rel: Relation): Promise<string | undefined> {
  const [row] = await adapter.systemQuery<{ uuid: string }>(`SELECT toString(uuid) AS uuid FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  return row?.uuid && !/^[0-]+$/.test(row.uuid) ? row.uuid : undefined;
}

/** Whether direct rows reach a new table of this engine by partition moves (a plain MergeTree), or by one INSERT marked by itself. */
export const movesDirectRows = (engine: string) => /MergeTree$/.test(engine) && !/^(Replicated|Shared)/.test(engine);

/** The carry's INSERT names itself in its settings; the carried-rows view on `to` keeps a row per row that INSERT wrote. */
const carryToken = (rec: Recorders) => `tsdbt:carry:${rec.carried.identifier}`;

/**
 * Where the direct rows go in by one INSERT (not a plain MergeTree): a view on the new table, created with the row
 * recorder, keeps a row for each row that INSERT itself writes (its log_comment names it; the staged views' rows into
 * the new table have another): ClickHouse writes them in the same statement, so the INSERT marks itself done.
 */
export const carriedTableSql = (rec: Recorders) => `CREATE TABLE ${q(rec.carried)} (n UInt8) ENGINE = MergeTree ORDER BY tuple()`;
export const carriedViewSql = (rec: Recorders, to: Relation) =>
  `CREATE MATERIALIZED VIEW ${q(rec.carriedView)} TO ${q(rec.carried)}\nAS SELECT toUInt8(1) AS n FROM ${q(to)} WHERE getSetting('log_comment') = ${sqlString(carryToken(rec))}`;

/**
 * Puts the direct rows the row recorder kept into `to` (the new table, complete and marked switching): its
 * rows whose INSERT no source saw. Run again after a kill (by the live run's successor, mv-recover.ts), it
 * adds each row once, and the rows recorded since too, in rounds: what the recorder holds is taken out of it
 * in one statement (MOVE PARTITION into `taken`; later rows stay for the next round), gathered into a table
 * like `to` (`filling`, redone from scratch until it is renamed `ready`), whose partitions then MOVE into `to`
 * one by one — a moved partition leaves `ready` in the same statement (durably: ClickHouse covers the moved
 * parts), so a repeat moves only what is left; `taken` goes before `ready` (a `taken` without `ready` is
 * gathered again). `to` not a plain MergeTree (no MOVE PARTITION between copies): one INSERT, skipped when the
 * carried-rows view saw it (carriedViewSql) — on a server, which runs the statement to its end when the
 * client dies; an embedded engine killed inside it has no such statement boundary (nor Memory tables at all).
 */
export async function carryDirectRows(adapter: ClickHouseAdapter, rec: Recorders, to: Relation): Promise<void> {
  const direct = (r: Relation) => `SELECT * EXCEPT (tsdbt_q) FROM ${q(r)} WHERE tsdbt_q NOT IN (SELECT q FROM ${q(rec.sources)})`;
  const engine = await tableEngine(adapter, to);
  if (!movesDirectRows(engine)) {
    if (!(await adapter.relationKind(rec.rows))) return;
    const marked = (await adapter.relationKind(rec.carried)) === 'table';
    if (marked && (await adapter.rowCount(rec.carried)) > 0) return;
    await adapter.client.command(`INSERT INTO ${q(to)} ${direct(rec.rows)}${marked ? `\nSETTINGS log_comment = ${sqlString(carryToken(rec))}` : ''}`);
    return;
  }
  // Not `to`'s comment: a table marked switching would hold the whole run's leftovers back from the sweep.
  const uncommented = (await adapter.hasTableComments()) ? " COMMENT ''" : '';
  const partitions = async (r: Relation) =>
    (
      await adapter.client.query<{ p: string }>(
        `SELECT DISTINCT partition_id AS p FROM system.parts WHERE database = ${sqlString(r.schema)} AND table = ${sqlString(r.identifier)} AND active AND rows > 0 ORDER BY p`,
      )
    ).map((row) => row.p);
  // A few rounds: the live run carries at a moment without INSERTs (one round); a successor also what came after.
  for (let round = 0; round < 5; round++) {
    if (!(await adapter.relationKind(rec.ready))) {
      if (!(await adapter.relationKind(rec.taken))) {
        if (!(await adapter.relationKind(rec.rows))) return;
        const held = await partitions(rec.rows);
        if (held.length === 0) return;
        await adapter.ddl(`CREATE TABLE ${q(rec.taken)} AS ${q(rec.rows)}${uncommented}`);
        for (const p of held) await adapter.ddl(`ALTER TABLE ${q(rec.rows)} MOVE PARTITION ID ${sqlString(p)} TO TABLE ${q(rec.taken)}`);
      }
      await adapter.drop(rec.filling, 'table');
      await adapter.ddl(`CREATE TABLE ${q(rec.filling)} AS ${q(to)}${uncommented}`);
      await adapter.client.command(`INSERT INTO ${q(rec.filling)} ${direct(rec.taken)}`);
      await adapter.rename([[rec.filling, rec.ready]]);
    }
    for (const p of await partitions(rec.ready)) await adapter.ddl(`ALTER TABLE ${q(rec.ready)} MOVE PARTITION ID ${sqlString(p)} TO TABLE ${q(to)}`);
    await adapter.drop(rec.taken, 'table');
    await adapter.drop(rec.ready, 'table');
  }
}

/** What counts the direct rows: recorders (ids per INSERT), or the fallback's row counts. */
export type DirectCount =
  | { readonly recorded: true; readonly target: Relation; readonly sources: Relation }
  | { readonly recorded: false; readonly target: Relation; readonly staged: Relation; readonly counters: readonly Relation[]; readonly backfilled: number };

/** Rows inserted into the target by anything but its views since the cut, measured at a moment without INSERTs. */
export async function directRows(adapter: ClickHouseAdapter, m: DirectCount & { tables: readonly Relation[]; signal?: AbortSignal }): Promise<number> {
  let direct = 0;
  await activateAtQuietMoment({
    adapter,
    tables: m.tables,
    activate: async () => {},
    capture: async () => {
      if (m.recorded) {
        const [row] = await adapter.client.query<{ n: string | number }>(`SELECT sum(n) AS n FROM ${q(m.target)} WHERE q NOT IN (SELECT q FROM ${q(m.sources)})`);
        direct = Number(row?.n ?? 0);
        return;
      }
      const [old, now] = [await adapter.rowCount(m.target), await adapter.rowCount(m.staged)];
      let added = 0;
      for (const c of m.counters) added += await adapter.rowCount(c);
      direct = old - now + m.backfilled + added;
    },
    deactivate: async () => {},
    signal: m.signal,
  });
  return direct;
}

/** Moves the rows of `from` (a table like `to`) into `to`: its partitions as hard links where both are MergeTree, else copied. */
export async function moveRows(adapter: ClickHouseAdapter, from: Relation, to: Relation, mergeTree: boolean, signal?: AbortSignal): Promise<void> {
  if (!mergeTree) {
    await adapter.client.command(`INSERT INTO ${q(to)} SELECT * FROM ${q(from)}`, { signal });
    return;
  }
  const rows = await adapter.client.query<{ p: string }>(
    `SELECT DISTINCT partition_id AS p FROM system.parts WHERE database = ${sqlString(from.schema)} AND table = ${sqlString(from.identifier)} AND active`,
  );
  await attachPartitionsFrom(adapter, from, to, rows.map((r) => r.p), { signal });
}

/** The refusal: rows went into the table directly while a view was being added. */
export function directInsertsError(target: Relation, views: readonly string[], rows: number): DatabaseError {
  return new DatabaseError(
    'mv_direct_inserts',
    `${rows.toLocaleString('en-US')} row${rows === 1 ? ' was' : 's were'} inserted into ${key(target)} directly (not through a materialized view) while ${views.join(', ')} ${views.length === 1 ? 'was' : 'were'} being added with its history: switching to the rebuilt table would drop ${rows === 1 ? 'it' : 'them'}. Nothing was changed`,
    {
      hint: `Run again when nothing writes into ${key(target)} directly, or set catchup: false on the view (it is then created without a backfill, the table untouched).`,
    },
  );
}
