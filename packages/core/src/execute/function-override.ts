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
 * A project or package may also override only a part of the statement, as dbt-clickhouse's
 * clickhouse__scalar_function_sql composes it (and dbt's default__scalar_function_sql dispatches them):
 * `scalar_function_create_replace_signature_sql(target_relation)` (`CREATE OR REPLACE FUNCTION f AS (x) ->`),
 * `formatted_scalar_function_args_sql()` (the parameter list) and `scalar_function_body_sql()` (the
 * expression; a `SELECT expr` read as the expression) — functionPartOverrides; the parts not overridden
 * are tsdbt's own.
 */

/** The project's or a package's macro for `node`'s build dispatch, if any (tsdbt's own statement otherwise). */
export function functionMacroOverride(ctx: RunContext, node: FunctionNode): MacroEntry | undefined {
  const name = `${String(node.config.type ?? 'scalar')}_function_${node.language}`;
  const found = ctx.renderer.registry.dispatch(name, BUILTIN_PACKAGE, node.packageName).found;
  return found && found.node.packageName !== BUILTIN_PACKAGE ? found : undefined;
}

/** The parts of a scalar function's statement a project or package overrides (see above). */
export interface FunctionParts {
  readonly signature?: MacroEntry;
  readonly args?: MacroEntry;
  readonly body?: MacroEntry;
}

/** The project's or packages' macros for the parts of a SQL function's statement (empty: tsdbt's own). */
export function functionPartOverrides(ctx: RunContext, node: FunctionNode): FunctionParts {
  const find = (name: string) => {
    const found = ctx.renderer.registry.dispatch(name, BUILTIN_PACKAGE, node.packageName).found;
    return found && found.node.packageName !== BUILTIN_PACKAGE ? found : undefined;
  };
  const parts = { signature: find('scalar_function_create_replace_signature_sql'), args: find('formatted_scalar_function_args_sql'), body: find('scalar_function_body_sql') };
  return Object.fromEntries(Object.entries(parts).filter(([, m]) => m !== undefined));
}

/** What `macro` renders for `node` in its materialization's context (`body`: its compiled code, dbt's model.compiled_code). */
export function renderFunctionMacro(ctx: RunContext, node: FunctionNode, macro: MacroEntry, body: string, withTarget: boolean): string {
  const state = runtimeState(ctx, node, { node: renderNodeInfo(node), materialization: { sql: body, preHooks: [], postHooks: [] } });
  const args = withTarget ? [Relation.create('', node.relation.schema, node.relation.identifier, Relation.Function)] : [];
  return ctx.renderer.callMacro(`${macro.node.packageName}.${macro.node.name}`, state, args);
}

/** The statement `macro` renders for `node` (`body`: its compiled code, dbt's model.compiled_code). */
export function overrideStatement(ctx: RunContext, node: FunctionNode, macro: MacroEntry, body: string): string {
  const sql = renderFunctionMacro(ctx, node, macro, body, true);
  if (!splitStatements(sql).length)
    throw new ProjectError('function', `Function '${node.name}': the macro ${macro.node.name} (${macro.node.originalFilePath}) rendered no statement`, {
      file: node.originalFilePath,
      hint: `Make ${macro.node.name} return the statement that creates the function (CREATE OR REPLACE FUNCTION …).`,
    });
  return sql;
}
