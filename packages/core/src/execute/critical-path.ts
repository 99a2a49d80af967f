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

/**
 * Each unit's depth as dbt's GraphQueue scores nodes: its topological generation (0 for a unit that
 * waits on nothing, else one more than the deepest unit it waits on).
 */
export function unitDepths(units: readonly WorkUnit[]): Map<string, number> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const depth = new Map<string, number>();
  const visit = (id: string, path: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    path.add(id);
    let d = 0;
    for (const a of byId.get(id)!.after) if (byId.has(a) && !path.has(a)) d = Math.max(d, visit(a, path) + 1);
    path.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const u of units) visit(u.id, new Set());
  return depth;
}

/**
 * How ready units are ordered: `critical` — the highest first (unitHeights), equal heights in the
 * order they became ready (the plan's order at the start); `dbt` — dbt's GraphQueue order, the lowest
 * depth first, then by unique_id (a PriorityQueue of (score, unique_id)). With one thread the start
 * order is the whole schedule and costs no time, so it is dbt's: a project that reads a relation it
 * does not ref (a dictionary by name in dictGet, a table in a macro's query) and works on dbt's
 * one-thread default works here too.
 */
export type ReadyOrder = { readonly kind: 'critical'; readonly height: ReadonlyMap<string, number> } | { readonly kind: 'dbt'; readonly depth: ReadonlyMap<string, number> };

/** dbt's unique_id of a unit (a test batch is named after its first member). */
const uniqueIdOf = (unit: WorkUnit): string => unit.id.replace(/^batch:/, '');

/** Ready units in the given order (ReadyOrder). */
export class ReadyQueue<U extends WorkUnit> {
  /** `rank`: higher first (a height, or a negated depth). */
  private readonly heap: { unit: U; rank: number; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly order: ReadyOrder) {}

  get length(): number {
    return this.heap.length;
  }

  push(unit: U): void {
    const heap = this.heap;
    const rank = this.order.kind === 'critical' ? (this.order.height.get(unit.id) ?? 1) : -(this.order.depth.get(unit.id) ?? 0);
    heap.push({ unit, rank, seq: this.seq++ });
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
    if (x.rank !== y.rank) return x.rank > y.rank;
    if (this.order.kind === 'dbt') {
      const [xi, yi] = [uniqueIdOf(x.unit), uniqueIdOf(y.unit)];
      if (xi !== yi) return xi < yi;
    }
    return x.seq < y.seq;
  }
}
