import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../packages/core/src/manifest/manifest.js';
import { generations } from '../../../packages/core/src/load/warm-update.js';

/* load/warm-update.ts generations(): each node's longest path from a root, in the order of the first implementation (Maps and Sets). */

/** The first implementation, as it was: the reference for depths and for the Map's order (saved in the warm start). */
function reference(nodes: Map<string, { dependsOn: string[] }>): Map<string, number> | undefined {
  const waiting = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const [id, node] of nodes) {
    const parents = new Set(node.dependsOn.filter((p) => nodes.has(p)));
    waiting.set(id, parents.size);
    for (const p of parents) (children.get(p) ?? children.set(p, []).get(p)!).push(id);
  }
  const depth = new Map<string, number>();
  const ready: string[] = [];
  for (const [id, n] of waiting) if (n === 0) (ready.push(id), depth.set(id, 0));
  while (ready.length) {
    const id = ready.pop()!;
    const d = depth.get(id)! + 1;
    for (const c of children.get(id) ?? []) {
      if ((depth.get(c) ?? -1) < d) depth.set(c, d);
      const left = waiting.get(c)! - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return [...waiting.values()].every((n) => n === 0) ? depth : undefined;
}

/** A seeded random project: nodes in shuffled order, 0–4 parents each (some twice, some not nodes). */
function project(n: number, seed: number, cycle = false): Map<string, { dependsOn: string[] }> {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ids = Array.from({ length: n }, (_, i) => `model.p.m${i}`);
  const deps = ids.map((_, i) => Array.from({ length: i === 0 ? 0 : Math.floor(rand() * 5) }, () => (rand() < 0.1 ? 'source.p.s.t' : ids[Math.floor(rand() * i)]!)));
  deps.forEach((d, i) => d.length > 1 && rand() < 0.2 && d.push(d[0]!));
  if (cycle) deps[1]!.push(ids[n - 1]!), deps[n - 1]!.push(ids[1]!);
  const order = ids.map((_, i) => i).sort(() => rand() - 0.5);
  return new Map(order.map((i) => [ids[i]!, { dependsOn: deps[i]! }]));
}

const of = (nodes: Map<string, { dependsOn: string[] }>) => generations({ nodes } as unknown as Manifest);

describe('generations', () => {
  it('gives the depths of the first implementation, in its order', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const nodes = project(800, seed);
      expect([...of(nodes)!]).toEqual([...reference(nodes)!]);
    }
    expect([...of(new Map())!]).toEqual([]);
  });

  it('is undefined for dependencies with a cycle', () => {
    const nodes = project(300, 7, true);
    expect(reference(nodes)).toBeUndefined();
    expect(of(nodes)).toBeUndefined();
    expect(of(new Map([['a', { dependsOn: ['a'] }]]))).toBeUndefined();
  });
});
