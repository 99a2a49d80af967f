import { DirectedGraph } from 'graphology';
import { topologicalGenerations } from 'graphology-dag';
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
  /** Longest-path depth of each node (its topological generation), filled on demand. */
  private depthMemo = new Map<string, number>();

  /**
   * `acyclic`: the manifest's dependencies are known to have no cycle; `depths`: each node's
   * generation, known (both from a warm start, computed when it was saved: load/warm-load.ts).
   */
  constructor(manifest: Manifest, options: { readonly acyclic?: boolean; readonly depths?: ReadonlyMap<string, number> } = {}) {
    this.manifest = manifest;
    const graph = new DirectedGraph();
    // Kahn's count on the side, while the edges go in: cheaper than a separate DFS for cycles.
    const index = new Map<string, number>();
    for (const id of manifest.nodes.keys()) {
      index.set(id, index.size);
      graph.addNode(id);
    }
    const inDegree = new Int32Array(index.size);
    const children: number[][] = Array.from({ length: index.size }, () => []);
    for (const node of manifest.nodes.values()) {
      const child = node.uniqueId;
      for (const parent of node.dependsOn) {
        const from = index.get(parent);
        if (from !== undefined && graph.mergeEdge(parent, child)[1]) {
          inDegree[index.get(child)!]!++;
          children[from]!.push(index.get(child)!);
        }
      }
    }
    this.graph = graph;
    if (!options.acyclic && !acyclic(inDegree, children)) throw cycleError(graph, manifest);
    if (options.depths) this.depthMemo = new Map(options.depths);
  }

  /**
   * The graph of `manifest`, a copy of `previous` where only the nodes in `changed` (new or with new
   * dependencies) and `removed` differ: no rebuild of the whole graph on an incremental re-load.
   * A cycle through a changed node throws as the constructor does.
   */
  static withChanges(previous: ProjectGraph, manifest: Manifest, changed: Iterable<string>, removed: Iterable<string>): ProjectGraph {
    const removedIds = [...removed];
    const touched = [...changed].filter((id) => manifest.nodes.has(id));
    const sameEdges =
      removedIds.length === 0 &&
      touched.every((id) => {
        if (!previous.graph.hasNode(id)) return false;
        const before = new Set(previous.graph.inNeighbors(id));
        const after = new Set(manifest.nodes.get(id)!.dependsOn.filter((p) => manifest.nodes.has(p)));
        return before.size === after.size && [...after].every((p) => before.has(p));
      });
    const next = Object.create(ProjectGraph.prototype) as ProjectGraph;
    const graph = sameEdges ? previous.graph : previous.graph.copy();
    if (!sameEdges) {
      for (const id of removedIds) if (graph.hasNode(id)) graph.dropNode(id);
      for (const id of touched) {
        if (!graph.hasNode(id)) graph.addNode(id);
        for (const p of graph.inNeighbors(id)) graph.dropEdge(p, id);
      }
      for (const id of touched)
        for (const p of manifest.nodes.get(id)!.dependsOn) if (graph.hasNode(p) && !graph.hasEdge(p, id)) graph.addEdge(p, id);
    }
    Object.assign(next, { graph, manifest, depthMemo: sameEdges ? previous.depthMemo : new Map() });
    if (!sameEdges) {
      // A new cycle must pass through a node whose in-edges changed.
      for (const id of touched) {
        const below = next.descendants(id);
        if (graph.inNeighbors(id).some((p) => p === id || below.has(p))) throw cycleError(graph, manifest);
      }
    }
    return next;
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
    if (!subset) return topologicalGenerations(this.graph);
    // A node's generation is its longest-path depth: walk only the subset's ancestors, not the whole graph.
    const byDepth = new Map<number, string[]>();
    for (const id of subset) {
      if (!this.graph.hasNode(id)) continue;
      const d = this.depth(id);
      const g = byDepth.get(d);
      if (g) g.push(id);
      else byDepth.set(d, [id]);
    }
    return [...byDepth.entries()].sort((a, b) => a[0] - b[0]).map(([, ids]) => ids);
  }

  /** Longest path from a root to `id` (iterative: chains may be long), memoised. */
  private depth(id: string): number {
    const memo = this.depthMemo;
    const known = memo.get(id);
    if (known !== undefined) return known;
    const stack: [string, boolean][] = [[id, false]];
    while (stack.length > 0) {
      const [n, expanded] = stack.pop()!;
      if (memo.has(n)) continue;
      const parents = this.graph.inNeighbors(n);
      if (expanded) {
        let d = 0;
        for (const p of parents) d = Math.max(d, memo.get(p)! + 1);
        memo.set(n, d);
        continue;
      }
      stack.push([n, true]);
      for (const p of parents) if (!memo.has(p)) stack.push([p, false]);
    }
    return memo.get(id)!;
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

/** Whether every node can be ordered (Kahn): a node left with parents unordered is on or below a cycle. */
function acyclic(inDegree: Int32Array, children: readonly number[][]): boolean {
  const ready: number[] = [];
  for (let i = 0; i < inDegree.length; i++) if (inDegree[i] === 0) ready.push(i);
  let ordered = 0;
  while (ready.length > 0) {
    const n = ready.pop()!;
    ordered++;
    for (const c of children[n]!) if (--inDegree[c]! === 0) ready.push(c);
  }
  return ordered === inDegree.length;
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
