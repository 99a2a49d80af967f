/**
 * Layered (Sugiyama-style) layout of a DAG for the lineage graph, left to right:
 *  1. layers by longest path from the roots (a node sits one layer right of its deepest parent);
 *  2. edges spanning several layers get virtual points, one per crossed layer;
 *  3. order within layers by barycenter sweeps (down and up), keeping the order with fewest crossings;
 *  4. vertical positions pulled towards neighbours, with a minimum gap between rows.
 *
 * Everything lives inside `createLayoutEngine` with no imports, so that the docs site can ship the very
 * same code to the browser (`createLayoutEngine.toString()`) and lay out any neighbourhood there.
 */

export interface LayoutInput {
  readonly nodes: readonly string[];
  /** [parent, child]; edges to unknown nodes and self loops are ignored. */
  readonly edges: readonly (readonly [string, string])[];
}

export interface LayoutOptions {
  /** Horizontal distance between layers (default 260). */
  readonly layerGap?: number;
  /** Vertical distance between rows in a layer (default 56). */
  readonly rowGap?: number;
  /** Barycenter sweeps (default 12). */
  readonly sweeps?: number;
}

export interface LayoutNode {
  readonly id: string;
  readonly layer: number;
  /** Position within its layer, top to bottom. */
  readonly order: number;
  readonly x: number;
  readonly y: number;
}

export interface LayoutEdge {
  readonly from: string;
  readonly to: string;
  /** From the parent's centre to the child's centre, through one point per crossed layer. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface Layout {
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  /** Ids (real and virtual) per layer, in order. Virtual ids start with `\u0000`. */
  readonly layers: readonly (readonly string[])[];
  readonly width: number;
  readonly height: number;
  /** Edge crossings between adjacent layers in the final order. */
  readonly crossings: number;
}

export interface LayoutEngine {
  layout(input: LayoutInput, options?: LayoutOptions): Layout;
  /** Layer of every node by longest path from the roots. */
  longestPathLayers(input: LayoutInput): Map<string, number>;
  /** Crossings of the edges between consecutive layers for a given ordering. */
  countCrossings(layers: readonly (readonly string[])[], edges: readonly (readonly [string, string])[]): number;
}

