import type { MacroNode, ManifestNode } from './nodes.js';

/** Everything loaded and parsed from a project: the input of graph, select and compile. */
export interface Manifest {
  readonly projectName: string;
  readonly projectRoot: string;
  /** All enabled nodes by unique id (models, seeds, sources, tests). */
  readonly nodes: ReadonlyMap<string, ManifestNode>;
  readonly macros: ReadonlyMap<string, MacroNode>;
  /** Named selectors from selectors.yml, as raw YAML definitions. */
  readonly selectors: Readonly<Record<string, SelectorDefinition>>;
  /** Installed packages loaded with the project (dbt_packages/*): name and folder relative to the project. */
  readonly packages?: readonly LoadedPackage[];
}

export interface LoadedPackage {
  readonly name: string;
  readonly path: string;
}

export interface SelectorDefinition {
  readonly name: string;
  readonly description?: string;
  readonly default?: boolean;
  readonly definition: unknown;
  readonly file: string;
}
