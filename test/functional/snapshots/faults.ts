import type { TsdbtProject } from '../../../packages/core/src/index.js';

/**
 * Fault injection on a project's warehouse client: every statement (command, query, querySync,
 * insertStream) is counted from arm() on. `fail`: statement k is refused (never sent). `die`:
 * statement k runs, then nothing reaches the warehouse any more — what a killed process leaves.
 */
export interface Faults {
  /** Statements seen since arm(). */
  readonly count: number;
  arm(at: number, mode: 'fail' | 'die' | 'count'): void;
  disarm(): void;
}

export async function injectFaults(project: TsdbtProject): Promise<Faults> {
  const client = (await project.adapter()).client as unknown as Record<string, (...args: unknown[]) => unknown>;
  let count = 0;
  let at = Infinity;
  let mode: 'fail' | 'die' | 'count' | undefined;
  const gate = (sql: unknown) => {
    if (!mode) return;
    count++;
    if (mode === 'count') return;
    if (mode === 'fail' && count === at) throw new Error(`injected failure of statement ${count}: ${String(sql).slice(0, 80)}`);
    if (mode === 'die' && count > at) throw new Error(`the process died after statement ${at}`);
  };
  for (const name of ['command', 'query', 'insertStream'] as const) {
    const original = client[name]!.bind(client);
    client[name] = (sql: unknown, ...rest: unknown[]) => {
      try {
        gate(sql);
      } catch (error) {
        return Promise.reject(error);
      }
      return original(sql, ...rest);
    };
  }
  const sync = client.querySync!.bind(client);
  client.querySync = (sql: unknown) => (gate(sql), sync(sql));
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