export function createLayoutEngine(): LayoutEngine {
  function cleanEdges(input: LayoutInput): [string, string][] {
    const known = new Set(input.nodes);
    const seen = new Set<string>();
    const out: [string, string][] = [];
    for (const [a, b] of input.edges) {
      if (a === b || !known.has(a) || !known.has(b)) continue;
      const key = a + '\u0001' + b;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([a, b]);
    }
    return out;
  }

  function longestPathLayers(input: LayoutInput): Map<string, number> {
    const edges = cleanEdges(input);
    const parents = new Map<string, string[]>();
    const children = new Map<string, string[]>();
    for (const n of input.nodes) {
      parents.set(n, []);
      children.set(n, []);
    }
    for (const [a, b] of edges) {
      parents.get(b)!.push(a);
      children.get(a)!.push(b);
    }
    // Kahn's order; a node's layer is 1 + the deepest parent's.
    const indegree = new Map<string, number>();
    for (const n of input.nodes) indegree.set(n, parents.get(n)!.length);
    const queue = input.nodes.filter((n) => indegree.get(n) === 0);
    const layer = new Map<string, number>();
    for (let i = 0; i < queue.length; i++) {
      const n = queue[i]!;
      let l = 0;
      for (const p of parents.get(n)!) l = Math.max(l, layer.get(p)! + 1);
      layer.set(n, l);
      for (const c of children.get(n)!) {
        indegree.set(c, indegree.get(c)! - 1);
        if (indegree.get(c) === 0) queue.push(c);
      }
    }
    // A cycle (never in a valid project) leaves nodes unplaced: put them after everything else.
    let max = 0;
    for (const l of layer.values()) max = Math.max(max, l);
    for (const n of input.nodes) if (!layer.has(n)) layer.set(n, max + 1);
    return layer;
  }

  function countCrossings(layers: readonly (readonly string[])[], edges: readonly (readonly [string, string])[]): number {
    const where = new Map<string, [number, number]>();
    layers.forEach((ids, l) => ids.forEach((id, i) => where.set(id, [l, i])));
    const byLayer = new Map<number, [number, number][]>();
    for (const [a, b] of edges) {
      const pa = where.get(a);
      const pb = where.get(b);
      if (!pa || !pb || pb[0] !== pa[0] + 1) continue;
      if (!byLayer.has(pa[0])) byLayer.set(pa[0], []);
      byLayer.get(pa[0])!.push([pa[1], pb[1]]);
    }
    let total = 0;
    for (const segs of byLayer.values())
      for (let i = 0; i < segs.length; i++)
        for (let j = i + 1; j < segs.length; j++) {
          const [a1, b1] = segs[i]!;
          const [a2, b2] = segs[j]!;
          if ((a1 - a2) * (b1 - b2) < 0) total++;
        }
    return total;
  }

  function layout(input: LayoutInput, options: LayoutOptions = {}): Layout {
    const layerGap = options.layerGap ?? 260;
    const rowGap = options.rowGap ?? 56;
    const sweeps = options.sweeps ?? 12;
    const nodes = [...input.nodes].sort();
    const edges = cleanEdges({ nodes, edges: input.edges });
    const layerOf = longestPathLayers({ nodes, edges });

    // Split long edges into unit segments through virtual points.
    const segments: [string, string][] = [];
    const chains = new Map<string, string[]>();
    let virtualCount = 0;
    for (const [a, b] of edges) {
      const la = layerOf.get(a)!;
      const lb = layerOf.get(b)!;
      const chain = [a];
      for (let l = la + 1; l < lb; l++) {
        const v = '\u0000v' + virtualCount++;
        layerOf.set(v, l);
        chain.push(v);
      }
      chain.push(b);
      for (let i = 0; i + 1 < chain.length; i++) segments.push([chain[i]!, chain[i + 1]!]);
      chains.set(a + '\u0001' + b, chain);
    }

    let layerCount = 0;
    for (const l of layerOf.values()) layerCount = Math.max(layerCount, l + 1);
    const layers: string[][] = Array.from({ length: layerCount }, () => []);
    // Initial order: real nodes by name, virtual points after (the sweeps move them).
    for (const n of nodes) layers[layerOf.get(n)!]!.push(n);
    for (const [id, l] of layerOf) if (id.charCodeAt(0) === 0) layers[l]!.push(id);

    const up = new Map<string, string[]>();
    const down = new Map<string, string[]>();
    for (const id of layerOf.keys()) {
      up.set(id, []);
      down.set(id, []);
    }
    for (const [a, b] of segments) {
      down.get(a)!.push(b);
      up.get(b)!.push(a);
    }

    const position = new Map<string, number>();
    const index = (ls: string[][]) => ls.forEach((ids) => ids.forEach((id, i) => position.set(id, i)));
    const reorder = (ids: string[], neighbours: Map<string, string[]>) => {
      const key = new Map<string, number>();
      ids.forEach((id, i) => {
        const ns = neighbours.get(id)!;
        key.set(id, ns.length === 0 ? i : ns.reduce((s, n) => s + position.get(n)!, 0) / ns.length);
      });
      // Stable: ties keep the current order.
      const sorted = ids.map((id, i) => [id, i] as const).sort((x, y) => key.get(x[0])! - key.get(y[0])! || x[1] - y[1]);
      ids.splice(0, ids.length, ...sorted.map((x) => x[0]));
      ids.forEach((id, i) => position.set(id, i));
    };
    // Swaps neighbours in a layer while that lowers the crossings with the layers around it.
    const transpose = (ls: string[][]) => {
      let improved = true;
      let rounds = 0;
      while (improved && rounds++ < 4) {
        improved = false;
        for (let l = 0; l < ls.length; l++) {
          const ids = ls[l]!;
          for (let i = 0; i + 1 < ids.length; i++) {
            const around = [ls[l - 1] ?? [], ids, ls[l + 1] ?? []];
            const before = countCrossings(around, segments);
            [ids[i], ids[i + 1]] = [ids[i + 1]!, ids[i]!];
            const after = countCrossings(around, segments);
            if (after < before) improved = true;
            else [ids[i], ids[i + 1]] = [ids[i + 1]!, ids[i]!];
          }
        }
      }
    };

    index(layers);
    let best = layers.map((ids) => [...ids]);
    let bestCrossings = countCrossings(best, segments);
    for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
      if (s % 2 === 0) for (let l = 1; l < layers.length; l++) reorder(layers[l]!, up);
      else for (let l = layers.length - 2; l >= 0; l--) reorder(layers[l]!, down);
      if (segments.length <= 400) transpose(layers); // quadratic: small graphs only
      index(layers);
      const c = countCrossings(layers, segments);
      if (c < bestCrossings) {
        bestCrossings = c;
        best = layers.map((ids) => [...ids]);
      }
    }

    // Vertical positions: start stacked, then pull each row towards the mean of its neighbours
    // while keeping order and the minimum gap (a forward and a backward pass, averaged).
    const y = new Map<string, number>();
    best.forEach((ids) => ids.forEach((id, i) => y.set(id, i * rowGap)));
    const place = (ids: string[], neighbours: Map<string, string[]>[]) => {
      const want = ids.map((id) => {
        const ns = neighbours.flatMap((m) => m.get(id)!);
        return ns.length === 0 ? y.get(id)! : ns.reduce((s, n) => s + y.get(n)!, 0) / ns.length;
      });
      const fwd = [...want];
      for (let i = 1; i < fwd.length; i++) fwd[i] = Math.max(fwd[i]!, fwd[i - 1]! + rowGap);
      const bwd = [...want];
      for (let i = bwd.length - 2; i >= 0; i--) bwd[i] = Math.min(bwd[i]!, bwd[i + 1]! - rowGap);
      const mid = fwd.map((f, i) => (f + bwd[i]!) / 2);
      for (let i = 1; i < mid.length; i++) mid[i] = Math.max(mid[i]!, mid[i - 1]! + rowGap);
      ids.forEach((id, i) => y.set(id, mid[i]!));
    };
    for (let pass = 0; pass < 8; pass++) {
      for (let l = 1; l < best.length; l++) place(best[l]!, [up]);
      for (let l = best.length - 2; l >= 0; l--) place(best[l]!, [down]);
      for (const ids of best) place(ids, [up, down]);
    }
    let minY = Infinity;
    let maxY = -Infinity;
    for (const v of y.values()) {
      minY = Math.min(minY, v);
      maxY = Math.max(maxY, v);
    }
    if (!Number.isFinite(minY)) minY = maxY = 0;
    for (const [id, v] of y) y.set(id, Math.round(v - minY));

    const x = (id: string) => layerOf.get(id)! * layerGap;
    const outNodes: LayoutNode[] = [];
    best.forEach((ids) => {
      let order = 0;
      for (const id of ids) if (id.charCodeAt(0) !== 0) outNodes.push({ id, layer: layerOf.get(id)!, order: order++, x: x(id), y: y.get(id)! });
    });
    const outEdges: LayoutEdge[] = edges.map(([a, b]) => ({
      from: a,
      to: b,
      points: chains.get(a + '\u0001' + b)!.map((id) => ({ x: x(id), y: y.get(id)! })),
    }));
    return {
      nodes: outNodes,
      edges: outEdges,
      layers: best,
      width: Math.max(0, layerCount - 1) * layerGap,
      height: Math.round(maxY - minY),
      crossings: bestCrossings,
    };
  }

  return { layout, longestPathLayers, countCrossings };
}

const engine = createLayoutEngine();
export const layoutGraph = engine.layout;
export const longestPathLayers = engine.longestPathLayers;
export const countCrossings = engine.countCrossings;
