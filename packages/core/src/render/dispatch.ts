import { ProjectError } from '../shared/errors.js';
import type { MacroRegistry } from './macro-registry.js';
import { raiseInTemplate } from './template-error.js';

export interface DispatchCall {
  readonly macroName: unknown;
  readonly macroNamespace: unknown;
  /** dbt's removed `packages=` argument. */
  readonly packages: unknown;
  /** The package of the node being rendered. */
  readonly searchPackage: string;
  readonly file?: string;
}

/**
 * adapter.dispatch(macro_name, macro_namespace=None): the macro to call, found by dbt's algorithm
 * (MacroRegistry.dispatch), with dbt's errors for a dotted name, the removed `packages`
 * argument, a non-string namespace and a macro found nowhere.
 */
export function dispatchMacro(registry: MacroRegistry, call: DispatchCall): (...args: unknown[]) => unknown {
  const name = String(call.macroName);
  const where = { file: call.file };
  if (name.includes('.')) {
    const [ns, rest] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
    raiseInTemplate(new ProjectError('dispatch', `In adapter.dispatch, got a macro name of "${name}", but "." is not a valid macro name component. Did you mean \`adapter.dispatch("${rest}", macro_namespace="${ns}")\`?`, where));
  }
  if (call.packages !== undefined && call.packages !== null)
    raiseInTemplate(new ProjectError('dispatch', `The "packages" argument of adapter.dispatch() has been deprecated. Use the "macro_namespace" argument instead. Raised during dispatch for: ${name}`, { ...where, hint: `Write adapter.dispatch('${name}', macro_namespace='<package>') and set the search order with dispatch: in dbt_project.yml.` }));
  const ns = call.macroNamespace;
  if (ns !== undefined && ns !== null && typeof ns !== 'string' && !(ns instanceof String))
    raiseInTemplate(new ProjectError('dispatch', `In adapter.dispatch, got a ${typeof ns} macro_namespace argument ("${String(ns)}"), but macro_namespace should be None or a string.`, where));
  const namespace = ns === undefined || ns === null ? undefined : String(ns);
  const result = registry.dispatch(name, namespace, call.searchPackage);
  if (result.found) return result.found.fn();
  raiseInTemplate(new ProjectError('dispatch', `In dispatch: No macro named '${name}' found within namespace: '${namespace ?? 'None'}'\n    Searched for: ${result.searched.map((s) => `'${s}'`).join(', ')}`, {
    ...where,
    hint: namespace && namespace !== 'dbt' && !registry.packageMacros(namespace)
      ? `No package '${namespace}' is installed: add it to packages.yml and run tsdbt deps.`
      : `Define ${result.searched.find((s) => s.includes('default__'))?.split('.').pop() ?? `default__${name}`} in a macro file.`,
  }));
}

/** dbt's builtin strategies (BaseAdapter.builtin_incremental_strategies) and those dbt-clickhouse's adapter declares valid (the base's: append). */
const BUILTIN_STRATEGIES = new Set(['append', 'delete+insert', 'merge', 'insert_overwrite', 'microbatch']);
const VALID_STRATEGIES = new Set(['append', 'default']);

/**
 * adapter.get_incremental_strategy_macro(context, strategy): the macro `get_incremental_<strategy>_sql`
 * (None: 'default'; `+` read as `_`) as the calling node sees it, with dbt's errors — a builtin strategy
 * dbt-clickhouse's adapter does not declare valid, a macro found nowhere.
 */
export function incrementalStrategyMacro(registry: MacroRegistry, args: { positional: unknown[]; keywords: Record<string, unknown> }, searchPackage: string, file?: string): (...args: unknown[]) => unknown {
  const given = args.positional.length > 1 ? args.positional[1] : args.keywords.strategy;
  const strategy = given === undefined || given === null ? 'default' : String(given);
  if (BUILTIN_STRATEGIES.has(strategy) && !VALID_STRATEGIES.has(strategy))
    raiseInTemplate(new ProjectError('incremental_strategy', `The incremental strategy '${strategy}' is not valid for this adapter`, { file, hint: 'dbt-clickhouse declares only append valid here; define get_incremental_<name>_sql for a strategy of your own.' }));
  const name = `get_incremental_${strategy.replace('+', '_')}_sql`;
  const found = registry.resolveMacro(name, searchPackage);
  if (found) return found.fn();
  return raiseInTemplate(new ProjectError('incremental_strategy', `dbt could not find an incremental strategy macro with the name "${name}" in ${registry.rootPackage}`, { file, hint: `Define {% macro ${name}(arg_dict) %} under the macro paths.` }));
}
