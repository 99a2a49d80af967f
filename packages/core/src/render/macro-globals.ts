import type { StateSlot } from './dbt-context.js';
import { BUILTIN_PACKAGE, type MacroRegistry } from './macro-registry.js';
import { PackageNamespace } from './package-namespace.js';

/** Macros of dbt's global project that tsdbt implements as context functions (`dbt.run_query(…)` is the function). */
const MACROS_AS_FUNCTIONS = ['run_query', 'statement', 'noop_statement', 'is_incremental', 'load_relation'];

/**
 * Every name a template may write bare becomes a getter on the environment's globals that resolves it for the render
 * in progress (dbt builds one namespace per node; the node's package decides), and every package a namespace
 * (`pkg.macro`). A unit test's macro overrides (the render's `overrides.macros`) win over both.
 */
export function installMacroGlobals(globals: Record<string, unknown>, registry: MacroRegistry, slot: StateSlot): void {
  const namespaces = new Map(registry.packageNames().map((p) => [p, new PackageNamespace(registry.packageMacros(p)!)]));
  // dbt's global project defines these as macros (`dbt.run_query(…)`, `dbt.load_relation(…)`, as
  // elementary writes); tsdbt has them as context functions: `dbt.<name>` gives the same function.
  const dbtNamespace = namespaces.get(BUILTIN_PACKAGE);
  if (dbtNamespace)
    for (const name of MACROS_AS_FUNCTIONS) {
      // The context's own function, not what the bare name resolves to (a package may define a `run_query` macro calling `dbt.run_query`).
      const own = Object.getOwnPropertyDescriptor(globals, name);
      if (own && !Object.hasOwn(dbtNamespace, name)) Object.defineProperty(dbtNamespace, name, { enumerable: true, get: () => (own.get ? own.get() : own.value) });
    }
  // The package whose macros a bare name sees first: the package of the node being rendered (dbt's search package).
  const searchPackage = () => slot.current?.node?.packageName ?? registry.rootPackage;
  for (const name of registry.globalNames()) {
    const builtIn = Object.getOwnPropertyDescriptor(globals, name);
    Object.defineProperty(globals, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        const overrides = slot.current?.overrides?.macros;
        if (overrides && Object.hasOwn(overrides, name)) return overriddenMacro(overrides[name]);
        // dbt propagates an override of `dbt.x` to the global `x` (a global override wins).
        if (overrides && Object.hasOwn(overrides, `${BUILTIN_PACKAGE}.${name}`) && dbtNamespace && name in dbtNamespace) return overriddenMacro(overrides[`${BUILTIN_PACKAGE}.${name}`]);
        const found = registry.resolve(name, searchPackage());
        if (!found) return builtIn?.get ? builtIn.get() : builtIn?.value;
        if (!('namespace' in found)) return found.fn();
        const namespace = namespaces.get(found.namespace);
        return overrides && namespace ? withOverrides(namespace, found.namespace, overrides) : namespace;
      },
    });
  }
}

/** A macro a unit test overrides: calling it gives the value from the YAML (dbt's UnitTestMacroGenerator). */
function overriddenMacro(value: unknown): (...args: unknown[]) => unknown {
  return () => value;
}

/** A package namespace whose `package.name` macros named in a unit test's overrides give their values. */
function withOverrides(namespace: object, pkg: string, overrides: Readonly<Record<string, unknown>>): object {
  const prefix = `${pkg}.`;
  // dbt (providers.py generate_runtime_unit_test_context): an override of a global `x` is also
  // `dbt.x` when the dbt namespace has x, and wins over an override of `dbt.x`.
  const key = (prop: string): string | undefined =>
    pkg === BUILTIN_PACKAGE && Object.hasOwn(overrides, prop) && prop in namespace ? prop : Object.hasOwn(overrides, prefix + prop) ? prefix + prop : undefined;
  if (!Object.keys(overrides).some((k) => k.startsWith(prefix) || (pkg === BUILTIN_PACKAGE && k in namespace))) return namespace;
  return new Proxy(namespace, {
    get: (target, prop, receiver) => {
      const k = typeof prop === 'string' ? key(prop) : undefined;
      return k !== undefined ? overriddenMacro(overrides[k]) : Reflect.get(target, prop, receiver);
    },
  });
}
