import { ADAPTER_PREFIXES, BUILTIN_PACKAGE, type MacroEntry, type MacroRegistry } from './macro-registry.js';

/**
 * dbt's custom materializations: a `{% materialization name, adapter='clickhouse' %}` (or `, default`)
 * block is the macro `materialization_<name>_<adapter>` (jinja-compat/preprocess.ts). Which one a
 * model's `materialized` runs is dbt's Manifest.find_materialization_macro_by_name: the
 * adapter-specific macro before the `default` one, and for each the root project's before an
 * installed package's.
 */
export function findMaterializationMacro(registry: MacroRegistry, name: string): MacroEntry | undefined {
  const packages = [registry.rootPackage, ...registry.packageNames().filter((p) => p !== registry.rootPackage && p !== BUILTIN_PACKAGE)];
  for (const adapter of ADAPTER_PREFIXES)
    for (const pkg of packages) {
      const found = registry.packageMacros(pkg)?.get(`materialization_${name}_${adapter}`);
      if (found) return found;
    }
  return undefined;
}

/**
 * The root project's override of a materialization tsdbt builds itself (`view`, `table`…), if any.
 * dbt-clickhouse defines each of those as `adapter='clickhouse'`, and dbt ranks specificity before
 * locality: only a root `{% materialization view, adapter='clickhouse' %}` replaces it, a root
 * `default` one does not; a package's is never used (require_explicit_package_overrides_for_builtin_materializations).
 */
export function projectMaterializationOverride(registry: MacroRegistry, name: string): MacroEntry | undefined {
  return registry.packageMacros(registry.rootPackage)?.get(`materialization_${name}_clickhouse`);
}

/**
 * An installed package's `adapter='clickhouse'` override of a materialization tsdbt builds itself:
 * used only under dbt's legacy behaviour flag `require_explicit_package_overrides_for_builtin_materializations: false`
 * (dbt's find_materialization_macro_by_name then keeps the Imported candidate, with its
 * PackageMaterializationOverrideDeprecation; a package's `default` one still loses to the adapter's).
 */
export function packageMaterializationOverride(registry: MacroRegistry, name: string): MacroEntry | undefined {
  for (const pkg of registry.packageNames()) {
    if (pkg === registry.rootPackage || pkg === BUILTIN_PACKAGE) continue;
    const found = registry.packageMacros(pkg)?.get(`materialization_${name}_clickhouse`);
    if (found) return found;
  }
  return undefined;
}

/**
 * dbt's MaterializationExtension `supported_languages=[…]` of a `{% materialization %}` block
 * (['sql'] when not given), read from the macro's text.
 */
export function supportedLanguages(macro: MacroEntry): string[] {
  const header = /\{%-?\s*materialization\b([^%]*)-?%\}/.exec(macro.node.macroSql ?? '')?.[1] ?? '';
  const list = /\bsupported_languages\s*=\s*\[([^\]]*)\]/.exec(header)?.[1];
  return list === undefined ? ['sql'] : [...list.matchAll(/['"]([^'"]*)['"]/g)].map((m) => m[1]!);
}

/** Names of the materializations the project and its packages define (for an unknown name's hint). */
export function customMaterializationNames(registry: MacroRegistry): string[] {
  const names = new Set<string>();
  for (const pkg of registry.packageNames()) {
    if (pkg === BUILTIN_PACKAGE) continue;
    for (const macro of registry.packageMacros(pkg)?.keys() ?? []) {
      const m = /^materialization_(.+)_(clickhouse|default)$/.exec(macro);
      if (m) names.add(m[1]!);
    }
  }
  return [...names].sort();
}
