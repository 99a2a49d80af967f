import type { Relation } from '../../manifest/nodes.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { sqlString } from '../../render/placeholders.js';
import { everyHost, PROBE, runningInserts, waitForNoInserts } from '../inserts.js';

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

/** Engines that consume what is read from them: never SELECTed for a backfill. */
export const STREAMING_ENGINE = /^(Kafka|RabbitMQ|NATS|S3Queue|AzureQueue|FileLog|RedisStreams)$/;

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
  // Each list one literal (a table's thousands of partitions stay within max_ast_elements); the statement's length is fitQuerySize()'s.
  const limit = `transform(_partition_id, [${ids.map(sqlString).join(', ')}], CAST([${ids.map((i) => cut.get(i)).join(', ')}] AS Array(UInt64)), toUInt64(0))`;
  const message = options.oneArgThrowIf ? '' : `, 'tsdbt: a merge joined parts from both sides of the backfill cut; run again'`;
  return `throwIf(${min} <= ${limit} AND ${max} > ${limit}${message}) = 0 AND ${max} <= ${limit}`;
}
