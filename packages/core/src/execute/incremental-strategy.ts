import type { ClickhouseOverride, StrategyArgs, StrategyMacro } from '../adapter/materializations/types.js';
import type { ModelNode, Relation as NodeRelation, SnapshotNode } from '../manifest/nodes.js';
import { compileSql } from '../compile/compile-sql.js';
import { Column } from '../render/column.js';
import { hasPlaceholders } from '../render/placeholders.js';
import { Relation } from '../render/relation.js';
import { renderNodeInfo } from '../render/render-state.js';
import { pyStr } from '../render/jinja-compat/python-values.js';
import { renderWarehouse, runtimeState } from './node-sql.js';
import type { RunContext } from './run-context.js';

/*
 * A custom incremental strategy (dbt 1.3+): `incremental_strategy: <name>` calls the macro
 * `get_incremental_<name>_sql(arg_dict)` that the model's context sees (dbt's
 * adapter.get_incremental_strategy_macro: the model's package, the root project, dbt's own), with
 * dbt's arg_dict — target_relation, temp_relation, unique_key, dest_columns, incremental_predicates —
 * and runs the SQL it returns as the model's 'main' statement.
 */
export function incrementalStrategyMacro(ctx: RunContext, node: ModelNode, sql: string): StrategyMacro {
  return (name) => {
    const macro = `get_incremental_${name}_sql`;
    if (!ctx.renderer.hasMacro(macro, node.packageName)) return undefined;
    return (args: StrategyArgs) => {
      const state = runtimeState(ctx, node, { node: renderNodeInfo(node), materialization: { sql, preHooks: [], postHooks: [] } });
      const argDict = {
        target_relation: relationOf(args.target),
        temp_relation: relationOf(args.temp),
        unique_key: node.config.unique_key ?? null,
        dest_columns: args.destColumns.map((c) => new Column(c.name, c.type)),
        incremental_predicates: node.config.predicates || node.config.incremental_predicates || null,
      };
      const value = ctx.renderer.callMacroValue(macro, state, [argDict]);
      const text = value === undefined || value === null ? '' : pyStr(value);
      // `{{ this }}` / ref() in the macro's SQL rendered as placeholders: their names now.
      return hasPlaceholders(text) ? compileSql(ctx.index, node, text) : text;
    };
  };
}

/**
 * The project's own version of one of dbt-clickhouse's incremental macros (clickhouse__insert_into,
 * clickhouse__incremental_delete_insert / _insert_overwrite / _legacy), as dbt's macro lookup finds it
 * from the model (its package, then the root project; tsdbt has no macro of those names), called in the
 * model's run context with every statement it runs passed through `statement` first.
 */
export function clickhouseOverride(ctx: RunContext, node: ModelNode | SnapshotNode): ClickhouseOverride {
  return (name) => {
    const entry = ctx.renderer.registry.resolveMacro(name, node.packageName);
    if (!entry) return undefined;
    return {
      name,
      file: entry.node.originalFilePath,
      call: (args, sql, statement) => {
        const base = renderWarehouse(ctx, node);
        const resolve = (text: string) => (hasPlaceholders(text) ? compileSql(ctx.index, node, text) : text);
        const warehouse = { ...base, runQuery: (text: string) => base.runQuery(statement(resolve(text))) };
        const state = runtimeState(ctx, node, { node: renderNodeInfo(node), materialization: { sql, preHooks: [], postHooks: [] }, warehouse });
        const value = ctx.renderer.callMacroValue(name, state, args.map((a) => (a !== null && typeof a === 'object' && 'relation' in a ? relationOf(a.relation) : a)));
        const text = value === undefined || value === null ? '' : pyStr(value);
        return resolve(text);
      },
    };
  };
}

function relationOf(rel: NodeRelation): Relation {
  return Relation.create('', rel.schema, rel.identifier, 'table');
}
