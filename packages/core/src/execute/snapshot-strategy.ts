import type { CustomStrategy, SnapshotMacros } from '../adapter/materializations/snapshot.js';
import type { HardDeletes } from '../manifest/snapshot-config.js';
import type { SnapshotNode } from '../manifest/nodes.js';
import { isDict } from '../render/jinja-compat/python-values.js';
import { renderNodeInfo } from '../render/render-state.js';
import { ProjectError } from '../shared/errors.js';
import { runtimeState } from './node-sql.js';
import type { RunContext } from './run-context.js';

/*
 * A custom snapshot strategy, as dbt's snapshot materialization runs one: strategy_dispatch(name) finds
 * the macro `snapshot_<name>_strategy` (`package.name` looks in that package), which is called with
 * (model, "snapshotted_data", "source_data", model.config, target_exists) and returns dbt's strategy
 * dict: unique_key, updated_at (an expression over the query's columns), row_changed (SQL comparing
 * `snapshotted_data.<col>` with `source_data.<col>`), scd_id, and hard_deletes (or the older
 * invalidate_hard_deletes). tsdbt runs that SQL inside its own snapshot statements (snapshot-sql.ts).
 */
export function customSnapshotStrategy(ctx: RunContext, node: SnapshotNode, name: string, sql: string): (targetExists: boolean) => CustomStrategy {
  return (targetExists) => {
    const dot = name.indexOf('.');
    const [pkg, bare] = dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [undefined, name];
    const macro = `${pkg ? `${pkg}.` : ''}snapshot_${bare}_strategy`;
    const where = { file: node.originalFilePath, line: node.line };
    if (pkg && pkg !== 'dbt' && !ctx.renderer.registry.packageNames().includes(pkg))
      throw new ProjectError('snapshot_strategy', `Compilation Error in snapshot ${node.name} (${node.originalFilePath}): Could not find package '${pkg}', called with '${name}'`, { ...where, hint: 'Check the package name, or run tsdbt deps.' });
    if (!ctx.renderer.hasMacro(macro, node.packageName))
      throw new ProjectError('snapshot_strategy', `Compilation Error in snapshot ${node.name} (${node.originalFilePath}): The specified strategy macro '${bare}' was not found in package '${pkg ?? 'None'}'`, {
        ...where,
        hint: `Define {% macro snapshot_${bare}_strategy(node, snapshotted_rel, current_rel, config, target_exists) %} under the macro paths, or use strategy='timestamp' / 'check'.`,
      });
    // `sql` / `compiled_code` are the snapshot's query, as in dbt's materialization (snapshot_check_all_get_existing_columns reads it).
    const state = runtimeState(ctx, node, { node: renderNodeInfo(node), materialization: { sql, preHooks: [], postHooks: [] } });
    const model = ctx.renderer.evaluate('model', node.originalFilePath, state) as Record<string, unknown>;
    const value = ctx.renderer.callMacroValue(macro, state, [model, 'snapshotted_data', 'source_data', model.config, targetExists]);
    if (!isDict(value)) throw strategyError(node, macro, `returned ${value === undefined || value === null ? 'nothing' : `'${String(value).trim().slice(0, 80)}'`}, not a dict`);
    const text = (key: string): string => {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || v === null || String(v).trim() === '') throw strategyError(node, macro, `returned no '${key}'`);
      return String(v).trim();
    };
    const key = value.unique_key;
    const uniqueKey = Array.isArray(key) && key.length > 0 ? key.map(String) : text('unique_key');
    return { uniqueKey, updatedAt: text('updated_at'), custom: { rowChanged: text('row_changed'), scdId: text('scd_id') }, hardDeletes: hardDeletesOf(value) };
  };
}

/**
 * Whether the snapshot runs its strategy's macro: a custom strategy, or dbt's timestamp/check when the
 * project or a package overrides `snapshot_timestamp_strategy` / `snapshot_check_strategy` (dbt's
 * strategy_dispatch finds the override); else tsdbt's own SQL for them (snapshot-sql.ts).
 */
export function runsStrategyMacro(ctx: RunContext, name: unknown): name is string {
  if (typeof name !== 'string') return false;
  return (name !== 'timestamp' && name !== 'check') || !ctx.renderer.isBuiltin(`snapshot_${name}_strategy`);
}

/**
 * The project's (or a package's) snapshot_get_time() and snapshot_hash_arguments(), where they override
 * dbt's (the ones dbt's strategies and staging query call): tsdbt's own snapshot SQL uses them.
 * snapshot_get_time() is dbt's current_timestamp() unless overridden, so an override of either counts.
 */
export function snapshotMacros(ctx: RunContext, node: SnapshotNode): SnapshotMacros {
  const { renderer } = ctx;
  const ownTime = !renderer.isBuiltin('snapshot_get_time') || !renderer.isBuiltin('current_timestamp');
  const ownHash = !renderer.isBuiltin('snapshot_hash_arguments');
  if (!ownTime && !ownHash) return {};
  const state = () => runtimeState(ctx, node, { node: renderNodeInfo(node) });
  return {
    ...(ownTime ? { time: renderer.callMacro('snapshot_get_time', state(), []).trim() } : {}),
    ...(ownHash ? { hashSql: (args: readonly string[]) => renderer.callMacro('snapshot_hash_arguments', state(), [[...args]]).trim() } : {}),
  };
}

/** dbt's staging query reads strategy.hard_deletes (older strategies: invalidate_hard_deletes); none: deletions are ignored. */
function hardDeletesOf(strategy: Record<string, unknown>): HardDeletes {
  const mode = strategy.hard_deletes;
  if (mode === 'invalidate' || mode === 'new_record' || mode === 'ignore') return mode;
  return strategy.invalidate_hard_deletes === true ? 'invalidate' : 'ignore';
}

function strategyError(node: SnapshotNode, macro: string, what: string): ProjectError {
  return new ProjectError('snapshot_strategy', `Snapshot '${node.name}': the strategy macro ${macro} ${what}`, {
    file: node.originalFilePath,
    line: node.line,
    hint: 'A strategy macro returns {"unique_key": …, "updated_at": …, "row_changed": …, "scd_id": …, "hard_deletes": …} (see dbt\'s snapshot_timestamp_strategy).',
  });
}
