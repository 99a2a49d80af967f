import type { Relation } from '../../manifest/nodes.js';
import { DatabaseError } from '../../shared/errors.js';
import { sqlString, type ClickHouseAdapter } from '../clickhouse-adapter.js';

/**
 * The cut between a backfill and the materialized view that starts with it.
 *
 * A materialized view sees the INSERTs whose pipeline was built after it existed; a backfill must
 * read exactly the other rows. ClickHouse gives no barrier between the two, so tsdbt makes one:
 * it reads each source's committed block numbers (MergeTree numbers every inserted block), creates
 * the views, then checks that no INSERT is running and that no block was committed meanwhile.
 * If so, every row in a block at or below the cut came from an INSERT that finished before the
 * views existed, and every later block from one that started after: the backfill reads the blocks
 * at or below the cut, the views the rest, and no row is read twice or missed. If an INSERT slipped
 * in, the views are dropped and the moment is tried again. Within that moment the sources' parts are
 * also copied (hard links, `ATTACH PARTITION … FROM`) into snapshot tables the backfill reads: a merge
 * of older and newer parts finished later cannot mix rows from both sides of the cut into what it reads.
 */

/** A source's committed blocks at the cut: partition id → highest block number. */
export type BlockCut = ReadonlyMap<string, number>;

/** Marks this module's own queries, so the INSERT check does not count them. */
const PROBE = 'tsdbt_quiet_probe';

/** Engines that consume what is read from them: never SELECTed for a backfill. */
export const STREAMING_ENGINE = /^(Kafka|RabbitMQ|NATS|S3Queue|AzureQueue|FileLog|RedisStreams)$/;

/** Statements that may be INSERTs, running anywhere tsdbt can see (every host in cluster mode). */
export async function runningInserts(adapter: ClickHouseAdapter): Promise<number> {
  const from = await everyHost(adapter, 'processes');
  const [row] = await adapter.client.query<{ n: string | number }>(
    `SELECT count() AS n FROM ${from} WHERE positionCaseInsensitive(query, 'insert') > 0 AND position(query, '${PROBE}') = 0 /* ${PROBE} */`,
  );
  return Number(row?.n ?? 0);
}

/**
 * Waits until every INSERT running now has finished (later ones are not waited for). An INSERT binds
 * its views and their tables when it starts: one that started before a view was dropped may still run
 * it, so what the view reads or writes is dropped (or emptied) only after this.
 */
