import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which of the run's threads the work in progress belongs to (dbt's `thread_id`, `Thread-N`), kept
 * across awaits so renders and results deep in a runner know it without passing it down.
 */
const current = new AsyncLocalStorage<string>();

export function inThread<T>(thread: number, work: () => Promise<T>): Promise<T> {
  return current.run(`Thread-${thread}`, work);
}

/** The current thread's name; `MainThread` outside a run's threads (hooks, run-operation). */
export function threadName(): string {
  return current.getStore() ?? 'MainThread';
}
