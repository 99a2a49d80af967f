import type { NodeConfig } from '../../manifest/config.js';
import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';
import { settingsClause } from '../settings-clause.js';
import { withStaging, type Staging } from '../staging.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import { qualifiedColumnWarnings } from './table.js';
import { carryOwed } from './copy-carry.js';
import type { Materialization } from './types.js';

/** Suffix of the per-shard table under a distributed model (`orders` reads `orders_local` on each shard). */
export const LOCAL_SUFFIX = '_local';

export function localRelation(rel: Relation): Relation {
  return { schema: rel.schema, identifier: `${rel.identifier}${LOCAL_SUFFIX}` };
}

/** The adapter's cluster, or a ProjectError saying the model needs one. */
export function requireCluster(adapter: ClickHouseAdapter, node: ModelNode): string {
  if (adapter.cluster) return adapter.cluster;
  throw new ProjectError('distributed', `Compilation Error in model ${node.name} (${node.originalFilePath}): it is materialized as ${node.config.materialized}, which needs a cluster`, {
    file: node.originalFilePath,
    hint:
      node.config.disable_on_cluster === true
        ? 'Remove disable_on_cluster from this model, or materialize it as table/incremental.'
        : 'Set `cluster: <name>` in the target of profiles.yml (see docs/cluster.md), or materialize the model as table/incremental.',
  });
}

export const shardingKey = (config: NodeConfig): string =>
  typeof config.sharding_key === 'string' && config.sharding_key.trim() ? config.sharding_key : 'rand()';

export { columnsDdl };

/** `CREATE TABLE dist ON CLUSTER c (cols) ENGINE = Distributed('c', 'db', 'local', key)`. */
export async function createDistributed(
  adapter: ClickHouseAdapter,
  dist: Relation,
  local: Relation,
  columns: readonly WarehouseColumn[],
  config: NodeConfig,
  signal?: AbortSignal,
): Promise<void> {
  const engine = `Distributed(${sqlString(adapter.cluster!)}, ${sqlString(local.schema)}, ${sqlString(local.identifier)}, ${shardingKey(config)})`;
  await adapter.ddl(`CREATE TABLE ${relationSql(dist.schema, dist.identifier)}${adapter.onCluster()} (${columnsDdl(columns)})\nENGINE = ${engine}`, { signal });
}

/** `INSERT INTO dist (cols) SELECT cols FROM (<sql>)`, synchronous on every shard. */
export async function insertThrough(
  adapter: ClickHouseAdapter,
  dist: Relation,
  columns: readonly string[],
  sql: string,
  config: NodeConfig,
  signal?: AbortSignal,
): Promise<void> {
  const names = columns.map(quoteIdentifier).join(', ');
  const querySettings = settingsClause(config.query_settings);
  try {
    await adapter.client.command(
      `INSERT INTO ${relationSql(dist.schema, dist.identifier)} (${names}) SELECT ${names} FROM (\n${sql}\n)${querySettings ? `\n${querySettings}` : ''}`,
      { signal, settings: await adapter.insertSettings() },
    );
  } catch (error) {
    throw adapter.clusterError(error);
  }
}

/**
 * Builds a distributed model beside the current one and swaps it in: new local tables on every shard
 * (`<t>_local__tsdbt_tmp_<run>`), filled through a temporary Distributed table over them, replicas
 * synced, then one `RENAME … ON CLUSTER` per host puts the new local table and a fresh Distributed
 * table in place together. Readers of `<t>` see the old rows or the new ones, never a half-filled table.
 */
export async function buildDistributed(adapter: ClickHouseAdapter, node: ModelNode, sql: string, signal?: AbortSignal): Promise<number> {
  const columns = await adapter.queryColumns(sql);
  await swapInDistributed(adapter, node, columns, signal, (fill) => insertThrough(adapter, fill, columns.map((c) => c.name), sql, node.config, signal));
  return adapter.rowCount(node.relation);
}

/** A fill that copied the old rows of `<t>_local`: their count everywhere when copied (copy-count.ts), and why (for the messages). */
export interface CountedFill {
  readonly count: number;
  readonly why: string;
}

/**
 * buildDistributed() with the rows `fill` writes into the Distributed table it is handed (over the
 * new local tables `intoLocal`, with `columns`); `fill` may stage more in the same Staging. A fill that
 * copies the old rows says at which count of `<t>_local`'s rows (CountedFill): rows another writer adds
 * meanwhile (shards number their blocks apart: they cannot be carried) stop the build before the swap, or
 * keep the old local tables after it, named in the error (copy-carry.ts carryOwed) — never dropped.
 */
export async function swapInDistributed(
  adapter: ClickHouseAdapter,
  node: ModelNode,
  columns: readonly WarehouseColumn[],
  signal: AbortSignal | undefined,
  fill: (into: Relation, s: Staging, intoLocal: Relation) => Promise<CountedFill | void>,
): Promise<void> {
  requireCluster(adapter, node);
  const rel = node.relation;
  const local = localRelation(rel);
  await withStaging(adapter, rel, signal, async (s) => {
    // Indexes, projections and codecs belong to the local tables, where the data is.
    const options = tableOptionsOf(node);
    await adapter.assertTableOptionsSupported(options);
    const stagedLocal = await s.createTable(columnsDdl(columns, options), node.config, { of: local });
    const into = s.temporary('fill'); // Distributed over the staged locals, to fill them
    await createDistributed(adapter, into, stagedLocal, columns, node.config, signal);
    const copied = await fill(into, s, stagedLocal);
    const nextDist = s.temporary('dist'); // Distributed over `<t>_local`, swapped in as `<t>`
    await createDistributed(adapter, nextDist, local, columns, node.config, signal);
    const beforeDrop = copied ? await carryOwed(s, stagedLocal, { table: local, why: copied.why }, { count: copied.count }) : undefined;
    await s.swapAll(
      [
        [stagedLocal, local],
        [nextDist, rel],
      ],
      'table',
      beforeDrop,
    );
  });
}

/** `distributed_table`: a replicated local table on each shard and a Distributed table over them (see docs/cluster.md). */
export const materializeDistributedTable: Materialization = async ({ adapter, node, sql, signal }) => {
  const rows = await buildDistributed(adapter, node, sql, signal);
  return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: await qualifiedColumnWarnings(adapter, node) };
};