export async function drainInserts(adapter: ClickHouseAdapter, signal?: AbortSignal, timeoutMs = 600_000): Promise<void> {
  const from = await everyHost(adapter, 'processes');
  const where = `positionCaseInsensitive(query, 'insert') > 0 AND position(query, '${PROBE}') = 0`;
  const ids = (await adapter.client.query<{ id: string }>(`SELECT query_id AS id FROM ${from} WHERE ${where} /* ${PROBE} */`)).map((r) => r.id);
  if (ids.length === 0) return;
  const until = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 200)) {
    signal?.throwIfAborted();
    const [row] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${from} WHERE query_id IN (${ids.map(sqlString).join(', ')}) /* ${PROBE} */`);
    if (Number(row?.n ?? 0) === 0) return;
    if (Date.now() > until)
      throw new DatabaseError('mv_drain_timeout', `INSERTs that started before a materialized view was replaced are still running after ${timeoutMs / 1000} s`, {
        hint: 'See system.processes; run again once they are done (the previous objects are in place).',
      });
    await sleep(wait);
  }
}

/** The highest committed block number of each partition of each MergeTree `table` (all hosts in cluster mode). */
export async function committedBlocks(adapter: ClickHouseAdapter, tables: readonly Relation[]): Promise<Map<string, BlockCut>> {
  const out = new Map<string, BlockCut>();
  if (tables.length === 0) return out;
  const from = await everyHost(adapter, 'parts');
  const where = tables.map((t) => `(database = ${sqlString(t.schema)} AND table = ${sqlString(t.identifier)})`).join(' OR ');
  const rows = await adapter.client.query<{ db: string; t: string; p: string; b: string | number }>(
    `SELECT database AS db, table AS t, partition_id AS p, max(max_block_number) AS b FROM ${from} WHERE ${where} GROUP BY db, t, p /* ${PROBE} */`,
  );
  for (const t of tables) out.set(key(t), new Map());
  for (const r of rows) (out.get(`${r.db}.${r.t}`) as Map<string, number>).set(r.p, Number(r.b));
  return out;
}

/** `system.<table>` of every host in cluster mode (clusterAllReplicas from 20.1, one replica per shard before), else of this one. */
async function everyHost(adapter: ClickHouseAdapter, table: string): Promise<string> {
  if (!adapter.cluster) return `system.${table}`;
  const v = await adapter.serverVersion();
  const fn = v.major > 20 || (v.major === 20 && v.minor >= 1) ? 'clusterAllReplicas' : 'cluster';
  return `${fn}(${sqlString(adapter.cluster)}, system, ${table})`;
}

export const key = (t: Relation) => `${t.schema}.${t.identifier}`;

export function sameCut(a: Map<string, BlockCut>, b: Map<string, BlockCut>): boolean {
  for (const [table, cut] of a) {
    const other = b.get(table);
    if (!other || other.size !== cut.size) return false;
    for (const [p, n] of cut) if (other.get(p) !== n) return false;
  }
  return true;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface QuietActivation {
  readonly adapter: ClickHouseAdapter;
  /** The MergeTree tables whose blocks are cut (the candidates the views may read from). */
  readonly tables: readonly Relation[];
  /** Creates the views. */
  activate(): Promise<void>;
  /**
   * Runs right after activate(), inside the checked moment: e.g. copies the sources' parts into
   * snapshot tables, which then hold exactly the rows at or below the cut (no filter needed later).
   */
  capture?(cut: Map<string, BlockCut>): Promise<void>;
  /** Undoes activate() (and whatever the views wrote) after a failed check. */
  deactivate(): Promise<void>;
  /** Tables found after activate() that the cut must cover too (a trigger table not among `tables`). */
  missing?(): Promise<readonly Relation[]>;
  readonly attempts?: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs activate() at a moment without INSERTs (see above) and returns each table's block cut.
 * Fails, with nothing left active, when no such moment came in `attempts` tries.
 */
export async function activateAtQuietMoment(q: QuietActivation): Promise<Map<string, BlockCut>> {
  const attempts = q.attempts ?? 100;
  const { adapter } = q;
  let tables = [...q.tables];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    q.signal?.throwIfAborted();
    await waitForNoInserts(adapter, q.signal);
    // The moment runs from here to the last check: an INSERT overlapping it is running at one of the
    // two checks, or committed a block in between (every INSERT commits its blocks before it ends).
    const before = await committedBlocks(adapter, tables);
    if ((await runningInserts(adapter)) === 0) {
      await q.activate();
      await q.capture?.(before);
      const running = await runningInserts(adapter);
      const after = await committedBlocks(adapter, tables);
      const extra = (await q.missing?.()) ?? [];
      if (running === 0 && sameCut(before, after) && extra.length === 0) return before;
      await q.deactivate();
      tables = [...tables, ...extra.filter((e) => !tables.some((t) => key(t) === key(e)))];
    }
    await sleep(Math.floor(Math.random() * Math.min(200, 5 * attempt)));
  }
  throw new DatabaseError('mv_no_quiet_moment', `No moment without an INSERT into ${tables.map(key).join(', ') || 'the sources'} came in ${attempts} tries, so the backfill could not be cut exactly`, {
    hint: 'Nothing was changed. Run again when inserts pause for a moment, or set catchup: false (the view then starts empty and captures new inserts only).',
  });
}

/** Waits (up to ~5 s) until no INSERT is running; returns either way (the check after activation decides). */
async function waitForNoInserts(adapter: ClickHouseAdapter, signal?: AbortSignal): Promise<void> {
  // Quiet gaps between inserts may last milliseconds: ask again at once.
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    signal?.throwIfAborted();
    if ((await runningInserts(adapter)) === 0) return;
    await sleep(1);
  }
}

/**
 * The filter a backfill puts on a source (`additional_table_filters`): rows of parts whose blocks
 * are all at or below the cut. A part that straddles the cut (a merge of older and newer parts
 * finished after the cut) cannot be split, so it fails the backfill instead of counting twice.
 */
export function cutFilter(cut: BlockCut, options: { oneArgThrowIf?: boolean } = {}): string {
  const ids = [...cut.keys()];
  // No part at the cut: every row there now came after it.
  if (ids.length === 0) return '0';
  const max = `toUInt64(splitByChar('_', _part)[3])`;
  const min = `toUInt64(splitByChar('_', _part)[2])`;
  const limit = `transform(_partition_id, [${ids.map(sqlString).join(', ')}], [${ids.map((i) => `toUInt64(${cut.get(i)})`).join(', ')}], toUInt64(0))`;
  const message = options.oneArgThrowIf ? '' : `, 'tsdbt: a merge joined parts from both sides of the backfill cut; run again'`;
  return `throwIf(${min} <= ${limit} AND ${max} > ${limit}${message}) = 0 AND ${max} <= ${limit}`;
}
