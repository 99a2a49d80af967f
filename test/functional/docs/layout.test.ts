import { describe, expect, it } from 'vitest';
import { countCrossings, createLayoutEngine, layoutGraph, longestPathLayers } from '../../../packages/core/src/docs/layout.js';

const E = (s: string) => s.split(/\s+/).filter(Boolean).map((e) => e.split('>') as [string, string]);

describe('lineage layout', () => {
  it('puts each node one layer right of its deepest parent (longest path)', () => {
    // a → b → c → d, and a shortcut a → d: d still goes to layer 3.
    const layers = longestPathLayers({ nodes: ['a', 'b', 'c', 'd', 'lonely'], edges: E('a>b b>c c>d a>d') });
    expect(Object.fromEntries(layers)).toEqual({ a: 0, b: 1, c: 2, d: 3, lonely: 0 });
  });

  it('routes long edges through one point per crossed layer, left to right', () => {
    const l = layoutGraph({ nodes: ['a', 'b', 'c', 'd'], edges: E('a>b b>c c>d a>d') }, { layerGap: 100, rowGap: 40 });
    const long = l.edges.find((e) => e.from === 'a' && e.to === 'd')!;
    expect(long.points.map((p) => p.x)).toEqual([0, 100, 200, 300]);
    for (const e of l.edges) for (let i = 1; i < e.points.length; i++) expect(e.points[i]!.x).toBeGreaterThan(e.points[i - 1]!.x);
    // The virtual points are in the layers but not among the nodes.
    expect(l.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(l.layers.flat().filter((id) => id.startsWith('\u0000'))).toHaveLength(2);
    expect(l.width).toBe(300);
  });

  it('orders layers to remove crossings that the name order has', () => {
    // By name, layer 1 is [x, y] but a (top) feeds y and b (bottom) feeds x: one crossing,
    // and the children of x and y repeat it.
    const input = { nodes: ['a', 'b', 'x', 'y', 'x1', 'y1'], edges: E('a>y b>x x>x1 y>y1') };
    expect(countCrossings([['a', 'b'], ['x', 'y'], ['x1', 'y1']], input.edges)).toBe(1);
    const l = layoutGraph(input);
    expect(l.crossings).toBe(0);
    expect(countCrossings(l.layers, input.edges)).toBe(0);
  });

  it('reduces crossings on a denser graph and never overlaps rows', () => {
    const nodes = ['s1', 's2', 's3', 's4', 'm1', 'm2', 'm3', 'm4', 'f1', 'f2', 'f3'];
    const edges = E('s1>m4 s2>m3 s3>m2 s4>m1 s1>m3 m4>f1 m3>f1 m1>f3 m2>f3 m2>f2 s4>f2');
    const naive = countCrossings([['s1', 's2', 's3', 's4'], ['m1', 'm2', 'm3', 'm4'], ['f1', 'f2', 'f3']], edges.filter(([a, b]) => !(a === 's4' && b === 'f2')));
    const l = layoutGraph({ nodes, edges }, { rowGap: 50 });
    expect(naive).toBeGreaterThan(5);
    expect(l.crossings).toBeLessThanOrEqual(1);
    const byLayer = new Map<number, number[]>();
    for (const n of l.nodes) byLayer.set(n.layer, [...(byLayer.get(n.layer) ?? []), n.y]);
    for (const ys of byLayer.values()) {
      const sorted = [...ys].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(50);
    }
    // order within a layer matches the vertical positions
    for (const n of l.nodes) for (const m of l.nodes) if (n.layer === m.layer && n.order < m.order) expect(n.y).toBeLessThan(m.y);
  });

  it('is deterministic, ignores unknown nodes, self loops and duplicate edges, and handles empty graphs', () => {
    const input = { nodes: ['b', 'a', 'c'], edges: [['a', 'b'], ['a', 'b'], ['b', 'b'], ['a', 'zz'], ['a', 'c']] as [string, string][] };
    expect(layoutGraph(input)).toEqual(layoutGraph({ ...input, nodes: ['c', 'b', 'a'] }));
    expect(layoutGraph(input).edges).toHaveLength(2);
    expect(layoutGraph({ nodes: [], edges: [] })).toMatchObject({ nodes: [], edges: [], width: 0, height: 0 });
  });

  it('serialises to a function the browser can run (same results)', () => {
    const rebuilt = new Function(`return (${createLayoutEngine.toString()})();`)() as ReturnType<typeof createLayoutEngine>;
    const input = { nodes: ['a', 'b', 'x', 'y', 'x1', 'y1'], edges: E('a>y b>x x>x1 y>y1 a>x1') };
    expect(rebuilt.layout(input)).toEqual(layoutGraph(input));
  });

  it('lays out a few hundred nodes (its speed is measured in bench/, not here)', () => {
    const nodes: string[] = [];
    const edges: [string, string][] = [];
    for (let l = 0; l < 8; l++) for (let i = 0; i < 40; i++) nodes.push(`n${l}_${i}`);
    for (let l = 1; l < 8; l++) for (let i = 0; i < 40; i++) for (const k of [i, (i * 7 + 3) % 40]) edges.push([`n${l - 1}_${k}`, `n${l}_${i}`]);
    const l = layoutGraph({ nodes, edges });
    expect(l.nodes).toHaveLength(320);
  });
});
