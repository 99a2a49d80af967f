import { applyGrants, grantsConfigOf } from '../adapter/grants.js';
import { pythonCompiledCode } from '../compile/python-postfix.js';
import { persistDocs } from '../adapter/persist-docs.js';
import type { ModelNode } from '../manifest/nodes.js';
import { KNOWN_MATERIALIZATIONS, hookEntriesOf } from '../manifest/config.js';
import type { MacroEntry } from '../render/macro-registry.js';
import { findMaterializationMacro, packageMaterializationOverride, projectMaterializationOverride, supportedLanguages } from '../render/materialization-macros.js';
import { renderNodeInfo, type HookRun } from '../render/render-state.js';
import { AdapterResponse } from '../render/statements.js';
import { Relation } from '../render/relation.js';
import { isDict } from '../render/jinja-compat/python-values.js';
import type { NodeResult } from '../report/events.js';
import { ProjectError } from '../shared/errors.js';
import { raiseInTemplate } from '../render/template-error.js';
import { hookStatements, nodeSqlAsync, renderWarehouse, runtimeState } from './node-sql.js';
import { replayingWarehouse, type WarehouseCall } from './replay-warehouse.js';
import type { RunContext } from './run-context.js';

type Outcome = Omit<NodeResult, 'node' | 'uniqueId' | 'executionTime' | 'timing'>;

/**
 * The `{% materialization %}` macro a model runs instead of tsdbt's own, if any: one of the project
 * or a package for a name tsdbt does not build, or the root project's `adapter='clickhouse'`
 * override of a built-in name (dbt's precedence: see render/materialization-macros.ts).
 */
export function customMaterialization(ctx: RunContext, node: ModelNode): MacroEntry | undefined {
  const name = String(node.config.materialized);
  if (name === 'ephemeral') return undefined;
  const registry = ctx.renderer.registry;
  if (!KNOWN_MATERIALIZATIONS.has(name)) return findMaterializationMacro(registry, name);
  const legacy = ctx.projectFlags?.require_explicit_package_overrides_for_builtin_materializations === false;
  return projectMaterializationOverride(registry, name) ?? (legacy ? packageMaterializationOverride(registry, name) : undefined);
}

/** dbt's PackageMaterializationOverrideDeprecation text, for an installed package's override of a built-in materialization. */
export function packageOverrideWarning(node: ModelNode, macro: MacroEntry, rootPackage: string): string | undefined {
  if (macro.node.packageName === rootPackage || !KNOWN_MATERIALIZATIONS.has(String(node.config.materialized))) return undefined;
  return `Installed package '${macro.node.packageName}' is overriding the built-in materialization '${String(node.config.materialized)}'. Overrides of built-in materializations from installed packages will be deprecated in future versions of dbt. For more information: https://docs.getdbt.com/reference/global-configs/legacy-behaviors`;
}

/**
 * Runs a model through a project's materialization macro, as dbt's ModelRunner.execute: the macro
 * is called in the node's run context (`sql`/`compiled_code`, `pre_hooks`/`post_hooks` for
 * run_hooks(), `this`, `config`, statement()…), must return `{'relations': [Relation, …]}`, and
 * the node's result is its 'main' statement's. Its statements run as written: not atomic, and never
 * run again by tsdbt (they may have side effects). A call of dbt's materialization_table_default() & co.
 * builds the model with tsdbt's own (`runBuiltin`); the node's result is then that build's.
 */
