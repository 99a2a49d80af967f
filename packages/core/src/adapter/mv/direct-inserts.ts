import type { Relation } from '../../manifest/nodes.js';
import { relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { activateAtQuietMoment, key } from './cutoff.js';

/*
 * A view added to a table that keeps its rows (mv-unit.ts keepRows) builds the new table beside the
 * old one: the old table's rows at the cut are copied in, the views' staged twins carry what the
 * views write after it, and EXCHANGE swaps the tables. A row INSERTed into the table directly (not
 * through a view) after the cut reaches only the old table, which the switch drops. ClickHouse
 * does not say who wrote a row, but it counts them: at a moment without INSERTs before the switch,
 *
 *   old = atCut + kept + direct        new = atCut + backfill + kept + added
 *
 * (`kept`: what the views in place wrote since the cut, once in each; `added`: what the new views'
 * twins wrote, counted by a gated counting twin beside each; `backfill`: the new views' history,
 * written to a table of its own and counted before it is moved in). So direct = old − new +
 * backfill + added, exact where the engine keeps row counts (not one that merges rows away). Any
 * direct row refuses the switch: nothing changed, the rows in place.
 */

/** Engines whose row count only INSERTs change (merges keep every row). */
export const COUNTS_ROWS = /^((Replicated|Shared)?MergeTree|Memory|Log|TinyLog|StripeLog)$/;

const q = (r: Relation) => relationSql(r.schema, r.identifier);

/** Rows inserted into `target` by anything but its views since the cut, measured at a moment without INSERTs. */
export async function directRows(
  adapter: ClickHouseAdapter,
  m: { target: Relation; staged: Relation; counters: readonly Relation[]; backfilled: number; tables: readonly Relation[]; signal?: AbortSignal },
): Promise<number> {
  let direct = 0;
  await activateAtQuietMoment({
    adapter,
    tables: m.tables,
    activate: async () => {},
    capture: async () => {
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
  if (rows.length) await adapter.ddl(`ALTER TABLE ${q(to)} ${rows.map((r) => `ATTACH PARTITION ID ${sqlString(r.p)} FROM ${q(from)}`).join(', ')}`, { signal });
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
