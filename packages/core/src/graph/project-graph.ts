import { DirectedGraph } from 'graphology';
import { hasCycle, topologicalGenerations } from 'graphology-dag';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';

/**
 * The project DAG: one vertex per node, an edge parent → child for every dependency.
 * This file is the only user of graphology.
 */
export class ProjectGraph {
  private readonly graph: DirectedGraph;
  private readonly manifest: Manifest;

  constructor(manifest: Manifest) {
    this.manifest = manifest;
    const graph = new DirectedGraph();
    for (const id of manifest.nodes.keys()) graph.addNode(id);
    for (const node of manifest.nodes.values()) {
      for (const parent of node.dependsOn) {
        if (graph.hasNode(parent) && !graph.hasEdge(parent, node.uniqueId)) graph.addEdge(parent, node.uniqueId);
      }
    }
    this.graph = graph;
    if (hasCycle(graph)) throw cycleError(graph, manifest);
  }

  has(id: string): boolean {
    return this.graph.hasNode(id);
  }

  node(id: string): ManifestNode {
    const node = this.manifest.nodes.get(id);
    if (!node) throw new Error(`unknown node ${id}`);
    return node;
  }

  ids(): string[] {
    return this.graph.nodes();
  }

  parents(id: string): string[] {
    return this.graph.inNeighbors(id);
  }

  children(id: string): string[] {
    return this.graph.outNeighbors(id);
  }

  /** Ancestors of `id` up to `depth` levels (all when undefined); `id` itself excluded. */
  ancestors(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.graph.inNeighbors(n));
  }

  /** Descendants of `id` up to `depth` levels (all when undefined); `id` itself excluded. */
  descendants(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.graph.outNeighbors(n));
  }

  /** Node ids in dependency order, grouped into generations that may run side by side. */
  generations(subset?: ReadonlySet<string>): string[][] {
    const gens = topologicalGenerations(this.graph);
    if (!subset) return gens;
    return gens.map((g) => g.filter((id) => subset.has(id))).filter((g) => g.length > 0);
  }

  /** A flat dependency order (stable: generation by generation, ids sorted). */
  order(subset?: ReadonlySet<string>): string[] {
    return this.generations(subset).flatMap((g) => g.sort());
  }

  private walk(start: string, depth: number | undefined, next: (n: string) => string[]): Set<string> {
    const seen = new Set<string>();
    let frontier = [start];
    let level = 0;
    while (frontier.length > 0 && (depth === undefined || level < depth)) {
      const nextFrontier: string[] = [];
      for (const n of frontier) {
        for (const m of next(n)) {
          if (!seen.has(m) && m !== start) {
            seen.add(m);
            nextFrontier.push(m);
          }
        }
      }
      frontier = nextFrontier;
      level++;
    }
    return seen;
  }
}

/** Finds one cycle by DFS and reports it as `a (file) -> b (file) -> a`. */
function cycleError(graph: DirectedGraph, manifest: Manifest): ProjectError {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  let cycle: string[] | undefined;
  const visit = (n: string): boolean => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.outNeighbors(n)) {
      if (state.get(m) === 1) {
        cycle = [...stack.slice(stack.indexOf(m)), m];
        return true;
      }
      if (!state.has(m) && visit(m)) return true;
    }
    stack.pop();
    state.set(n, 2);
    return false;
  };
  for (const n of graph.nodes()) if (!state.has(n) && visit(n)) break;
  const label = (id: string) => {
    const node = manifest.nodes.get(id);
    return node ? `${node.name} (${node.originalFilePath})` : id;
  };
  const text = (cycle ?? []).map(label).join(' -> ');
  const first = cycle ? manifest.nodes.get(cycle[0]!) : undefined;
  return new ProjectError('cycle', `Found a cycle: ${text}`, {
    file: first?.originalFilePath,
    hint: 'Remove one of these ref() calls so that no model depends on itself.',
  });
}