export async function runCustomMaterialization(ctx: RunContext, node: ModelNode, macro: MacroEntry, runBuiltin: BuiltinRun): Promise<Outcome> {
  // dbt's ModelRunner: the materialization must support the model's language.
  const languages = supportedLanguages(macro);
  const language = node.language ?? 'sql';
  if (!languages.includes(language))
    throw new ProjectError('materialization_language', `Materialization "${macro.node.name}" only supports languages [${languages.map((l) => `'${l}'`).join(', ')}]; got "${language}"`, {
      file: node.originalFilePath,
      hint: `Add '${language}' to supported_languages of the materialization '${String(node.config.materialized)}' (${macro.node.originalFilePath}), or use another materialization for this model.`,
    });
  // A Python model's compiled code is its code and dbt's py_script_postfix (is_incremental() is false
  // under a custom materialization); a statement(language='python') of the macro fails (statements.ts).
  const sql = language === 'python' ? pythonCompiledCode(ctx.index, node) : await nodeSqlAsync(ctx, node);
  ctx.compiled.write(node, sql);
  const code = ctx.compiled.codeOf(node.uniqueId);
  // dbt creates the run's schemas before any node runs.
  await ctx.adapter.forModel(node.config).ensureDatabase(node.relation.schema);
  const adapter = ctx.adapter.forModel(node.config);
  const existed = grantsConfigOf(node) ? (await adapter.relationKind(node.relation)) !== undefined : false;
  // A call of one of tsdbt's built-in materializations (materializations/builtin.sql) cannot run inside the
  // (synchronous) render: the first pass stops there, the model is built by tsdbt's own, and the macro renders
  // again from the start with the warehouse's first answers replayed (replay-warehouse.ts), the call now answered.
  const calls: WarehouseCall[] = [];
  let builtin: { name: string; outcome?: Outcome } | undefined;
  const mismatch = (expected: string, got: string): never => {
    raiseInTemplate(materializationError(node, `rendered differently after the built-in materialization '${builtin?.name}' ran (expected the call ${expected}, got ${got})`, macro));
  };
  const render = (replayed: number) => {
    const afterBuild = new Set<string>();
    const build = (name: string) => {
      if (builtin?.outcome && builtin.name === name) return;
      if (builtin) raiseInTemplate(materializationError(node, `calls a second built-in materialization ('${name}' after '${builtin.name}')`, macro));
      builtin = { name };
      throw new BuiltinCall();
    };
    const state = runtimeState(ctx, node, {
      node: renderNodeInfo(node),
      warehouse: replayingWarehouse(renderWarehouse(ctx, node), calls, replayed, mismatch),
      materialization: { sql, code, preHooks: hooksFor(ctx, node, 'pre_hook'), postHooks: hooksFor(ctx, node, 'post_hook'), afterBuild, builtin: build },
    });
    const result = ctx.renderer.callMacroValue(`${macro.node.packageName}.${macro.node.name}`, state, []);
    return { result, state, afterBuild };
  };
  let pass: ReturnType<typeof render>;
  try {
    pass = render(0);
  } catch (error) {
    if (!builtin || builtin.outcome) throw error;
    const name = builtin.name;
    const outcome = await runBuiltin({ ...node, config: { ...node.config, materialized: name } });
    if (outcome.status !== 'success') return outcome;
    builtin.outcome = outcome;
    pass = render(calls.length);
  }
  const { result, state, afterBuild } = pass;
  relationsOf(result, node);
  const main = state.sqlResults.get('main') as { response?: unknown } | null | undefined;
  if (!main && !builtin?.outcome) throw materializationError(node, 'main is not being called during running model', macro);
  // dbt's apply_grants / persist_docs the macro called (built-in macros: materializations/after_build.sql), on the model's relation.
  if (afterBuild.has('grants')) await applyGrants(adapter, node, existed, ctx.signal);
  const warnings = [...(builtin?.outcome?.warnings ?? []), ...(afterBuild.has('persist_docs') ? await persistDocs(adapter, node, ctx.signal) : [])];
  if (!main) return { ...builtin!.outcome!, warnings };
  const response = main.response;
  const rowsAffected = response instanceof AdapterResponse && typeof response.rows_affected === 'number' ? response.rows_affected : undefined;
  return { status: 'success', message: String(response ?? 'OK'), rowsAffected, warnings, compiledCode: sql };
}

/** Builds a model with tsdbt's own materialization (the node's `materialized` is its name), as a run does. */
export type BuiltinRun = (node: ModelNode) => Promise<Outcome>;

/** Stops the first render of a materialization at its call of a built-in one (see runCustomMaterialization). */
class BuiltinCall extends Error {}

/**
 * dbt's Hook objects of the node (`transaction` default true). `sql` is rendered when read, as dbt's
 * run_hooks() renders `hook.get('sql')` then: a post-hook sees the relation the macro built.
 */
function hooksFor(ctx: RunContext, node: ModelNode, which: 'pre_hook' | 'post_hook'): HookRun[] {
  return hookEntriesOf(node.config, which).map(({ sql: text, transaction }, index) =>
    Object.freeze({
      get sql() {
        return hookStatements(ctx, node, [text])[0] ?? '';
      },
      transaction,
      index,
    }),
  );
}

/** dbt's ModelRunner._materialization_relations: the macro must return a dict whose `relations` is a list of Relations. */
function relationsOf(result: unknown, node: ModelNode): unknown[] {
  const name = String(node.config.materialized);
  if (result === undefined || result === null || typeof result === 'string' || (typeof result === 'object' && !isDict(result) && !Array.isArray(result) && 'val' in result))
    throw materializationError(node, `The materialization ("${name}") did not explicitly return a list of relations to add to the cache.`);
  if (!isDict(result)) throw materializationError(node, `Invalid return value from materialization, expected a dict with key "relations", got: ${String(result)}`);
  if (!('relations' in result)) throw materializationError(node, `Invalid return value from materialization, "relations" not found, got keys: [${Object.keys(result).map((k) => `'${k}'`).join(', ')}]`);
  const relations = result.relations;
  if (!Array.isArray(relations)) throw materializationError(node, `Invalid return value from materialization, "relations" not a list, got: ${String(relations)}`);
  for (const r of relations)
    if (!(r instanceof Relation)) throw materializationError(node, `Invalid return value from materialization, "relations" contains non-Relation: ${String(r)}`);
  return relations;
}

function materializationError(node: ModelNode, message: string, macro?: MacroEntry): ProjectError {
  return new ProjectError('materialization_result', `Compilation Error in model ${node.name} (${node.originalFilePath})\n  ${message}`, {
    file: node.originalFilePath,
    hint: `Make the materialization '${String(node.config.materialized)}'${macro ? ` (${macro.node.originalFilePath})` : ''} run a statement('main') and end with {{ return({'relations': [target_relation]}) }}.`,
  });
}
