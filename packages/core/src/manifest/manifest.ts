import type { MacroNode, ManifestNode } from './nodes.js';

/** Everything loaded and parsed from a project: the input of graph, select and compile. */
export interface Manifest {
  readonly projectName: string;
  readonly projectRoot: string;
  /** All enabled nodes by unique id (models, seeds, sources, tests). */
  readonly nodes: ReadonlyMap<string, ManifestNode>;
  readonly macros: ReadonlyMap<string, MacroNode>;
  /** Disabled nodes by unique id (dbt's manifest.disabled: a list, as files in several folders may share an id). */
  readonly disabled?: ReadonlyMap<string, readonly ManifestNode[]>;
  /** Named selectors from selectors.yml, as raw YAML definitions. */
  readonly selectors: Readonly<Record<string, SelectorDefinition>>;
  /** Installed packages loaded with the project (dbt_packages/*): name and folder relative to the project. */
  readonly packages?: readonly LoadedPackage[];
  /**
   * Each project's (root and packages) resource folders, relative to it (model, seed, snapshot,
   * analysis, test, macro, function paths): a node's dbt `path` is its file relative to the one it is under.
   */
  readonly resourceFolders?: Readonly<Record<string, readonly string[]>>;
  /** `on-run-start` / `on-run-end` hooks of the project and its packages, in dbt's order (packages by name, the root project last). */
  readonly hooks?: readonly ProjectHook[];
  /** `{% docs %}` blocks of the project and its packages (dbt's Documentation nodes), by unique id `doc.<pkg>.<name>`. */
  readonly docs?: ReadonlyMap<string, DocBlock>;
  /** `groups:` of the project and its packages (dbt 1.5), by unique id `group.<pkg>.<name>`. */
  readonly groups?: ReadonlyMap<string, GroupDef>;
}

/** A `groups:` entry: the owner of the models whose config `group` names it. */
export interface GroupDef {
  readonly uniqueId: string;
  readonly name: string;
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly line: number;
  readonly owner: Readonly<Record<string, unknown>>;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** One `{% docs name %}…{% enddocs %}` block of a `.md` file in a docs path. */
export interface DocBlock {
  readonly uniqueId: string;
  readonly name: string;
  readonly packageName: string;
  /** Relative to its package. */
  readonly path: string;
  /** Relative to the root project. */
  readonly originalFilePath: string;
  readonly line: number;
  /** The block's text, rendered with an empty context and stripped (dbt's block_contents). */
  readonly blockContents: string;
}

/** One `on-run-start` / `on-run-end` statement (dbt's hook node `operation.<pkg>.<pkg>-on-run-start-<i>`). */
export interface ProjectHook {
  readonly uniqueId: string;
  readonly packageName: string;
  readonly which: 'on-run-start' | 'on-run-end';
  /** Position in its package's list, from 0. */
  readonly index: number;
  /** The hook as written (Jinja, rendered when it runs). */
  readonly sql: string;
  /** The project file that declares it. */
  readonly file: string;
}

/** dbt's order of project hooks: by package name with the root project last, then by position. */
export function projectHooks(roots: readonly { name: string; hooks: { onRunStart: readonly string[]; onRunEnd: readonly string[] }; file: string }[], rootName: string): ProjectHook[] {
  const order = [...roots].sort((a, b) => (a.name === rootName ? 1 : b.name === rootName ? -1 : a.name.localeCompare(b.name)));
  const out: ProjectHook[] = [];
  for (const which of ['on-run-start', 'on-run-end'] as const)
    for (const r of order)
      (which === 'on-run-start' ? r.hooks.onRunStart : r.hooks.onRunEnd).forEach((sql, index) =>
        out.push({ uniqueId: `operation.${r.name}.${r.name}-${which}-${index}`, packageName: r.name, which, index, sql, file: r.file }),
      );
  return out;
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
