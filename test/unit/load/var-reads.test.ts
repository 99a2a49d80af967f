import { describe, expect, it } from 'vitest';
import { applyVarReads, withVarReads } from '../../../packages/core/src/load/warm-vars-update.js';

/*
 * A warm start's var reads with its deltas applied (load/warm-start.ts decodeInternals): each
 * delta's records set or drop a render's reads and add to the reads outside renders — applied in
 * place to one copy (a copy of 25,000 records per delta cost ~0.3 s at 32 deltas).
 */
describe('var reads of a warm start with deltas', () => {
  const saved = () => ({ byRender: new Map<string, readonly string[]>([['model.p.a', ['x']], ['model.p.b', ['y']]]), global: new Set(['g']) });
  const deltas = [
    { byRender: [['model.p.a', null], ['model.p.c', ['z']]] as [string, readonly string[] | null][], global: ['h'] },
    { byRender: [['model.p.a', ['x2']]] as [string, readonly string[] | null][], global: ['g'] },
  ];

  it('applied in place gives what a copy per delta gives, and leaves no copy behind', () => {
    const own = saved();
    for (const d of deltas) expect(applyVarReads(own, d)).toBe(own);
    let copied: ReturnType<typeof withVarReads> = saved();
    for (const d of deltas) copied = withVarReads(copied, d);
    expect([...own.byRender]).toEqual([...copied.byRender]);
    expect([...own.global].sort()).toEqual(['g', 'h']);
    expect([...copied.global].sort()).toEqual(['g', 'h']);
    expect(own.byRender.get('model.p.a')).toEqual(['x2']);
  });

  it('withVarReads leaves the reads it is given as they were', () => {
    const before = saved();
    withVarReads(before, deltas[0]!);
    expect([...before.byRender]).toEqual([...saved().byRender]);
    expect([...before.global]).toEqual(['g']);
  });
});
