import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RenderNodeInfo } from '../render/render-state.js';
import type { WorkerInit, WorkerResult } from './parse-jobs.js';

/*
 * Parsing on the other cores (issue 17): a worker thread renders Jinja files while the main thread
 * renders others. The load stays synchronous: the jobs are shared up front; the main thread claims
 * them from the front, each worker from the back (one claim word per job, compare-and-swap), and
 * when the main thread reaches a job a worker claimed it blocks (Atomics.wait) until the result is
 * posted, reading it with receiveMessageOnPort. A worker is only an accelerator: a job it cannot
 * hand back as plain data (an error, a log, a value tsdbt objects carry) is rendered again on the
 * main thread — so errors, logs and their order are the main thread's — and a worker that stops
 * answering (or never starts) is given up after WORKER_SILENCE_MS: the main thread renders the rest.
 */

/** One file to render. */
export interface ParseJob {
  readonly source: string;
  readonly info: RenderNodeInfo;
}

/** Below this many Jinja files per thread, starting a worker (~0.1–0.3 s) costs more than it saves. */
export const MIN_JOBS_PER_THREAD = 150;
const WORKER_SILENCE_MS = 30_000;

/**
 * For tests: the pool waits until its workers are ready before the main thread claims a job, so a
 * test can count on workers taking part (otherwise a slow worker start leaves them nothing to do);
 * `started` / `borrowed` count the workers pools started and borrowed.
 */
export const parsePoolHooks = { waitForWorkers: false, started: 0, borrowed: 0 };

const CLAIM_MAIN = 1;
const CLAIM_WORKER = 2;

/** A thread of the load already running that can render a pool's jobs (the schema YAML thread once done: yaml-prefetch.ts). */
export interface ParseLender {
  /** Hands it a session (parse-jobs.ts JobSession, `port` its end of the results channel); false when it cannot take one. */
  lend(session: { readonly port: MessagePort; readonly claims: Int32Array; readonly progress: Int32Array; readonly jobs: readonly ParseJob[] }): boolean;
}

function workerFile(): string | undefined {
  // Built code only (dist/load/parse-worker.js): run from TypeScript sources there is no worker.
  const file = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  return existsSync(file) ? file : undefined;
}

/**
 * How many threads (main included) parse the files `sources`, given the option (a number: that many
 * when there are enough files; undefined: every core, at most 4, when the templates mostly differ).
 */
export function parseThreadsFor(sources: readonly string[], option: number | undefined): number {
  const most = Math.max(1, Math.floor(sources.length / MIN_JOBS_PER_THREAD));
  if (option !== undefined) return Math.max(1, Math.min(option, most));
  return most > 1 && mostlyDistinct(sources) ? Math.min(availableParallelism(), 4, most) : 1;
}

/** Templates per tag shape below which a worker is started by default. */
const SHARED_SHAPE_RUN = 4;
const SAMPLE = 256;
const TAG = /\{[{%][\s\S]*?[%}]\}/g;
const QUOTED = /'[^']*'|"[^"]*"/g;

/**
 * Whether few of `sources` share a template shape (on average fewer than SHARED_SHAPE_RUN per
 * shape). A worker compiles again every shape it meets, and renders of a shape the main thread has
 * compiled cost little more than handing a worker's answer over (render/jinja-compat/shared-code.ts,
 * source-shape.ts): a worker pays only when most templates are each compiled on their own. Estimated
 * from an evenly spaced sample keyed by its tags without string contents (close to the source-shape
 * key; only a policy, never a result): with r repeats among s sampled keys, about s²/2r shapes.
 */
export function mostlyDistinct(sources: readonly string[]): boolean {
  const n = sources.length;
  const s = Math.min(n, SAMPLE);
  const seen = new Set<string>();
  let repeats = 0;
  for (let j = 0; j < s; j++) {
    let key = '';
    for (const tag of sources[Math.floor((j * n) / s)]!.match(TAG) ?? []) key += `${tag.replace(QUOTED, "''")}\u0000`;
    if (seen.has(key)) repeats++;
    else seen.add(key);
  }
  const shapes = s === n ? seen.size : repeats === 0 ? Infinity : (s * s) / (2 * repeats);
  return shapes * SHARED_SHAPE_RUN > n;
}

