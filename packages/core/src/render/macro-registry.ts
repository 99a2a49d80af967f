import type { MacroNode } from '../manifest/nodes.js';

/** The built-in package holding dbt's own macros (packages/core/macros), searched last. */
export const BUILTIN_PACKAGE = 'dbt';

/** dbt's adapter prefixes for dispatch, in search order: this adapter, then `default`. */
export const ADAPTER_PREFIXES = ['clickhouse', 'default'] as const;

/** One root-project `dispatch:` entry: where `adapter.dispatch(name, macro_namespace)` looks. */
export interface DispatchEntry {
  readonly macroNamespace: string;
  readonly searchOrder: readonly string[];
}

/** A macro as the registry holds it: its manifest entry and, once compiled, its function. */
export interface MacroEntry {
  readonly node: MacroNode;
  /** The callable macro (compiles its file on first use). */
  fn(): (...args: unknown[]) => unknown;
}

/** What dispatch searched and found: the macro, or every candidate it tried (for the error). */
export type DispatchResult = { readonly found: MacroEntry } | { readonly found: undefined; readonly searched: readonly string[] };

/**
 * dbt's macro namespaces (core/dbt/context/macros.py), as data. A name written bare in a template
 * resolves in this order: the macros of the package of the node being rendered, the root
 * project's macros, a package name (its namespace object), `dbt`, then dbt's own macros. Macros
 * of other installed packages are reachable only as `package.macro`, as in dbt.
 */
export class MacroRegistry {
  /** Non-internal packages (the root project and installed packages): name → macros. */
  private readonly packages = new Map<string, Map<string, MacroEntry>>();
  /** The built-in package. */
  private readonly internal = new Map<string, MacroEntry>();

  constructor(
    readonly rootPackage: string,
    private readonly dispatchConfig: readonly DispatchEntry[] = [],
    /** Package names dbt counts as dependencies (installed packages), for dispatch's default search order. */
    private readonly dependencies: ReadonlySet<string> = new Set(),
  ) {
    this.packages.set(rootPackage, new Map());
  }

  /** Macros added so far: what callers memoize from the registry is good while this is unchanged. */
  generation = 0;

  /** Registers a macro; a second macro of one name in one package is an error the caller reports. */
  add(entry: MacroEntry): MacroEntry | undefined {
    this.generation++;
    const pkg = entry.node.packageName;
    const space = pkg === BUILTIN_PACKAGE ? this.internal : (this.packages.get(pkg) ?? this.packages.set(pkg, new Map()).get(pkg)!);
    const clash = space.get(entry.node.name);
    if (clash) return clash;
    space.set(entry.node.name, entry);
    return undefined;
  }

  /** Every macro, root project first, built-ins last. */
  all(): MacroEntry[] {
    return [...[...this.packages.values()].flatMap((m) => [...m.values()]), ...this.internal.values()];
  }

  /** Names a template may write bare (macros of any package, package names, `dbt`). */
  globalNames(): Set<string> {
    const names = new Set<string>([BUILTIN_PACKAGE, ...this.internal.keys()]);
    for (const [pkg, macros] of this.packages) {
      names.add(pkg);
      for (const name of macros.keys()) names.add(name);
    }
    return names;
  }

  packageNames(): string[] {
    return [...this.packages.keys(), BUILTIN_PACKAGE];
  }

  /** The macros of one package (`dbt` for the built-ins), or undefined if no such package. */
  packageMacros(pkg: string): ReadonlyMap<string, MacroEntry> | undefined {
    return pkg === BUILTIN_PACKAGE ? this.internal : this.packages.get(pkg);
  }

  /**
   * A bare name as a template in `searchPackage` sees it: a macro, a package name (returned as
   * `{ namespace }`), or undefined. dbt's MacroNamespace search order.
   */
  resolve(name: string, searchPackage: string): MacroEntry | { namespace: string } | undefined {
    const local = this.packages.get(searchPackage)?.get(name);
    if (local) return local;
    const root = this.packages.get(this.rootPackage)?.get(name);
    if (root) return root;
    if (this.packages.has(name) || name === BUILTIN_PACKAGE) return { namespace: name };
    return this.internal.get(name);
  }

  /** A macro by name only (no package names): what `{{ name(...) }}` calls from `searchPackage`. */
  resolveMacro(name: string, searchPackage: string): MacroEntry | undefined {
    const found = this.resolve(name, searchPackage);
    return found && 'node' in found ? found : undefined;
  }

  /** dbt's get_from_package: undefined package = the full search from `searchPackage`. */
  fromPackage(pkg: string | undefined, name: string, searchPackage: string): MacroEntry | undefined {
    if (pkg === undefined) return this.resolveMacro(name, searchPackage);
    return this.packageMacros(pkg)?.get(name);
  }

  /**
   * dbt's adapter.dispatch search (core/dbt/context/providers.py): the packages to search are the
   * root project's `dispatch:` search_order for `namespace`, else [root, namespace] when the
   * namespace is an installed package or `dbt`, else the full search; in each package,
   * `clickhouse__<name>` then `default__<name>`.
   */
  dispatch(name: string, namespace: string | undefined, searchPackage: string): DispatchResult {
    const searched: string[] = [];
    for (const pkg of this.searchPackages(namespace)) {
      for (const prefix of ADAPTER_PREFIXES) {
        const candidate = `${prefix}__${name}`;
        const found = this.fromPackage(pkg, candidate, searchPackage);
        searched.push(pkg === undefined ? candidate : `${pkg}.${candidate}`);
        if (found) return { found };
      }
    }
    return { found: undefined, searched };
  }

  private searchPackages(namespace: string | undefined): (string | undefined)[] {
    if (namespace === undefined) return [undefined];
    const configured = this.dispatchConfig.find((d) => d.macroNamespace === namespace);
    if (configured && configured.searchOrder.length > 0) return [...configured.searchOrder];
    if (namespace === this.rootPackage || namespace === BUILTIN_PACKAGE || this.dependencies.has(namespace)) return [this.rootPackage, namespace];
    return [undefined];
  }
}
