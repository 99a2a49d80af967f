import { ReadyQueue, unitDepths, unitHeights } from './critical-path.js';

/** One schedulable piece of work: a node, or several tests run as one batch. */
export interface WorkUnit {
  readonly id: string;
  /** Units that must finish (successfully) before this one starts. */
  readonly after: readonly string[];
}

export type UnitOutcome = 'ok' | 'failed';

export interface ScheduleOptions<U extends WorkUnit> {
  readonly threads: number;
  readonly failFast: boolean;
  readonly signal?: AbortSignal;
  /** Runs a unit on a thread (1..threads, dbt's Thread-N); 'failed' skips every unit that waits on it. Must not throw. */
  readonly run: (unit: U, thread: number) => Promise<UnitOutcome>;
  /** Called for units that will never run because a unit they wait on failed or was skipped (not with failFast: those are left unrun). */
  readonly skip: (unit: U, because: string) => void;
  /** With failFast: called once, when the first failure stops the run (to cancel what is running). */
  readonly onFailFast?: (failed: U) => void;
}

/**
 * Runs units in dependency order, up to `threads` at a time, starting each as soon as all it
 * waits on have succeeded (not generation by generation); of the ready units, the one heading the
 * longest chain of waiting units first (critical-path.ts) — with one thread, dbt's order instead
 * (lowest depth, then unique_id). Returns true if it was stopped early.
 */
export async function schedule<U extends WorkUnit>(units: readonly U[], options: ScheduleOptions<U>): Promise<boolean> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const u of units) {
    const after = u.after.filter((a) => byId.has(a));
    waiting.set(u.id, after.length);
    for (const a of after) (dependents.get(a) ?? dependents.set(a, []).get(a)!).push(u.id);
  }
  const ready = new ReadyQueue<U>(options.threads <= 1 ? { kind: 'dbt', depth: unitDepths(units) } : { kind: 'critical', height: unitHeights(units, dependents) });
  for (const u of units) if (waiting.get(u.id) === 0) ready.push(u);
  const done = new Set<string>();
  let running = 0;
  let stopped = false;
  // Free thread numbers, lowest first: a unit runs on one, as dbt's Thread-N.
  const freeThreads = Array.from({ length: Math.max(1, options.threads) }, (_, i) => i + 1);

  return new Promise<boolean>((resolve) => {
    const finishIfIdle = () => {
      if (running === 0 && (ready.length === 0 || stopped)) resolve(stopped);
    };
    const skipTree = (id: string, because: string) => {
      for (const d of dependents.get(id) ?? []) {
        if (done.has(d)) continue;
        done.add(d);
        options.skip(byId.get(d)!, because);
        skipTree(d, because);
      }
    };
    const pump = () => {
      if (options.signal?.aborted) stopped = true;
      while (!stopped && running < options.threads && ready.length > 0) {
        const unit = ready.shift()!;
        if (done.has(unit.id)) continue;
        running++;
        const thread = freeThreads.shift() ?? running;
        // `run` must not throw; if it does anyway, the unit failed and the schedule still ends.
        void options.run(unit, thread).catch((): UnitOutcome => 'failed').then((outcome) => {
          running--;
          freeThreads.push(thread);
          freeThreads.sort((a, b) => a - b);
          done.add(unit.id);
          if (outcome === 'failed') {
            // --fail-fast: the units waiting on it are left unrun, as every other unit not started
            // (dbt reports them all alike: 'Skipping due to fail_fast'), not skipped for it.
            if (!options.failFast) skipTree(unit.id, unit.id);
            else if (!stopped) {
              stopped = true;
              options.onFailFast?.(unit);
            }
          } else {
            for (const d of dependents.get(unit.id) ?? []) {
              const left = waiting.get(d)! - 1;
              waiting.set(d, left);
              if (left === 0 && !done.has(d)) ready.push(byId.get(d)!);
            }
          }
          pump();
        });
      }
      finishIfIdle();
    };
    options.signal?.addEventListener('abort', () => {
      stopped = true;
      finishIfIdle();
    });
    pump();
  });
}
