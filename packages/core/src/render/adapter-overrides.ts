import { BUILTIN_PACKAGE, type MacroEntry, type MacroRegistry } from './macro-registry.js';

/**
 * Adapter methods dbt implements by calling a macro (BaseAdapter.execute_macro), so a project or a
 * package in the `dbt` dispatch search order replaces them: `get_columns_in_relation` (the macro
 * itself, or `clickhouse__get_columns_in_relation`).
 */
const MACRO_BACKED_METHODS = ['get_columns_in_relation'] as const;

/** The non-built-in macro `name` resolves to for `searchPackage` (itself, else via dispatch in the `dbt` namespace). */
function overridingMacro(registry: MacroRegistry, name: string, searchPackage: string): MacroEntry | undefined {
  const own = registry.resolveMacro(name, searchPackage);
  if (own && own.node.packageName !== BUILTIN_PACKAGE) return own;
  const dispatched = registry.dispatch(name, BUILTIN_PACKAGE, searchPackage).found;
  return dispatched && dispatched.node.packageName !== BUILTIN_PACKAGE ? dispatched : undefined;
}

/**
 * The adapter object with its macro-backed methods routed to a project's override when there is
 * one. A call made from inside the override itself gets tsdbt's method (no endless recursion).
 */
export function withAdapterOverrides<T extends Record<string, unknown>>(adapter: T, registry: MacroRegistry, searchPackage: () => string): T {
  const routed: Record<string, unknown> = {};
  for (const name of MACRO_BACKED_METHODS) {
    const builtin = adapter[name] as ((...args: unknown[]) => unknown) | undefined;
    if (typeof builtin !== 'function') continue;
    let inside = false;
    routed[name] = (...args: unknown[]) => {
      const override = inside ? undefined : overridingMacro(registry, name, searchPackage());
      if (!override) return builtin(...args);
      inside = true;
      try {
        return (override.fn() as (...a: unknown[]) => unknown)(...args);
      } finally {
        inside = false;
      }
    };
  }
  return { ...adapter, ...routed };
}
