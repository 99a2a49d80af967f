import type { WorkUnit } from './scheduler.js';

/**
 * Each unit's height: the number of units on the longest chain that starts with it and follows what waits on it
 * (a unit nothing waits on has height 1). The scheduler starts the highest ready unit first, so the chain that
 * decides how long the run takes is never queued behind work that nothing waits on (e.g. the tests of a leaf model
 * ahead of the tests that gate the next big model).
 */
export function unitHeights(units: readonly WorkUnit[], dependents: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const left = new Map(units.map((u) => [u.id, (dependents.get(u.id) ?? []).length]));
  const height = new Map(units.map((u) => [u.id, 1]));
  const sinks = units.filter((u) => left.get(u.id) === 0).map((u) => u.id);
  while (sinks.length > 0) {
    const id = sinks.pop()!;
    for (const a of byId.get(id)!.after) {
      if (!byId.has(a)) continue;
      height.set(a, Math.max(height.get(a)!, height.get(id)! + 1));
      const n = left.get(a)! - 1;
      left.set(a, n);
      if (n === 0) sinks.push(a);
    }
  }
  return height;
}

/** Ready units, highest first; equal heights in the order they became ready (the plan's order at the start). */
export class ReadyQueue<U extends WorkUnit> {
  private readonly heap: { unit: U; height: number; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly height: ReadonlyMap<string, number>) {}

  get length(): number {
    return this.heap.length;
  }

  push(unit: U): void {
    const heap = this.heap;
    heap.push({ unit, height: this.height.get(unit.id) ?? 1, seq: this.seq++ });
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  }

  shift(): U | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.before(l, m)) m = l;
        if (r < heap.length && this.before(r, m)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top.unit;
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.height !== y.height ? x.height > y.height : x.seq < y.seq;
  }
}
