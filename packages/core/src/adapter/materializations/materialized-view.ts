import type { Relation } from '../../manifest/nodes.js';
import { relationSql } from '../../render/placeholders.js';
import { DatabaseError, ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { key } from '../mv/cutoff.js';
import { misfits, readMv, storedForm } from '../mv/mv-state.js';
import { recoverUnit } from '../mv/mv-recover.js';
import { modifyQuery, rebuildUnit, type RebuildResult, type Unit } from '../mv/mv-unit.js';
import { hasExplicitTarget, isRefreshable, mvRelationOf, ownUnit, targetModelOf, targetUnit } from '../mv/mv-units-of.js';
import { createMvBasic, fullMvSupport } from '../mv/mv-basic.js';
import { materializeRefreshable } from '../mv/refreshable.js';
import { applySchemaChange } from './schema-change.js';
import type { Materialization, MaterializeContext, MaterializeResult } from './types.js';

const built = (r: RebuildResult, how: string): MaterializeResult => ({
  message: `OK ${how}: ${r.rows.toLocaleString('en-US')} rows (${r.backfilled.toLocaleString('en-US')} backfilled)`,
  rowsAffected: r.rows,
  warnings: r.warnings,
});

/**
 * `materialized_view`: a ClickHouse materialized view and the table it writes into, which is either
 * the model's own relation (the view is `<model>_mv`, as dbt-clickhouse) or another table model named
 * by `target` (several views may feed one target). A new view starts from a backfill of its source
 * (`catchup`, default true); a changed SELECT is applied with `ALTER TABLE … MODIFY QUERY` when the
 * target's columns take it, else the target and its views are rebuilt (mv-unit.ts) — never a moment
 * without a view, never a row counted twice. `refresh` makes it a refreshable view (refreshable.ts).
 */
export const materializeMaterializedView: Materialization = async (ctx) => {
  const { adapter, node } = ctx;
  if (isRefreshable(node)) return materializeRefreshable(ctx);
  const explicit = hasExplicitTarget(node);
  const targetModel = explicit ? targetModelOf(node, ctx.models) : undefined;
  const target = targetModel?.relation ?? node.relation;
  await adapter.ensureDatabase(node.relation.schema);
  await adapter.ensureDatabase(target.schema);
  if (!(await fullMvSupport(adapter, target))) return createMvBasic(ctx, target);
  return adapter.exclusive(key(target), async () => {
    const unit = targetModel ? await targetUnit(adapter, targetModel, ctx.models!.sqlOf(targetModel), ctx.models, { node, sql: ctx.sql }) : ownUnit(node, ctx.sql, ctx.models);
    const placeholder = await recoverUnit(adapter, unit);
    // A refreshable view in its place (the model stopped being refreshable) goes: this one fires on inserts.
    const previous = await readMv(adapter, mvRelationOf(node));
    if (previous && previous.refresh !== undefined) await adapter.drop(previous.rel, 'materialized_view');
    return explicit ? feedExplicit(ctx, unit, placeholder) : feedOwn(ctx, unit, placeholder);
  });
};

const fullRefreshOf = (ctx: MaterializeContext) => (typeof ctx.node.config.full_refresh === 'boolean' ? ctx.node.config.full_refresh : ctx.fullRefresh);

/** A view owning its target: built, kept, modified or rebuilt. */
async function feedOwn(ctx: MaterializeContext, unit: Unit, placeholder: boolean): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  const mvRel = mvRelationOf(node);
  const targetKind = await adapter.relationKind(unit.target);
  const mv = await readMv(adapter, mvRel);
  const catchup = node.config.catchup !== false;
  if (targetKind !== 'table' || placeholder) return built(await rebuildUnit(adapter, unit, signal), 'built');
  if (fullRefreshOf(ctx)) return built(await rebuildUnit(adapter, unit, signal), 'rebuilt (full refresh)');
  if (!mv) {
    // The target is there without its view (dropped by hand?): keep its rows when nothing is to be backfilled.
    if (!catchup) return created(adapter, mvRel, unit, sql, signal);
    return built(await rebuildUnit(adapter, unit, signal), 'rebuilt (its view was missing)');
  }
  return changed(ctx, unit, mv, async (problems) => {
    const mode = String(node.config.on_schema_change ?? 'rebuild');
    if (mode === 'fail')
      throw new DatabaseError('schema_change', `The columns of materialized view ${node.name} no longer fit its table (${problems.join('; ')}) and on_schema_change is 'fail'`, {
        file: node.originalFilePath,
        hint: "Run with --full-refresh, or set on_schema_change='append_new_columns' or 'sync_all_columns' (the table is altered in place).",
      });
    if (mode === 'append_new_columns' || mode === 'sync_all_columns') {
      const { warnings } = await applySchemaChange(adapter, node, sql, [unit.target], signal);
      const still = misfits(await adapter.queryColumns(sql), await adapter.columns(unit.target));
      if (still.length)
        throw new DatabaseError('schema_change', `Materialized view ${node.name}: after on_schema_change='${mode}' its columns still do not fit the table (${still.join('; ')})`, {
          file: node.originalFilePath,
          hint: "Run with --full-refresh, or use on_schema_change='sync_all_columns'.",
        });
      await modifyQuery(adapter, mvRel, sql, signal);
      return { message: 'OK query modified (table altered)', warnings };
    }
    return built(await rebuildUnit(adapter, unit, signal), 'rebuilt (columns changed)');
  });
}

