import type { Manifest } from '../manifest/manifest.js';
import { nodeContext, nodeDict } from '../manifest/node-dict.js';

/**
 * dbt's `graph` context variable: the project's nodes and sources as manifest dicts. As in dbt it
 * is empty while the project is parsed (a template reading it renders again at run time) and
 * complete at run time.
 */
export type GraphContext = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

const EMPTY_KINDS = ['exposures', 'metrics', 'groups', 'semantic_models', 'saved_queries', 'unit_tests'] as const;

export function emptyGraph(): GraphContext {
  return { nodes: {}, sources: {}, ...Object.fromEntries(EMPTY_KINDS.map((k) => [k, {}])) };
}

const built = new WeakMap<Manifest, GraphContext>();

export function graphOf(manifest: Manifest): GraphContext {
  let graph = built.get(manifest);
  if (!graph) {
    const nodes: Record<string, unknown> = {};
    const sources: Record<string, unknown> = {};
    // dbt's flat_graph: exposures and the semantic layer's resources under their own keys, not in graph.nodes.
    const byKind: Record<string, Record<string, unknown>> = { exposure: {}, metric: {}, semantic_model: {}, saved_query: {}, function: {} };
    // Paths as manifest.json has them (dbt's flat_graph is the manifest's dicts): package-relative, `path` from the resource folder.
    const paths = nodeContext(manifest);
    for (const node of manifest.nodes.values()) {
      // dbt keeps unit tests out of graph.nodes (the manifest's unit_tests)
      if (node.resourceType !== 'unit_test') (node.resourceType === 'source' ? sources : byKind[node.resourceType] ?? nodes)[node.uniqueId] = nodeDict(node, undefined, paths);
    }
    graph = { ...emptyGraph(), nodes, sources, exposures: byKind.exposure!, metrics: byKind.metric!, semantic_models: byKind.semantic_model!, saved_queries: byKind.saved_query!, functions: byKind.function! } as GraphContext;
    built.set(manifest, graph);
  }
  return graph;
}
