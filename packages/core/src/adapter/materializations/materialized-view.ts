import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { relationSql } from '../../render/placeholders.js';
import { DatabaseError, ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';
import { key } from '../mv/cutoff.js';
import { misfits, mvsWritingTo, NOT_IN_TARGET, readMv, storedForm } from '../mv/mv-state.js';
import { recoverUnit } from '../mv/mv-recover.js';
import { modifyQuery, rebuildUnit, type RebuildResult, type Unit } from '../mv/mv-unit.js';
import { addingUnit, hasExplicitTarget, isRefreshable, mvRelationOf, ownUnit, targetModelOf, targetUnit } from '../mv/mv-units-of.js';
import { createMvBasic, fullMvSupport } from '../mv/mv-basic.js';
import { materializeRefreshable } from '../mv/refreshable.js';
import { siblingsLosingRows, unsafeViewRefresh } from '../mv/view-full-refresh.js';
import { inexactViewRefresh, refreshDifference } from '../mv/view-refresh-check.js';
import { checkContract, contractEnforced, type ContractColumn } from '../contract/contract-check.js';
import { applySchemaChange } from './schema-change.js';
import { storedDates } from './stored-dates.js';
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
 * target's columns take it. A normal run never rebuilds a target that exists (as dbt-clickhouse): its
 * rows are what the views captured, which a backfill cannot bring back when the source keeps no
 * history (a `Null` ingest table, a TTL). Rebuilds (mv-unit.ts: never a moment without a view, never a
 * row counted twice) happen on --full-refresh or with tsdbt's `on_schema_change='rebuild'`.
 * `refresh` makes it a refreshable view (refreshable.ts).
 */
export const materializeMaterializedView: Materialization = async (ctx) => {
  const { adapter, node } = ctx;
  if (isRefreshable(node)) return materializeRefreshable(ctx);
  const explicit = hasExplicitTarget(node);
  const targetModel = explicit ? targetModelOf(node, ctx.models) : undefined;
  const target = targetModel?.relation ?? node.relation;
  await adapter.ensureDatabase(node.relation.schema);
  await adapter.ensureDatabase(target.schema);
  // An enforced contract is checked before anything changes (dbt-clickhouse's assert_columns_equivalent);
  // a target of the model's own then takes the declared types and constraints (mv-unit.ts createTargetTable).
  const contract = contractEnforced(node) ? await checkContract(adapter, node, ctx.sql, ctx.signal) : undefined;
  if (!(await fullMvSupport(adapter, target))) return createMvBasic(ctx, target);
  return adapter.exclusive(key(target), async () => {
    // Casts to date computed as the target stored them: ClickHouse's Date in a table built so (stored-dates.ts).
    // Read while holding the target: a sibling's full refresh in this run may rebuild it with Date32 meanwhile.
    const dates = !fullRefreshOf(ctx) && (await adapter.relationKind(target)) === 'table'
      ? await storedDates(adapter, node, target, (d) => (d ? ctx.recompile({ isIncremental: false, clickhouseDates: true }) : ctx.sql))
      : undefined;
    const result = await feed(dates ? { ...ctx, sql: dates.sql } : ctx, targetModel, explicit, contract);
    return dates?.warning ? { ...result, warnings: [dates.warning, ...result.warnings] } : result;
  });
};

/** Builds, keeps, modifies or rebuilds the view(s); the caller holds the target (adapter.exclusive). */
async function feed(ctx: MaterializeContext, targetModel: ModelNode | undefined, explicit: boolean, contract?: readonly ContractColumn[]): Promise<MaterializeResult> {
  const { adapter, node } = ctx;
  const unit = targetModel
    ? await targetUnit(adapter, targetModel, ctx.models!.sqlOf(targetModel), ctx.models, { node, sql: ctx.sql }, { fullRefresh: fullRefreshOf(ctx) })
    : { ...ownUnit(node, ctx.sql, ctx.models), ...(contract ? { contract } : {}) };
  const placeholder = await recoverUnit(adapter, unit);
  // A refreshable view in its place (the model stopped being refreshable) goes: this one fires on inserts.
  const previous = await readMv(adapter, mvRelationOf(node));
  if (previous && previous.refresh !== undefined) await adapter.drop(previous.rel, 'materialized_view');
  return explicit ? feedExplicit(ctx, unit, placeholder) : feedOwn(ctx, unit, placeholder);
}

const fullRefreshOf = (ctx: MaterializeContext) => (typeof ctx.node.config.full_refresh === 'boolean' ? ctx.node.config.full_refresh : ctx.fullRefresh);

/** A view owning its target (or several views, one per `--name:begin` block): built, kept, modified or rebuilt. */
async function feedOwn(ctx: MaterializeContext, unit: Unit, placeholder: boolean): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  const targetKind = await adapter.relationKind(unit.target);
  const catchup = node.config.catchup !== false;
  // Views of this model that its SQL no longer has (`<model>_…` writing into its table).
  const wanted = new Set(unit.feeds.map((f) => key(f.mv)));
  const prefix = `${unit.target.identifier}_`;
  const retired = targetKind === 'table' ? (await mvsWritingTo(adapter, unit.target)).map((v) => v.rel).filter((r) => r.schema === unit.target.schema && r.identifier.startsWith(prefix) && !wanted.has(key(r))) : [];
  const full: Unit = retired.length ? { ...unit, retired } : unit;
  if (targetKind !== 'table' || placeholder) return built(await rebuildUnit(adapter, full, signal), 'built');
  if (fullRefreshOf(ctx)) return built(await rebuildUnit(adapter, full, signal), 'rebuilt (full refresh)');
  const views = await Promise.all(unit.feeds.map(async (feed) => ({ feed, mv: await readMv(adapter, feed.mv) })));
  const missing = views.filter((v) => !v.mv);
  // Not set: dbt-clickhouse's default 'ignore' (new columns are left out), failing where ignoring would not be safe.
  const mode = String(node.config.on_schema_change ?? 'unset');
  const pending = missing.length > 0 || retired.length > 0;
  // The target is there without (some of) its views. A rebuild would recompute it from the sources
  // and lose the rows a source no longer has; as dbt-clickhouse, the views are created without a
  // backfill instead (a backfill into the table could count twice rows a dropped view had written).
  if (pending && catchup && mode === 'rebuild') return built(await rebuildUnit(adapter, full, signal), missing.length ? 'rebuilt (its view was missing)' : 'rebuilt (its views changed)');
  const own = views.filter((v) => v.mv).map((v) => ({ rel: v.feed.mv, sql: v.feed.sql, stored: v.mv!.asSelect }));
  // sync_all_columns and fail also look at the table's columns the SELECT no longer has (dbt-clickhouse's "Source columns not in target").
  const strict = mode === 'sync_all_columns' || mode === 'fail';
  const result = await changed(ctx, unit, own, strict, pending, async (problems) => {
    if (mode === 'fail') throw outOfSync(node, await adapter.columns(unit.target), await adapter.queryColumns(sql));
    // dbt-clickhouse's `ignore` (also its default): the views get their new SELECT, the table keeps its
    // columns (a new column is not written; one the table has and the SELECT lost gets its default).
    if ((mode === 'ignore' || mode === 'unset') && problems.every((p) => p.endsWith(NOT_IN_TARGET))) {
      for (const o of own) await modifyQuery(adapter, o.rel, o.sql, signal);
      const warnings =
        mode === 'unset'
          ? [`${node.originalFilePath}: ${problems.join('; ')}: the table keeps its columns (on_schema_change not set acts as dbt-clickhouse's 'ignore'). Set on_schema_change='append_new_columns' to add them, or run with --full-refresh.`]
          : [];
      return { message: 'OK query modified (new columns ignored)', warnings };
    }
    if (mode === 'append_new_columns' || mode === 'sync_all_columns') {
      const { warnings } = await applySchemaChange(adapter, node, sql, [unit.target], signal);
      const still = misfits(await adapter.queryColumns(sql), await adapter.columns(unit.target));
      if (still.length)
        throw new DatabaseError('schema_change', `Materialized view ${node.name}: after on_schema_change='${mode}' its columns still do not fit the table (${still.join('; ')})`, {
          file: node.originalFilePath,
          hint: "Run with --full-refresh, or use on_schema_change='sync_all_columns'.",
        });
      for (const o of own) await modifyQuery(adapter, o.rel, o.sql, signal);
      return { message: 'OK query modified (table altered)', warnings };
    }
    // A type the table cannot take: never a rebuild unless asked for ('rebuild'), it recomputes the
    // table from the sources and loses what they no longer hold.
    if (mode !== 'rebuild') throw outOfSync(node, await adapter.columns(unit.target), await adapter.queryColumns(sql));
    // With catchup: false a rebuild would start the table empty and lose every row the view wrote.
    if (!catchup) throw outOfSync(node, await adapter.columns(unit.target), await adapter.queryColumns(sql), 'catchup');
    return built(await rebuildUnit(adapter, unit, signal), 'rebuilt (columns changed)');
  });
  if (!pending || result.message.startsWith('OK rebuilt')) return result;
  // The table takes the views' columns (or was altered to): the missing views come, the retired go.
  for (const v of missing) await created(adapter, v.feed.mv, unit, v.feed.sql, signal);
  for (const r of retired) await adapter.drop(r, 'materialized_view');
  const note =
    catchup && missing.length
      ? [`${node.originalFilePath}: ${missing.map((v) => key(v.feed.mv)).join(', ')} created without a backfill: the table keeps its rows, the view captures inserts from now on. Run with --full-refresh to recompute the table from the sources.`]
      : [];
  const what = missing.length ? (catchup ? 'views created (no backfill)' : 'views created (catchup: false)') : 'old views dropped';
  return { ...result, message: result.message === 'OK unchanged' ? `OK ${what}` : `${result.message}, ${what}`, warnings: [...result.warnings, ...note] };
}

