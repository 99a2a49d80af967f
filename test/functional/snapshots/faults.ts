import type { TsdbtProject } from '../../../packages/core/src/index.js';

/**
 * Fault injection on a project's warehouse client: every statement (command, query, querySync,
 * insertStream) is counted from arm() on. `fail`: statement k is refused (never sent). `die`:
 * statement k runs, then nothing reaches the warehouse any more — what a killed process leaves.
 * `lost`: statement k runs to its end, then the caller gets an error (a connection dropped after the
 * server did the work): a retry of a statement that wrote would count its rows twice.
 */
export interface Faults {
  /** Statements seen since arm(). */
  readonly count: number;
  arm(at: number, mode: FaultMode | 'count'): void;
  disarm(): void;
}

export type FaultMode = 'fail' | 'die' | 'lost';

export async function injectFaults(project: TsdbtProject): Promise<Faults> {
  const client = (await project.adapter()).client as unknown as Record<string, (...args: unknown[]) => unknown>;
  let count = 0;
  let at = Infinity;
  let mode: FaultMode | 'count' | undefined;
  /** Whether this statement's answer is to be lost (it runs first). */
  const gate = (sql: unknown): boolean => {
    if (!mode) return false;
    count++;
    if (mode === 'count') return;
    if (mode === 'fail' && count === at) throw new Error(`injected failure of statement ${count}: ${String(sql).slice(0, 80)}`);
    if (mode === 'die' && count > at) throw new Error(`the process died after statement ${at}`);
    return mode === 'lost' && count === at;
  };
  const lost = () => new Error(`injected: statement ${at} ran, its answer was lost (socket hang up)`);
  for (const name of ['command', 'query', 'insertStream'] as const) {
    const original = client[name]!.bind(client);
    client[name] = (sql: unknown, ...rest: unknown[]) => {
      let loses: boolean;
      try {
        loses = gate(sql);
      } catch (error) {
        return Promise.reject(error);
      }
      const answer = original(sql, ...rest) as Promise<unknown>;
      return loses ? answer.then(() => Promise.reject(lost())) : answer;
    };
  }
  const sync = client.querySync!.bind(client);
  client.querySync = (sql: unknown) => {
    const loses = gate(sql);
    const answer = sync(sql);
    if (loses) throw lost();
    return answer;
  };
  return {
    get count() {
      return count;
    },
    arm(k, m) {
      count = 0;
      at = k;
      mode = m;
    },
    disarm() {
      mode = undefined;
    },
  };
}