/** A view writing into a table model of its own. */
async function feedExplicit(ctx: MaterializeContext, unit: Unit, placeholder: boolean): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  const mvRel = mvRelationOf(node);
  const targetKind = await adapter.relationKind(unit.target);
  if (targetKind !== 'table' || placeholder)
    throw new ProjectError('mv_target', `The target ${key(unit.target)} of materialized view ${node.name} has not been built`, {
      file: node.originalFilePath,
      hint: `Build it first: tsdbt run --select ${String(node.config.target)}+`,
    });
  const mv = await readMv(adapter, mvRel);
  const catchup = node.config.catchup !== false;
  if (fullRefreshOf(ctx)) return built(await rebuildUnit(adapter, unit, signal), 'rebuilt its target (full refresh)');
  const columnsFit = async () => {
    const problems = misfits(await adapter.queryColumns(sql), await adapter.columns(unit.target));
    if (problems.length)
      throw new DatabaseError('mv_target_columns', `Materialized view ${node.name} does not fit its target ${key(unit.target)}: ${problems.join('; ')}`, {
        file: node.originalFilePath,
        hint: `Change the target model ${String(node.config.target)} (its columns are the table's), or cast the view's columns to its types.`,
      });
  };
  if (!mv || !mv.target || key(mv.target) !== key(unit.target)) {
    await columnsFit();
    // A new view (or one moved to this target): with catchup the target is rebuilt with every view
    // writing into it, so the new one's history comes in exactly once.
    if (catchup) return built(await rebuildUnit(adapter, unit, signal), 'added, target rebuilt');
    if (mv) await adapter.drop(mvRel, 'materialized_view');
    return created(adapter, mvRel, unit, sql, signal);
  }
  return changed(ctx, unit, mv, async (problems) => {
    throw new DatabaseError('mv_target_columns', `Materialized view ${node.name} does not fit its target ${key(unit.target)}: ${problems.join('; ')}`, {
      file: node.originalFilePath,
      hint: `Change the target model ${String(node.config.target)} (its columns are the table's), or cast the view's columns to its types.`,
    });
  });
}

/** The view is there: unchanged, or given its new SELECT when the target takes it (else `misfit`). */
async function changed(ctx: MaterializeContext, unit: Unit, mv: { asSelect: string }, misfit: (problems: string[]) => Promise<MaterializeResult>): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  if ((await storedForm(adapter, sql, adapter.tempRelation({ ...unit.target, identifier: `${unit.target.identifier}_q` }))) === mv.asSelect) return { message: 'OK unchanged', warnings: [] };
  const problems = misfits(await adapter.queryColumns(sql), await adapter.columns(unit.target));
  if (problems.length) return misfit(problems);
  await modifyQuery(adapter, mvRelationOf(node), sql, signal);
  return { message: 'OK query modified', warnings: [] };
}

/** `CREATE MATERIALIZED VIEW … TO target` with no backfill: it captures the inserts from now on. */
async function created(adapter: ClickHouseAdapter, mv: Relation, unit: Unit, sql: string, signal?: AbortSignal): Promise<MaterializeResult> {
  await adapter.ddl(`CREATE MATERIALIZED VIEW ${relationSql(mv.schema, mv.identifier)}${adapter.onCluster()} TO ${relationSql(unit.target.schema, unit.target.identifier)}\nAS ${sql}`, { signal });
  return { message: 'OK created (catchup: false)', warnings: [] };
}
