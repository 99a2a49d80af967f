import type { FunctionNode } from '../manifest/nodes.js';
import { BUILTIN_PACKAGE, type MacroEntry } from '../render/macro-registry.js';
import { Relation } from '../render/relation.js';
import { renderNodeInfo } from '../render/render-state.js';
import { runtimeState } from './node-sql.js';
import type { RunContext } from './run-context.js';
import { ProjectError } from '../shared/errors.js';
import { splitStatements } from '../shared/sql-statements.js';

/*
 * dbt's function materialization builds a function with the statement of
 * `adapter.dispatch('<type>_function_<language>', 'dbt')(target_relation)` (scalar_function_sql,
 * aggregate_function_sql, scalar_function_python…). A project or an installed package that defines
 * `clickhouse__scalar_function_sql` (or `default__…`, found in dbt's dispatch search order, the
 * root project's `dispatch:` config included) replaces tsdbt's own CREATE FUNCTION, as it replaces
 * dbt's default macro — also for a type or language tsdbt cannot build itself (a `table` function,
 * an executable UDF's statement). The macro sees dbt's context: `model` (arguments, returns, config,
 * compiled_code), `this`, and `target_relation`, the function's relation (type 'function').
 * Overrides of the macros inside dbt's default (scalar_function_body_sql…) are not read: tsdbt's
 * default is its own ClickHouse statement, not dbt's macro.
 */

/** The project's or a package's macro for `node`'s build dispatch, if any (tsdbt's own statement otherwise). */
export function functionMacroOverride(ctx: RunContext, node: FunctionNode): MacroEntry | undefined {
  const name = `${String(node.config.type ?? 'scalar')}_function_${node.language}`;
  const found = ctx.renderer.registry.dispatch(name, BUILTIN_PACKAGE, node.packageName).found;
  return found && found.node.packageName !== BUILTIN_PACKAGE ? found : undefined;
}

/** The statement `macro` renders for `node` (`body`: its compiled code, dbt's model.compiled_code). */
export function overrideStatement(ctx: RunContext, node: FunctionNode, macro: MacroEntry, body: string): string {
  const state = runtimeState(ctx, node, { node: renderNodeInfo(node), materialization: { sql: body, preHooks: [], postHooks: [] } });
  const target = Relation.create('', node.relation.schema, node.relation.identifier, Relation.Function);
  const sql = ctx.renderer.callMacro(`${macro.node.packageName}.${macro.node.name}`, state, [target]);
  if (!splitStatements(sql).length)
    throw new ProjectError('function', `Function '${node.name}': the macro ${macro.node.name} (${macro.node.originalFilePath}) rendered no statement`, {
      file: node.originalFilePath,
      hint: `Make ${macro.node.name} return the statement that creates the function (CREATE OR REPLACE FUNCTION …).`,
    });
  return sql;
}
