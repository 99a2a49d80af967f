import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { partitionByExpression } from '../table-ddl.js';
import { withStaging, type Staging } from '../staging.js';
import { ifPartitionMovesWork } from '../partition-moves-on-cluster.js';
import { buildDistributed, columnsDdl, createDistributed, insertThrough, localRelation, requireCluster, swapInDistributed } from './distributed-table.js';
import { replacedRows, strategyOf } from './incremental.js';
import { addMissingTableOptions, insertError, planSchemaChange, type SchemaPlan } from './schema-change.js';
import { storedDates } from './stored-dates.js';
import { copiedAtCount } from './copy-count.js';
import { qualifiedColumnWarnings } from './table.js';
import type { Materialization, MaterializeContext } from './types.js';

const list = (names: readonly string[]) => names.map(quoteIdentifier).join(', ');

/**
 * `distributed_incremental`: built like distributed_table the first time (and on --full-refresh).
 * Later runs stage the new rows on the cluster (a Distributed table over new local tables: every
 * shard must see all of them, since a key's new row may land on another shard than its old one),
 * then, as incremental.ts does on one node:
 * - append: the new rows go into local tables shaped like `<t>_local`, attached on every shard in
 *   one `ALTER … ON CLUSTER ATTACH PARTITION … FROM`;
 * - delete+insert: the partitions holding a replaced key or receiving a new row are rebuilt beside
 *   `<t>_local` on every shard and replaced in one `ALTER … ON CLUSTER REPLACE PARTITION`;
 * - insert_overwrite: the partitions the new rows fall in (on any shard) replaced on every shard by
 *   that shard's new rows, as dbt-clickhouse's (a shard that got none of them loses that partition's rows);
 * - a change of columns: the whole distributed table is rebuilt and swapped (buildDistributed()).
 */
export const materializeDistributedIncremental: Materialization = async (ctx) => {
  const { adapter, node, signal } = ctx;
  requireCluster(adapter, node);
  const rel = node.relation;
  const local = localRelation(rel);
  const strategy = strategyOf(ctx, ['append', 'delete_insert', 'insert_overwrite'] as const, (raw) => unsupportedStrategy(ctx, raw));
  await adapter.ensureDatabase(rel.schema);
  const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
  const [kind, localKind] = [await adapter.relationKind(rel), await adapter.relationKind(local)];
  if (kind !== 'table' || localKind !== 'table' || fullRefresh) {
    const rows = await buildDistributed(adapter, node, ctx.recompile({ isIncremental: false }), signal);
    return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: await qualifiedColumnWarnings(adapter, node) };
  }
  // Casts to date computed as the local tables stored them: ClickHouse's Date in tables built so (stored-dates.ts).
  const dates = await storedDates(adapter, node, local, (clickhouseDates) => ctx.recompile({ isIncremental: true, clickhouseDates }), node.config.query_settings);
  const sql = dates.sql;
  const plan = await planSchemaChange(adapter, node, sql, local);
  const warnings = [...(dates.warning ? [dates.warning] : []), ...plan.warnings];
  let written: number | undefined;
  if (!plan.rebuild) {
    warnings.push(...(await addMissingTableOptions(adapter, node, local, signal)));
    written = await withStaging(adapter, rel, signal, (s) => ifPartitionMovesWork(s, () => viaPartitions(s, ctx, strategy, sql, plan)));
  }
  if (written === undefined) {
    // A change of columns, or a server without partition moves ON CLUSTER (18.x): the whole table, rebuilt and swapped.
    // The old rows copied at a count of every shard's rows: rows another writer adds meanwhile fail the build, loud (copy-count.ts).
    await swapInDistributed(adapter, node, plan.finalColumns, signal, async (into, s, intoLocal) => {
      const incoming = await stageIncoming(s, ctx, sql, plan);
      written = await adapter.rowCount(incoming);
      const kept = plan.targetColumns.map((c) => c.name).filter((n) => plan.finalColumns.some((c) => c.name === n));
      const where =
        strategy === 'delete_insert' ? ` WHERE NOT (${replacedRows(node, incoming, true)})`
        : strategy === 'insert_overwrite' ? ` WHERE NOT (${overwrittenRows(node, incoming)})`
        : '';
      const copy = async () => {
        await insertNew(ctx, into, incoming, plan);
        await insertThrough(adapter, into, kept, `SELECT ${list(kept)} FROM ${relationSql(rel.schema, rel.identifier)}${where}`, node.config);
      };
      const clear = () => adapter.ddl(`TRUNCATE TABLE ${relationSql(intoLocal.schema, intoLocal.identifier)}${adapter.onCluster()}`, { signal });
      const why = plan.rebuild ? 'it was rebuilt for a change of its columns' : 'it was rebuilt whole (this server cannot replace partitions ON CLUSTER)';
      return { count: await copiedAtCount(adapter, local, copy, clear), why };
    });
  }
  written ??= 0;
  return { message: `OK ${strategy === 'delete_insert' ? 'delete+insert' : strategy} ${written.toLocaleString('en-US')} rows`, rowsAffected: written, warnings };
};

