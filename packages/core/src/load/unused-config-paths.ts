import type { ManifestNode } from '../manifest/nodes.js';
import type { ProjectFile } from './project-file.js';

/*
 * dbt's UnusedResourceConfigPath (I051): paths of dbt_project.yml's resource config trees that no
 * node's fqn starts with — most often a misspelt project or folder name, whose configs then apply
 * to nothing. A path is a chain of keys down to one holding a config (a `+key`, or a key whose value
 * is not a mapping), as dbt's RuntimeConfig._get_config_paths; disabled nodes count as used.
 */
export const UNUSED_CONFIG_PATHS = 'Configuration paths exist in your dbt_project.yml file which do not apply to any resources.';

function configPaths(tree: Readonly<Record<string, unknown>>, path: string[] = [], out: string[][] = []): string[][] {
  for (const [key, value] of Object.entries(tree)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !key.startsWith('+')) configPaths(value as Record<string, unknown>, [...path, key], out);
    else if (!out.some((p) => p.length === path.length && p.every((k, i) => k === path[i]))) out.push(path);
  }
  return out;
}

/** dbt's resource type plural (NodeType.pluralize), the dbt_project.yml key of its configs. */
const PLURAL: Record<string, string> = { analysis: 'analyses', saved_query: 'saved_queries', test: 'data_tests' };

/** The warning for `pf`'s unused config paths given the project's nodes, or undefined when every path is used. */
export function unusedConfigPathsWarning(pf: ProjectFile, nodes: Iterable<ManifestNode>, disabled: Iterable<ManifestNode>): string | undefined {
  const fqns = new Map<string, string[][]>();
  const disabledFqns: string[][] = [];
  for (const n of nodes) {
    const plural = PLURAL[n.resourceType] ?? `${n.resourceType}s`;
    (fqns.get(plural) ?? fqns.set(plural, []).get(plural)!).push(n.fqn as string[]);
  }
  for (const n of disabled) disabledFqns.push(n.fqn as string[]);
  const trees: [string, Readonly<Record<string, unknown>>][] = [
    ['models', pf.modelsConfig], ['seeds', pf.seedsConfig], ['snapshots', pf.snapshotsConfig], ['sources', pf.sourcesConfig],
    ['data_tests', pf.testsConfig], ['unit_tests', pf.unitTestsConfig], ['metrics', pf.semanticConfigs.metric],
    ['semantic_models', pf.semanticConfigs.semantic_model], ['saved_queries', pf.semanticConfigs.saved_query], ['exposures', pf.semanticConfigs.exposure],
  ];
  const unused: string[] = [];
  for (const [type, tree] of trees) {
    const used = [...(fqns.get(type) ?? []), ...disabledFqns];
    for (const path of configPaths(tree))
      if (!used.some((fqn) => path.length <= fqn.length && path.every((k, i) => fqn[i] === k))) unused.push([type, ...path].join('.'));
  }
  if (unused.length === 0) return undefined;
  return `${UNUSED_CONFIG_PATHS}\nThere are ${unused.length} unused configuration paths:\n${unused.map((u) => `- ${u}`).join('\n')}`;
}
