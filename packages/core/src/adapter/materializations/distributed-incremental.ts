import { addMissingTableOptions, applySchemaChange } from './schema-change.js';
import { relationSql } from '../../render/placeholders.js';
import { anyRowMatches, mutationsSyncOf, predicatesClause, waitForMutations } from './mutations.js';
import { buildDistributed, createDistributed, columnsDdl, insertThrough, localRelation, requireCluster } from './distributed-table.js';
import { qualifiedColumnWarnings } from './table.js';
import { strategyOf } from './incremental.js';
import type { Materialization } from './types.js';
import { withStaging } from '../staging.js';

/**
 * `distributed_incremental`: built like distributed_table the first time (and on --full-refresh);
 * later runs insert the new rows through the Distributed table, after deleting the rows with the same
 * unique_key on every shard for delete+insert (`ALTER TABLE <t>_local ON CLUSTER DELETE WHERE …`).
 */
export const materializeDistributedIncremental: Materialization = async (ctx) => {
  const { adapter, node, signal } = ctx;
  requireCluster(adapter, node);
  const rel = node.relation;
  const local = localRelation(rel);
  const strategy = strategyOf(ctx, ['append', 'delete_insert'] as const, (raw) => ({
    message: `Model ${node.name}: distributed_incremental supports append and delete+insert, not '${raw}'`,
    hint: "Use incremental_strategy='append' or 'delete+insert' (with a unique_key).",
  }));
  await adapter.ensureDatabase(rel.schema);
  const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
  const [kind, localKind] = [await adapter.relationKind(rel), await adapter.relationKind(local)];
  if (kind !== 'table' || localKind !== 'table' || fullRefresh) {
    const rows = await buildDistributed(adapter, node, ctx.recompile({ isIncremental: false }), signal);
    return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: await qualifiedColumnWarnings(adapter, node) };
  }
  const sql = ctx.recompile({ isIncremental: true });
  const { newColumns, insertColumns: shared, warnings: schemaWarnings } = await applySchemaChange(adapter, node, sql, [local, rel], signal);
  const warnings = [...schemaWarnings, ...(await addMissingTableOptions(adapter, node, local, signal))];
  // Rows written (as incremental.ts): what append added, or what the staged relation brought in.
  let written: number;
  if (strategy === 'append') {
    const before = await adapter.rowCount(rel);
    await insertThrough(adapter, rel, shared, sql, node.config, signal);
    written = (await adapter.rowCount(rel)) - before;
  } else {
    // Stage the new rows on the cluster (a Distributed table over new local tables): every shard's
    // DELETE must see all of them, since a key's new row may land on another shard than its old one.
    written = await withStaging(adapter, rel, signal, async (s) => {
      const stagedLocal = await s.createTable(columnsDdl(newColumns), node.config, { of: local });
      const staged = s.temporary();
      await createDistributed(adapter, staged, stagedLocal, newColumns, node.config, signal);
      await insertThrough(adapter, staged, newColumns.map((c) => c.name), sql, node.config, signal);
      const rows = await adapter.rowCount(staged);
      const key = Array.isArray(node.config.unique_key) ? node.config.unique_key.join(', ') : String(node.config.unique_key);
      const keys = `(SELECT ${key} FROM ${relationSql(staged.schema, staged.identifier)})${predicatesClause(node.config.incremental_predicates)}`;
      const where = `(${key}) IN ${keys}`;
      // No DELETE when no existing row has a staged key (asked through the Distributed table, so of
      // every shard; GLOBAL: the staged keys are a Distributed table too).
      if (await anyRowMatches(adapter, rel, `(${key}) GLOBAL IN ${keys}`, signal)) {
        const sync = mutationsSyncOf(node.config, node.originalFilePath);
        await adapter.ddl(`ALTER TABLE ${relationSql(local.schema, local.identifier)}${adapter.onCluster()} DELETE WHERE ${where}`, {
          settings: (await adapter.hasSetting('mutations_sync')) ? { mutations_sync: sync } : undefined,
        });
      }
      await waitForMutations(adapter, local, undefined);
      await insertThrough(adapter, rel, shared, `SELECT * FROM ${relationSql(staged.schema, staged.identifier)}`, node.config);
      return rows;
    });
  }
  return { message: `OK ${strategy === 'delete_insert' ? 'delete+insert' : strategy} ${written.toLocaleString('en-US')} rows`, rowsAffected: written, warnings };
};
