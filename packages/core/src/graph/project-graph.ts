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
  /** The graphology graph: built in the constructor, or on first need for a warm start's manifest. */
  private built: DirectedGraph | undefined;
  /** Parents and children read off the manifest (warm start, until the graphology graph is built). */
  private adjacency: { readonly parents: Map<string, string[]>; readonly children: Map<string, string[]> } | undefined;
  private readonly manifest: Manifest;
  /** Longest-path depth of each node (its topological generation), filled on demand (from the known depths when first needed). */
  private memo: Map<string, number> | undefined;
  /** Depths known up front (a warm start's): made a map only when a depth is first asked for (`ls` never asks). */
  private knownDepths: Iterable<readonly [string, number]> | undefined;

  /**
   * `acyclic`: the manifest's dependencies are known to have no cycle; `depths`: each node's
   * generation, known (both from a warm start, computed when it was saved: load/warm-load.ts).
   * Then nothing is built up front: ordering a selection needs only the depths, and parents and
   * children are read off the manifest when first asked for (the graphology graph only for what
   * needs it: the generations of the whole graph, an incremental copy).
   */
  constructor(manifest: Manifest, options: { readonly acyclic?: boolean; readonly depths?: Iterable<readonly [string, number]> } = {}) {
    this.manifest = manifest;
    this.knownDepths = options.depths;
    if (!options.acyclic) this.built = buildGraph(manifest, true);
  }

  private get depthMemo(): Map<string, number> {
    if (this.memo) return this.memo;
    const memo = new Map<string, number>(this.knownDepths);
    this.knownDepths = undefined;
    return (this.memo = memo);
  }

  private get graph(): DirectedGraph {
    return (this.built ??= buildGraph(this.manifest, false));
  }

  /** Each node's parents and children as graphology would list them (dependency order, no duplicates). */
  private get lists(): NonNullable<ProjectGraph['adjacency']> {
    if (this.adjacency) return this.adjacency;
    const nodes = this.manifest.nodes;
    const parents = new Map<string, string[]>();
    const children = new Map<string, string[]>();
    for (const id of nodes.keys()) children.set(id, []);
    for (const [id, node] of nodes) {
      const own: string[] = [];
      for (const p of node.dependsOn)
        if (nodes.has(p) && !own.includes(p)) {
          own.push(p);
          children.get(p)!.push(id);
        }
      parents.set(id, own);
    }
    return (this.adjacency = { parents, children });
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
    Object.assign(next, { built: graph, adjacency: undefined, manifest, memo: sameEdges ? previous.depthMemo : new Map(), knownDepths: undefined });
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
    return this.built ? this.built.hasNode(id) : this.manifest.nodes.has(id);
  }

  node(id: string): ManifestNode {
    const node = this.manifest.nodes.get(id);
    if (!node) throw new Error(`unknown node ${id}`);
    return node;
  }

  ids(): string[] {
    return this.built ? this.built.nodes() : [...this.manifest.nodes.keys()];
  }

  parents(id: string): string[] {
    if (this.built) return this.built.inNeighbors(id);
    const list = this.lists.parents.get(id);
    if (!list) throw new Error(`unknown node ${id}`);
    return [...list];
  }

  children(id: string): string[] {
    if (this.built) return this.built.outNeighbors(id);
    const list = this.lists.children.get(id);
    if (!list) throw new Error(`unknown node ${id}`);
    return [...list];
  }

  /** Ancestors of `id` up to `depth` levels (all when undefined); `id` itself excluded. */
  ancestors(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.parents(n));
  }

  /** Descendants of `id` up to `depth` levels (all when undefined); `id` itself excluded. */
  descendants(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.children(n));
  }

  /** Node ids in dependency order, grouped into generations that may run side by side. */
  generations(subset?: ReadonlySet<string>): string[][] {
    if (!subset) return topologicalGenerations(this.graph);
    // A node's generation is its longest-path depth: walk only the subset's ancestors, not the whole graph.
    const byDepth = new Map<number, string[]>();
    for (const id of subset) {
      if (!this.has(id)) continue;
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
      const parents = this.parents(n);
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

/** The graphology graph of a manifest; `check`: throw on a cycle (Kahn's count, kept while the edges go in). */
function buildGraph(manifest: Manifest, check: boolean): DirectedGraph {
  const graph = new DirectedGraph();
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
  if (check && !acyclic(inDegree, children)) throw cycleError(graph, manifest);
  return graph;
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
