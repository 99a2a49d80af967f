import type { Manifest } from '../manifest/manifest.js';

/** The resources dbt's parse adds to manifest.nodes file by file, per project in its parser order (parser/manifest.py). */
const FILE_PARSED = ['model', 'snapshot', 'analysis', 'singular test', 'seed', 'operation'] as const;

/**
 * dbt's print_compile_stats (compilation.py _generate_stats): the whole manifest's resources by type,
 * in the order dbt's dict gets them — manifest.nodes as dbt parses them (each project's models,
 * snapshots, analyses, singular tests, seeds, hooks, then the YAML files' generic tests), then
 * sources, exposures, metrics, macros, groups, semantic models, saved queries, unit tests; zeros
 * left out. Not the selection: `Found 3 models` on a `run -s one_model` too.
 */
export function foundStats(manifest: Manifest): [string, number][] {
  const byProject = new Map<string, Map<string, number>>();
  const add = (pkg: string, type: string, n = 1) => {
    let counts = byProject.get(pkg);
    if (!counts) byProject.set(pkg, (counts = new Map()));
    counts.set(type, (counts.get(type) ?? 0) + n);
  };
  const other = new Map<string, number>();
  for (const node of manifest.nodes.values()) {
    const type = node.resourceType === 'test' ? (node.testMetadata ? 'test' : 'singular test') : node.resourceType;
    if ((FILE_PARSED as readonly string[]).includes(type)) add(node.packageName, type);
    else other.set(type, (other.get(type) ?? 0) + 1);
  }
  // Each on-run-start / on-run-end entry is one operation node (dbt's HookParser).
  for (const hook of manifest.hooks ?? []) add(hook.packageName, 'operation');
  const stats = new Map<string, number>();
  // A type takes its place when its first resource is met (dbt's defaultdict).
  const put = (type: string, n: number) => n > 0 && stats.set(type, (stats.get(type) ?? 0) + n);
  // The root project first, then the packages (dbt's all_projects).
  const projects = [manifest.projectName, ...[...byProject.keys()].filter((p) => p !== manifest.projectName)];
  for (const pkg of projects) for (const type of FILE_PARSED) put(type === 'singular test' ? 'test' : type, byProject.get(pkg)?.get(type) ?? 0);
  put('test', other.get('test') ?? 0);
  for (const type of ['source', 'exposure', 'metric']) put(type, other.get(type) ?? 0);
  put('macro', manifest.macros.size);
  put('group', manifest.groups?.size ?? 0);
  for (const type of ['semantic_model', 'saved_query', 'unit_test']) put(type, other.get(type) ?? 0);
  return [...stats];
}
