import type { MessagePort } from 'node:worker_threads';
import type { RefCall } from '../manifest/nodes.js';
import type { DbtContextOptions } from '../render/dbt-context.js';
import type { LiteralRelations } from '../render/literal-relations.js';
import { Renderer, type MacroFile, type MacroSearchOptions } from '../render/renderer.js';
import { isPlainData } from './parse-cache.js';
import type { ParseJob } from './parse-pool.js';
import { renderParse } from './parse-sql-node.js';

/*
 * What a thread that renders for the main thread does (load/parse-pool.ts): builds the same Renderer
 * as the main thread and renders the jobs it claims, from the back, until it meets the main thread.
 * Answers are plain data; anything else is `{ ok: false }` and the main thread renders that file
 * itself. Run by parse-worker.ts (a pool's own thread) and by the schema YAML thread once its files
 * are done (yaml-worker.ts: the pool borrows it).
 */

/** What a worker needs to build the main thread's Renderer. */
export interface WorkerInit {
  readonly options: Omit<DbtContextOptions, 'onLog'>;
  readonly macroFiles: readonly MacroFile[];
  readonly search: MacroSearchOptions;
}

export type WorkerResult =
  | { readonly ok: false }
  | {
      readonly ok: true;
      readonly rendered: string;
      readonly refs: RefCall[];
      readonly sources: [string, string][];
      readonly configCalls: Record<string, unknown>[];
      readonly macrosUsed: string[];
      readonly usesWarehouse: boolean;
      readonly needsNames: boolean;
      readonly unrendered?: LiteralRelations;
      readonly reads: { vars: [string, string | undefined][]; env: [string, string | undefined][]; flags?: string; configKeys: string[] };
    };

/** The jobs of one pool, as a worker gets them. */
export interface JobSession {
  readonly port: MessagePort;
  /** One claim word per job (0 free, CLAIM_MAIN, CLAIM_WORKER). */
  readonly claims: Int32Array;
  /** [0]: results posted so far; [1]: workers ready. */
  readonly progress: Int32Array;
  readonly jobs: readonly ParseJob[];
}

export const CLAIM_MAIN = 1;
export const CLAIM_WORKER = 2;

/** The Renderer of `init`, or undefined when it cannot be built (the main thread's own reports the error). */
export function workerRenderer(init: WorkerInit): Renderer | undefined {
  try {
    return new Renderer({ ...init.options, onLog: () => undefined }, init.macroFiles, init.search);
  } catch {
    return undefined;
  }
}

function answer(renderer: Renderer, job: ParseJob): WorkerResult {
  try {
    const { parsed, reads } = renderParse(renderer, job.source, job.info);
    const { state } = parsed;
    if (reads.volatile || !isPlainData(state.configCalls) || !isPlainData(state.refs) || !isPlainData(state.sources) || !isPlainData(parsed.unrendered)) return { ok: false };
    return {
      ok: true,
      rendered: parsed.rendered,
      refs: state.refs,
      sources: state.sources,
      configCalls: state.configCalls,
      macrosUsed: [...state.macrosUsed],
      usesWarehouse: state.usesWarehouse,
      needsNames: state.needsNames,
      ...(parsed.unrendered ? { unrendered: parsed.unrendered } : {}),
      reads: { vars: [...reads.vars], env: [...reads.env], ...(reads.flags !== undefined ? { flags: reads.flags } : {}), configKeys: [...reads.configKeys] },
    };
  } catch {
    return { ok: false };
  }
}

/** Says the worker is ready, then renders the session's jobs it claims (from the last) until it meets the main thread. */
export function serveJobs(renderer: Renderer, session: JobSession): void {
  const { port, claims, progress, jobs } = session;
  Atomics.add(progress, 1, 1); // ready (parse-pool.ts parsePoolHooks)
  Atomics.notify(progress, 1);
  for (let i = jobs.length - 1; i >= 0; i--) {
    const was = Atomics.compareExchange(claims, i, 0, CLAIM_WORKER);
    if (was === CLAIM_WORKER) continue; // another worker's
    if (was !== 0) break; // the main thread got here
    port.postMessage([i, answer(renderer, jobs[i]!)]);
    Atomics.add(progress, 0, 1);
    Atomics.notify(progress, 0);
  }
  port.close();
}
