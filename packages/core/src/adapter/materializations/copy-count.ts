import type { Relation } from '../../manifest/nodes.js';
import { relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';

/*
 * Where block numbers cannot tell which rows arrived — an engine without parts (Log, StripeLog, TinyLog, Memory…)
 * or a cluster, whose hosts number their blocks apart — the rows another writer INSERTs into a table while its copy
 * is worked on (custom-strategy.ts, incremental.ts rebuildTable) cannot be carried (copy-carry.ts): they are counted
 * instead, every host's rows in cluster mode. The copy is made at a count read before and after it, equal (else made
 * again); more rows before the swap stop the build with nothing changed; more rows in the old table after it (INSERTs
 * that had bound it, waited for) keep it under a name no sweep drops and fail the model, naming it. Loud, never lost.
 * Not told apart: rows another writer deletes meanwhile hiding as many inserted ones, and on a cluster a merge that
 * collapses rows (Replacing/Collapsing/Summing/Aggregating engines) — it can only fail such a build, loud.
 * With several replicas per shard the copy reads one replica of each shard and the count one (or every one): a row
 * another writer committed on one replica, not yet fetched by the replica read, would be in neither, and go with the
 * old table. So the table's replicas are synced before each count (syncedRows).
 */

/** `table`'s rows (every host's in cluster mode: clusterAllReplicas from 20.1, one replica per shard before). */
export async function rowsEverywhere(adapter: ClickHouseAdapter, table: Relation): Promise<number> {
  let from = relationSql(table.schema, table.identifier);
  if (adapter.cluster) {
    const v = await adapter.serverVersion();
    const fn = v.major > 20 || (v.major === 20 && v.minor >= 1) ? 'clusterAllReplicas' : 'cluster';
    from = `${fn}(${sqlString(adapter.cluster)}, ${sqlString(table.schema)}, ${sqlString(table.identifier)})`;
  }
  const [row] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${from}`);
  return Number(row?.n ?? 0);
}

/**
 * Cluster mode, before a copy made from this host's table alone (a model's table, not a distributed one: written through
 * this host): fails (code 'direct_inserts', nothing changed) when the table holds rows on another shard — another
 * writer's, which the copy would leave out and the swap ON CLUSTER drop. One replica per shard is counted (`cluster()`).
 */
export async function assertRowsOnThisShard(adapter: ClickHouseAdapter, table: Relation, of: { readonly why: string }): Promise<void> {
  if (!adapter.cluster) return;
  const count = async (from: string) => Number((await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${from}`))[0]?.n ?? 0);
  const elsewhere = (await count(`cluster(${sqlString(adapter.cluster)}, ${sqlString(table.schema)}, ${sqlString(table.identifier)})`)) - (await count(relationSql(table.schema, table.identifier)));
  if (elsewhere <= 0) return;
  throw new DatabaseError(
    'direct_inserts',
    `${table.schema}.${table.identifier} holds ${elsewhere.toLocaleString('en-US')} row${elsewhere === 1 ? '' : 's'} on other shards of cluster ${adapter.cluster} than this host's, ` +
      `which ${of.why} from this host's rows would drop: nothing was changed`,
    { hint: "Another writer put them there (tsdbt writes a model's table through this host). Move them to this shard, or build the model as distributed_incremental (its rows on every shard)." },
  );
}

/**
 * rowsEverywhere() once the table's replicas hold what any of them committed before (SYSTEM SYNC REPLICA ON CLUSTER;
 * this host's replica where the server lacks that form, 18.x). A sync that fails fails the caller: counted unsynced,
 * a row on a lagging replica could be left out of a copy and dropped with the old table.
 */
export async function syncedRows(adapter: ClickHouseAdapter, table: Relation): Promise<number> {
  await adapter.syncReplicas(table);
  return rowsEverywhere(adapter, table);
}

/** `table`'s row count when `copy()` copied its rows: read before and after it, equal (else `clear()` and copied again). */
export async function copiedAtCount(adapter: ClickHouseAdapter, table: Relation, copy: () => Promise<void>, clear: () => Promise<void>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const before = await syncedRows(adapter, table);
    await copy();
    if ((await rowsEverywhere(adapter, table)) === before) return before;
    if (attempt >= 5) {
      throw new DatabaseError('direct_inserts', `${table.schema}.${table.identifier} received rows from another writer while they were copied, five times in a row: nothing was changed`, {
        hint: 'Run the model again at a quieter moment.',
      });
    }
    await clear();
  }
}

/**
 * Fails (code 'direct_inserts') when `table` — the target (before the swap) or the old table (after it, named
 * `of`'s) — no longer holds the `count` rows its copy was made of: `what` says what became of the build.
 */
export async function assertCounted(adapter: ClickHouseAdapter, table: Relation, count: number, of: { readonly table: Relation; readonly why: string }, what: string): Promise<void> {
  const more = (await syncedRows(adapter, table)) - count;
  if (more === 0) return;
  const n = Math.abs(more);
  throw new DatabaseError(
    'direct_inserts',
    `${of.table.schema}.${of.table.identifier} got ${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'} ${more < 0 ? 'fewer' : 'more'} from another writer while ${of.why}, ` +
      `and its engine (or cluster mode) cannot tell which rows they are: ${what}`,
    {
      hint: 'Run the model again when nothing else writes into the table (a MergeTree table outside cluster mode carries such rows). ' +
        'If an old table is kept (named here), copy the rows the table lacks from it, then drop it.',
    },
  );
}
