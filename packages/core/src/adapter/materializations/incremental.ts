import { ProjectError } from '../../shared/errors.js';
import { quoteIdentifier, relationSql } from '../../render/placeholders.js';
import { settingsClause, sqlString } from '../clickhouse-adapter.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import { deleteWhere, mutationsSyncOf, predicatesClause } from './mutations.js';
import { addMissingTableOptions, applySchemaChange } from './schema-change.js';
import { Staging, prepareTarget } from '../staging.js';
import { buildAndSwap, qualifiedColumnWarnings } from './table.js';
import { materializeMicrobatch } from './microbatch.js';
import type { Materialization, MaterializeContext } from './types.js';

const STRATEGIES = ['append', 'delete_insert', 'insert_overwrite', 'microbatch'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/**
 * The model's incremental strategy (dbt's default: delete+insert with a unique_key, else append),
 * checked against what the materialization `supported` and what each strategy needs.
 */
export function strategyOf<S extends Strategy>(ctx: MaterializeContext, supported: readonly S[], unsupported: (raw: string) => { message: string; hint: string }): S {
  const raw = String(ctx.node.config.incremental_strategy ?? (ctx.node.config.unique_key ? 'delete+insert' : 'append'));
  const s = raw.replace('+', '_') as S;
  const file = ctx.node.originalFilePath;
  if (!supported.includes(s)) {
    const { message, hint } = unsupported(raw);
    throw new ProjectError('incremental_strategy', message, { file, hint });
  }
  if (s === 'delete_insert' && !ctx.node.config.unique_key)
    throw new ProjectError('incremental_strategy', `Model ${ctx.node.name}: delete+insert needs a unique_key`, {
      file,
      hint: "Add config(unique_key='id'), or use incremental_strategy='append'.",
    });
  if (s === 'insert_overwrite' && !ctx.node.config.partition_by)
    throw new ProjectError('incremental_strategy', `Model ${ctx.node.name}: insert_overwrite needs partition_by`, {
      file,
      hint: "Add config(partition_by='toYYYYMM(event_date)').",
    });
  return s;
}

/**
 * Incremental models: the first build (or --full-refresh, or a view in the way) is a table build;
 * later runs render with is_incremental() true and add the new rows by the configured strategy.
 */
export const materializeIncremental: Materialization = async (ctx) => {
  const { adapter, node, signal } = ctx;
  const rel = node.relation;
  const strategy = strategyOf(ctx, STRATEGIES, (raw) => ({
    message: `Unknown incremental_strategy '${raw}' in model ${node.name}`,
    hint: 'Use append, delete+insert, insert_overwrite or microbatch.',
  }));
  if (strategy === 'microbatch') return materializeMicrobatch(ctx);
  // First (before asking whether the table exists): a table a crash left under its backup name is put back.
  await prepareTarget(adapter, rel);
  const existing = await adapter.relationKind(rel);
  // dbt's should_full_refresh(): a model's own full_refresh config wins over the --full-refresh flag.
  const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
  if (existing !== 'table' || fullRefresh) {
    const rows = await buildAndSwap(adapter, node, ctx.recompile({ isIncremental: false }), signal);
    return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: await qualifiedColumnWarnings(adapter, node) };
  }
  const sql = ctx.recompile({ isIncremental: true });
  const { insertColumns, warnings: schemaWarnings } = await applySchemaChange(adapter, node, sql, [rel], signal);
  const warnings = [...schemaWarnings, ...(await addMissingTableOptions(adapter, node, rel, signal))];
  // Insert only the columns both sides have, by name.
  const shared = insertColumns.map(quoteIdentifier);
  const target = relationSql(rel.schema, rel.identifier);
  const querySettings = settingsClause(node.config.query_settings);
  // Rows written: what append added, or what the staged relation brought in (a delete+insert or a
  // partition replace that rewrites existing rows changes the table's count by less, or not at all).
  let written: number;
  if (strategy === 'append') {
    const before = await adapter.rowCount(rel);
    await adapter.client.command(`INSERT INTO ${target} (${shared.join(', ')}) SELECT ${shared.join(', ')} FROM (\n${sql}\n) ${querySettings}`, { signal });
    written = (await adapter.rowCount(rel)) - before;
  } else {
    const staging = new Staging(adapter, rel, signal);
    const staged = staging.temporary();
    const stagedSql = relationSql(staged.schema, staged.identifier);
    try {
      if (strategy === 'insert_overwrite') {
        // REPLACE PARTITION needs the very structure of the target (columns, types, keys): stage
        // into a table of the target's columns, so a model whose columns changed still replaces partitions.
        // (From the target's columns and the model's engine: `AS target` would also copy a replicated
        // engine's expanded ZooKeeper path.)
        await adapter.createTable(staged, node.config, columnsDdl(await adapter.columns(rel), tableOptionsOf(node)), signal);
        await adapter.client.command(`INSERT INTO ${stagedSql} (${shared.join(', ')}) SELECT ${shared.join(', ')} FROM (\n${sql}\n) ${querySettings}`, { signal });
      } else {
        await adapter.createTableAs(staged, node.config, sql, signal);
      }
      written = await adapter.rowCount(staged);
      if (strategy === 'delete_insert') {
        const key = Array.isArray(node.config.unique_key) ? node.config.unique_key.join(', ') : String(node.config.unique_key);
        // incremental_predicates narrow the DELETE (e.g. to recent partitions), as in dbt-clickhouse.
        const predicates = predicatesClause(node.config.incremental_predicates);
        // Once the DELETE starts, its INSERT must follow whatever happens: neither takes the signal
        // (Ctrl-C or --fail-fast cancels the staging above, never one half of this pair).
        await deleteWhere(adapter, rel, `(${key}) IN (SELECT ${key} FROM ${stagedSql})${predicates}`, { sync: mutationsSyncOf(node.config, node.originalFilePath) });
        await adapter.client.command(`INSERT INTO ${target} (${shared.join(', ')}) SELECT ${shared.join(', ')} FROM ${stagedSql}`);
      } else {
        const parts = await adapter.client.query<{ partition_id: string }>(
          `SELECT DISTINCT partition_id FROM system.parts WHERE active AND database = ${sqlString(staged.schema)} AND table = ${sqlString(staged.identifier)}`,
        );
        if (parts.length)
          await adapter.client.command(`ALTER TABLE ${target} ${parts.map((p) => `REPLACE PARTITION ID ${sqlString(p.partition_id)} FROM ${stagedSql}`).join(', ')}`, { signal });
      }
    } finally {
      await staging.dispose();
    }
  }
  return { message: `OK ${strategy === 'delete_insert' ? 'delete+insert' : strategy} ${written.toLocaleString('en-US')} rows`, rowsAffected: written, warnings };
};