/**
 * on_schema_change 'fail': dbt-clickhouse's message (errors.py schema_change_fail_error), its
 * "source" being the table and its "target" the new SELECT.
 */
function outOfSync(node: MaterializeContext['node'], table: readonly WarehouseColumn[], query: readonly WarehouseColumn[], why: 'fail' | 'catchup' = 'fail'): DatabaseError {
  const names = (cols: readonly WarehouseColumn[]) => `[${cols.map((c) => `'${c.name} ${c.type}'`).join(', ')}]`;
  const inTable = new Map(table.map((c) => [c.name, c.type]));
  const inQuery = new Set(query.map((c) => c.name));
  return new DatabaseError(
    'schema_change',
    `Compilation Error in model ${node.name} (${node.originalFilePath}): The source and target schemas on this materialized view model are out of sync` +
      (why === 'catchup' ? " (with catchup: false on_schema_change='rebuild' would start the table empty, losing the rows the view wrote)" : '') +
      '. ' +
      `Source columns not in target: ${names(table.filter((c) => !inQuery.has(c.name)))}; ` +
      `Target columns not in source: ${names(query.filter((c) => !inTable.has(c.name)))}; ` +
      `New column types: ${names(query.filter((c) => inTable.has(c.name) && inTable.get(c.name) !== c.type))}`,
    {
      file: node.originalFilePath,
      hint:
        why === 'catchup'
          ? "Set on_schema_change='append_new_columns' or 'sync_all_columns' (the table is altered in place, its rows kept) or 'ignore', or run with --full-refresh to start it empty."
          : "Run with --full-refresh, or set on_schema_change='append_new_columns' or 'sync_all_columns' (the table is altered in place).",
    },
  );
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
  // The target was recomputed from every view earlier in this run (it is selected, with a full
  // refresh): this view's rows were rebuilt then; another rebuild would only repeat it.
  const target = targetModelOf(node, ctx.models);
  const targetRebuilt = fullRefreshOf(ctx) && ctx.models!.isSelected(target) && (typeof target.config.full_refresh === 'boolean' ? target.config.full_refresh : ctx.fullRefresh);
  if (fullRefreshOf(ctx) && !targetRebuilt) {
    // Only when no other view's rows would be lost by recomputing the target (view-full-refresh.ts).
    const lost = await siblingsLosingRows(adapter, unit, node);
    if (lost.length) throw unsafeViewRefresh(node, unit, target.name, lost);
    // …and when the table holds exactly what its model and views give (no manual backfill, nothing a recompute would add).
    const difference = await refreshDifference(adapter, unit, signal);
    if (difference.notReproduced || difference.added) throw inexactViewRefresh(node, unit, target.name, difference);
    return built(await rebuildUnit(adapter, unit, signal), 'rebuilt its target (full refresh)');
  }
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
    // A new view (or one moved to this target): with catchup its history comes in exactly once, the
    // target keeping its rows (dbt-clickhouse inserts the view's SELECT once; see addingUnit).
    if (catchup) return built(await rebuildUnit(adapter, await addingUnit(adapter, unit, node), signal), 'added');
    if (mv) await adapter.drop(mvRel, 'materialized_view');
    return created(adapter, mvRel, unit, sql, signal);
  }
  const result = await changed(ctx, unit, [{ rel: mvRel, sql, stored: mv.asSelect }], false, false, async (problems) => {
    throw new DatabaseError('mv_target_columns', `Materialized view ${node.name} does not fit its target ${key(unit.target)}: ${problems.join('; ')}`, {
      file: node.originalFilePath,
      hint: `Change the target model ${String(node.config.target)} (its columns are the table's), or cast the view's columns to its types.`,
    });
  });
  return targetRebuilt && result.message === 'OK unchanged' ? { ...result, message: `OK rebuilt with its target ${target.name} (full refresh)` } : result;
}