/** Jobs shared with worker threads; `result(i)` is the worker's answer for a job the main thread did not claim. */
export class ParsePool {
  private readonly claims: Int32Array;
  /** [0]: results posted so far (workers add and notify); [1]: workers ready. */
  private readonly progress: Int32Array;
  private readonly results = new Map<number, WorkerResult>();
  /** Each worker's results port; `worker` undefined for a borrowed one (its lender stops it). */
  private readonly workers: { worker?: Worker; port: MessagePort }[] = [];
  private abandoned = false;

  /** `threads`: the main thread and the workers started for the pool; `lender`: one more, already running (it takes the place of one started). */
  constructor(jobs: readonly ParseJob[], init: WorkerInit, threads: number, lender?: ParseLender) {
    this.claims = new Int32Array(new SharedArrayBuffer(4 * jobs.length));
    this.progress = new Int32Array(new SharedArrayBuffer(8));
    let borrowed = 0;
    if (lender) {
      const { port1, port2 } = new MessageChannel();
      if (lender.lend({ port: port2, claims: this.claims, progress: this.progress, jobs })) {
        this.workers.push({ port: port1 });
        borrowed = 1;
        parsePoolHooks.borrowed++;
      } else port1.close();
    }
    const file = threads > 1 + borrowed ? workerFile() : undefined;
    for (let w = 1 + borrowed; file && w < threads; w++) {
      const { port1, port2 } = new MessageChannel();
      let worker: Worker;
      try {
        worker = new Worker(file, { workerData: { init, port: port2, claims: this.claims, progress: this.progress, jobs }, transferList: [port2] });
      } catch {
        break; // e.g. a value that cannot be sent to a thread: the main thread parses alone
      }
      worker.unref();
      // An error of the worker itself (not of a job: those are answers) is seen as silence.
      worker.on('error', () => undefined);
      this.workers.push({ worker, port: port1 });
      parsePoolHooks.started++;
    }
    if (parsePoolHooks.waitForWorkers)
      for (let ready = Atomics.load(this.progress, 1), until = Date.now() + 120_000; ready < this.workers.length && Date.now() < until; ready = Atomics.load(this.progress, 1))
        Atomics.wait(this.progress, 1, ready, 200);
  }

  /** Claims job `i` for the main thread; false when a worker already has it. */
  claim(i: number): boolean {
    return this.workers.length === 0 || this.abandoned || Atomics.compareExchange(this.claims, i, 0, CLAIM_MAIN) !== CLAIM_WORKER;
  }

  /** A worker's answer for job `i` (claimed by it), waiting for it; undefined: render it here. */
  result(i: number): WorkerResult | undefined {
    let lastProgress = Atomics.load(this.progress, 0);
    let quietSince = Date.now();
    for (;;) {
      const found = this.results.get(i);
      if (found) return (this.results.delete(i), found);
      if (this.abandoned) return undefined;
      if (this.drain()) continue;
      Atomics.wait(this.progress, 0, lastProgress, 200);
      const now = Atomics.load(this.progress, 0);
      if (now !== lastProgress) (lastProgress = now), (quietSince = Date.now());
      else if (Date.now() - quietSince > WORKER_SILENCE_MS) this.abandoned = true;
    }
  }

  /** Stops the workers (they may still be rendering jobs nobody will read). */
  close(): void {
    for (const { worker, port } of this.workers) {
      port.close();
      if (worker) void worker.terminate();
    }
  }

  private drain(): boolean {
    let got = false;
    for (const { port } of this.workers)
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const [i, result] = m.message as [number, WorkerResult];
        this.results.set(i, result);
        got = true;
      }
    return got;
  }
}
