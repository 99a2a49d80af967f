import { describe, expect, it } from 'vitest';
import { staleNodes } from '../../../packages/core/src/compile/compile-memo.js';

/* Which nodes a per-node compile memo must compile again when some nodes changed (compile/compile-memo.ts). */

// a → b → c → d, a → e(ephemeral) → f(ephemeral) → g → h; x alone
const edges: Record<string, string[]> = { a: ['b', 'e'], b: ['c'], c: ['d'], e: ['f'], f: ['g'], g: ['h'] };
const childrenOf = (ids: readonly string[]) => new Map(ids.map((id) => [id, edges[id] ?? []] as const));
const ephemeral = new Set(['e', 'f']);

describe('staleNodes', () => {
  it('the changed nodes and their children (a parent relation name is in their SQL), not grandchildren', () => {
    expect([...staleNodes(['b'], childrenOf, (id) => ephemeral.has(id))].sort()).toEqual(['b', 'c']);
  });

  it('below an ephemeral model, its children in turn (its SQL is inlined there), down to the first non-ephemeral', () => {
    expect([...staleNodes(['a'], childrenOf, (id) => ephemeral.has(id))].sort()).toEqual(['a', 'b', 'e', 'f', 'g']);
    expect([...staleNodes(['f', 'x'], childrenOf, (id) => ephemeral.has(id))].sort()).toEqual(['f', 'g', 'x']);
  });
});
