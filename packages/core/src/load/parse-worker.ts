import { workerData, type MessagePort } from 'node:worker_threads';
import type { RefCall } from '../manifest/nodes.js';
import type { DbtContextOptions } from '../render/dbt-context.js';
import type { LiteralRelations } from '../render/literal-relations.js';
import { Renderer, type MacroFile, type MacroSearchOptions } from '../render/renderer.js';
import { isPlainData } from './parse-cache.js';
import type { ParseJob } from './parse-pool.js';
import { renderParse } from './parse-sql-node.js';

/*
 * A parse worker (load/parse-pool.ts): builds the same Renderer as the main thread and renders the
 * jobs it claims, from the back, until it meets the main thread. Answers are plain data; anything
 * else is `{ ok: false }` and the main thread renders that file itself.
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

const CLAIM_WORKER = 2;

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

function run(): void {
  const { init, port, claims, progress, jobs } = workerData as { init: WorkerInit; port: MessagePort; claims: Int32Array; progress: Int32Array; jobs: ParseJob[] };
  let renderer: Renderer;
  try {
    renderer = new Renderer({ ...init.options, onLog: () => undefined }, init.macroFiles, init.search);
  } catch {
    return; // the main thread renders everything (its own Renderer reports the error)
  }
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

run();