/** The views are there: unchanged, or given their new SELECTs when the target takes them (else `misfit`). */
async function changed(
  ctx: MaterializeContext,
  unit: Unit,
  views: readonly { rel: Relation; sql: string; stored: string }[],
  tableColumnsToo: boolean,
  pending: boolean,
  misfit: (problems: string[]) => Promise<MaterializeResult>,
): Promise<MaterializeResult> {
  const { adapter, sql, signal } = ctx;
  const scratch = adapter.tempRelation({ ...unit.target, identifier: `${unit.target.identifier}_q` });
  const differing = [];
  for (const v of views) if ((await storedForm(adapter, v.sql, scratch)) !== v.stored) differing.push(v);
  // `pending`: views to create or drop besides, whose columns the table must take all the same.
  if (differing.length === 0 && !pending) return { message: 'OK unchanged', warnings: [] };
  const [queryColumns, tableColumns] = [await adapter.queryColumns(sql), await adapter.columns(unit.target)];
  const problems = misfits(queryColumns, tableColumns);
  if (tableColumnsToo) for (const c of tableColumns) if (!queryColumns.some((q) => q.name === c.name)) problems.push(`${c.name} is not in the SELECT`);
  if (problems.length) return misfit(problems);
  if (differing.length === 0) return { message: 'OK unchanged', warnings: [] };
  for (const v of differing) await modifyQuery(adapter, v.rel, v.sql, signal);
  return { message: 'OK query modified', warnings: [] };
}

/** `CREATE MATERIALIZED VIEW … TO target` with no backfill: it captures the inserts from now on. */
async function created(adapter: ClickHouseAdapter, mv: Relation, unit: Unit, sql: string, signal?: AbortSignal): Promise<MaterializeResult> {
  await adapter.ddl(`CREATE MATERIALIZED VIEW ${relationSql(mv.schema, mv.identifier)}${adapter.onCluster()} TO ${relationSql(unit.target.schema, unit.target.identifier)}\nAS ${sql}`, { signal });
  return { message: 'OK created (catchup: false)', warnings: [] };
}