/** append, delete+insert and insert_overwrite by partition moves on every shard (see the materialization's comment). */
async function viaPartitions(s: Staging, ctx: MaterializeContext, strategy: 'append' | 'delete_insert' | 'insert_overwrite', sql: string, plan: SchemaPlan): Promise<number> {
  const { adapter, node, signal } = ctx;
  const rel = node.relation;
  const local = localRelation(rel);
  const incoming = await stageIncoming(s, ctx, sql, plan);
  const rows = await adapter.rowCount(incoming);
  const nextLocal = await s.createLike(local, node.config, { purpose: 'new' });
  const next = s.temporary('new');
  await createDistributed(adapter, next, nextLocal, plan.targetColumns, node.config, signal);
  await insertNew(ctx, next, incoming, plan);
  if (strategy === 'append') {
    await adapter.syncReplicas(nextLocal);
    await s.appendPartitions(nextLocal, local);
    return rows;
  }
  if (strategy === 'insert_overwrite') {
    // A partition the new rows fall in on any shard is replaced on every shard: where a shard got none of them, emptied.
    await adapter.syncReplicas(nextLocal);
    await s.replacePartitions(nextLocal, await s.partitionIds(nextLocal), [], local);
    return rows;
  }
  const target = relationSql(rel.schema, rel.identifier);
  const holding = await adapter.client.query<{ _partition_id: string }>(`SELECT DISTINCT _partition_id FROM ${target} WHERE ${replacedRows(node, incoming, true)}`, { signal });
  const touched = [...new Set([...(await s.partitionIds(nextLocal)), ...holding.map((r) => r._partition_id)])].sort();
  if (touched.length === 0) return rows;
  const all = plan.targetColumns.map((c) => c.name);
  await insertThrough(
    adapter,
    next,
    all,
    `SELECT ${list(all)} FROM ${target} WHERE _partition_id IN (${touched.map(sqlString).join(', ')}) AND NOT (${replacedRows(node, incoming, true)})`,
    node.config,
    signal,
  );
  await adapter.syncReplicas(nextLocal);
  const filled = await s.partitionIds(nextLocal);
  await s.replacePartitions(nextLocal, filled, touched.filter((id) => !filled.includes(id)), local);
  return rows;
}

/** The new rows as the model returns them, on the cluster: a Distributed table over new local tables (their keys say what is replaced). */
async function stageIncoming(s: Staging, ctx: MaterializeContext, sql: string, plan: SchemaPlan): Promise<Relation> {
  const { adapter, node } = ctx;
  const keysLocal = await s.createTable(columnsDdl(plan.newColumns), node.config, { purpose: 'keys', of: localRelation(node.relation) });
  const incoming = s.temporary('keys');
  await createDistributed(adapter, incoming, keysLocal, plan.newColumns, node.config, s.signal);
  await insertThrough(adapter, incoming, plan.newColumns.map((c) => c.name), sql, node.config, s.signal);
  return incoming;
}

/** The new rows into `into` in the table's types (a type that does not fit fails here, before the table is touched). */
async function insertNew(ctx: MaterializeContext, into: Relation, incoming: Relation, plan: SchemaPlan): Promise<void> {
  try {
    await insertThrough(ctx.adapter, into, plan.insertColumns, `SELECT ${list(plan.insertColumns)} FROM ${relationSql(incoming.schema, incoming.identifier)}`, ctx.node.config, ctx.signal);
  } catch (error) {
    throw insertError(error, ctx.node, plan);
  }
}


/**
 * The old rows insert_overwrite replaces: those of a partition the new rows (a Distributed table) fall in.
 * By the partition key's value, not `_partition_id`, which old servers (18.x) lack.
 */
function overwrittenRows(node: ModelNode, incoming: Relation): string {
  const key = partitionByExpression(node.config.partition_by) ?? 'tuple()';
  return `${key} GLOBAL IN (SELECT DISTINCT ${key} FROM ${relationSql(incoming.schema, incoming.identifier)})`;
}

/**
 * The refusal of a strategy distributed_incremental lacks. A custom one (the project's
 * `get_incremental_<name>_sql`) runs on `incremental` only: its SQL, written for one table, would change
 * the Distributed table (ClickHouse refuses ALTER and DELETE there, and an INSERT goes through the
 * sharding key) — dbt-clickhouse refuses custom strategies on both materializations.
 */
function unsupportedStrategy(ctx: MaterializeContext, raw: string): { message: string; hint: string } {
  const name = raw.replace('+', '_');
  if (ctx.strategyMacro?.(name))
    return {
      message: `Model ${ctx.node.name}: the custom incremental strategy '${raw}' (get_incremental_${name}_sql) runs on materialized='incremental' only, not on distributed_incremental`,
      hint: "Use incremental_strategy='append', 'delete+insert' (with a unique_key) or 'insert_overwrite' (with partition_by) here, or materialized='incremental' for the custom strategy.",
    };
  return {
    message: `Model ${ctx.node.name}: distributed_incremental supports append, delete+insert and insert_overwrite, not '${raw}'`,
    hint: "Use incremental_strategy='append', 'delete+insert' (with a unique_key) or 'insert_overwrite' (with partition_by).",
  };
}
