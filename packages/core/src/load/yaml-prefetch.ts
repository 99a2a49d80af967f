import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WorkerInit } from './parse-jobs.js';
import type { ParseLender } from './parse-pool.js';

/*
 * Schema YAML read and parsed on another core while the main thread does something else (issue 17:
 * a cold load of 10,000 models spends ~10% of its time in js-yaml). A worker thread (yaml-worker.ts)
 * claims the files from the last; the main thread takes its answers when it reaches a file (waiting
 * for one the worker is parsing), and reads and parses itself every file the worker has not claimed
 * or could not hand back — so the data, warnings and errors are those of parsing on the main thread.
 * The load stays synchronous (claims by compare-and-swap, Atomics.wait, receiveMessageOnPort, as
 * parse-pool.ts); a worker that never answers is given up after WORKER_SILENCE_MS.
 *
 * Then the same worker reads model files, the same way (claimed from the last, in batches; the main
 * thread claims from the first as it reads them): with the YAML parsed, the second core idled while
 * the main thread read the rest of 10,000 model files itself (~13% of its time). A file the worker
 * cannot read or decode is answered null and read again here, so errors are the main thread's.
 */

/** Below this many bytes of schema YAML, starting a thread costs more than it saves. */
export const MIN_PREFETCH_BYTES = 256 * 1024;
const WORKER_SILENCE_MS = 30_000;
export const CLAIM_MAIN = 1;
export const CLAIM_WORKER = 2;

/** A file's answer: its text and loadYamlData's result, or not (the main thread does it). */
export type YamlAnswer = { readonly ok: true; readonly text: string; readonly data: unknown } | { readonly ok: false };

/** What the worker posts: a YAML file's answer, or a batch of model files' texts (null: read it on the main thread). */
export type PrefetchMessage = readonly ['yaml', number, YamlAnswer] | readonly ['models', readonly number[], readonly (string | null)[]];

/** A file the worker reads: its absolute path, and how errors name it. */
export interface PrefetchFile {
  readonly path: string;
  readonly display: string;
}

/** Model files by folder (a project root and paths relative to it): the worker joins them, the main thread names them by index in this order. */
export type PrefetchModels = readonly { readonly dir: string; readonly rels: readonly string[] }[];

/**
 * Words shared with the worker (Int32Array indexes). Worker → main: answers and batches posted, YAML and
 * models done, its Renderer built (1) or not (2), or the worker gone (3). Main → worker: build the Renderer (1) or not (2),
 * sessions posted, stop.
 */
export const PROGRESS = { yamlPosted: 0, yamlDone: 1, modelsPosted: 2, modelsDone: 3, boot: 4, mail: 5, stop: 6, rendererReady: 7 } as const;

/** What the main thread posts to the worker: jobs of a parse pool to render with it (parse-jobs.ts JobSession). */
export type PrefetchMail = { readonly session: Parameters<ParseLender['lend']>[0] };

function workerFile(): string | undefined {
  // Built code only (dist/load/yaml-worker.js): run from TypeScript sources the main thread parses alone.
  const file = fileURLToPath(new URL('./yaml-worker.js', import.meta.url));
  return existsSync(file) ? file : undefined;
}

/**
 * For tests: `minBytes` 0 prefetches however small the files are; `waitForWorker` makes start() wait
 * until the worker has answered every file (so a test knows which thread parsed what); `taken` and
 * `modelsTaken` count the worker's answers used; `readAheadAll` keeps finished() false, so the load
 * reads every model file ahead (and decides on the worker's Renderer from all of them).
 */
export const yamlPrefetchHooks = { minBytes: MIN_PREFETCH_BYTES, waitForWorker: false, taken: 0, modelsTaken: 0, readAheadAll: false };

export class YamlPrefetch implements ParseLender {
  private readonly index: Map<string, number>;
  private readonly answers = new Map<number, YamlAnswer>();
  private readonly texts = new Map<number, string | null>();
  private abandoned = false;

  private constructor(
    files: readonly PrefetchFile[],
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly claims: Int32Array,
    private readonly modelClaims: Int32Array,
    /** PROGRESS's words: answers and batches posted, and whether the worker has stopped claiming. */
    private readonly progress: Int32Array,
  ) {
    this.index = new Map(files.map((f, i) => [f.path, i]));
  }

  /**
   * Starts parsing `files` (absolute path, and how errors name it) on a worker thread, then reading
   * `models` (in the order the main thread reads them), or undefined when it would not pay: one thread
   * allowed (`threads` 1), one core, little YAML, or no built worker.
   */
  static start(files: readonly PrefetchFile[], threads: number | undefined, models: PrefetchModels = [], init?: WorkerInit): YamlPrefetch | undefined {
    if (files.length === 0 || threads === 1 || (threads === undefined && availableParallelism() < 2)) return undefined;
    let bytes = 0;
    for (const f of files) {
      try {
        bytes += statSync(f.path).size;
      } catch {
        // read (and reported) by the main thread
      }
    }
    const file = bytes >= yamlPrefetchHooks.minBytes ? workerFile() : undefined;
    if (!file) return undefined;
    const claims = new Int32Array(new SharedArrayBuffer(4 * files.length));
    const modelClaims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, models.reduce((n, m) => n + m.rels.length, 0))));
    const progress = new Int32Array(new SharedArrayBuffer(4 * 8));
    const { port1, port2 } = new MessageChannel();
    let worker: Worker;
    try {
      worker = new Worker(file, { workerData: { files, models, claims, modelClaims, progress, port: port2, init }, transferList: [port2] });
    } catch {
      return undefined;
    }
    worker.unref();
    worker.on('error', () => undefined); // seen as silence: the main thread parses what is left
    if (yamlPrefetchHooks.waitForWorker)
      for (const word of [PROGRESS.yamlDone, PROGRESS.modelsDone])
        for (const until = Date.now() + 120_000; Atomics.load(progress, word) === 0 && Date.now() < until; ) Atomics.wait(progress, word, 0, 200);
    return new YamlPrefetch(files, worker, port1, claims, modelClaims, progress);
  }

  /**
   * Whether the worker, once its files are read, builds the main thread's Renderer to render model files
   * too (`start` given `init`): the main thread says so when the model files it read ahead need Jinja.
   */
  bootRenderer(yes: boolean): void {
    if (Atomics.compareExchange(this.progress, PROGRESS.boot, 0, yes ? 1 : 2) === 0) Atomics.notify(this.progress, PROGRESS.boot);
  }

  /** ParseLender: the worker renders the session's jobs after its files (false: it builds no Renderer, or failed to). */
  lend(session: PrefetchMail['session']): boolean {
    if (this.abandoned || Atomics.load(this.progress, PROGRESS.boot) !== 1 || Atomics.load(this.progress, PROGRESS.rendererReady) >= 2) return false;
    this.port.postMessage({ session } satisfies PrefetchMail, [session.port]);
    Atomics.add(this.progress, PROGRESS.mail, 1);
    Atomics.notify(this.progress, PROGRESS.mail);
    return true;
  }

  /** Whether the worker is done with the YAML (every file it claimed is answered): nothing left to wait for. */
  finished(): boolean {
    return this.abandoned || (Atomics.load(this.progress, PROGRESS.yamlDone) === 1 && !yamlPrefetchHooks.readAheadAll);
  }

  /**
   * The text of model file `i` (start's `models` in order) when the worker read it (waiting while it
   * reads its batch); undefined: the main thread reads it (now claimed here, so the worker stops before it).
   */
  modelText(i: number): string | undefined {
    if (this.abandoned || i >= this.modelClaims.length) return undefined;
    if (Atomics.compareExchange(this.modelClaims, i, 0, CLAIM_MAIN) !== CLAIM_WORKER) return undefined;
    const text = this.wait(PROGRESS.modelsPosted, () => this.texts.get(i));
    this.texts.delete(i);
    if (typeof text !== 'string') return undefined;
    yamlPrefetchHooks.modelsTaken++;
    return text;
  }

  /** The worker's answer for the file at `path`, waiting while it parses it; undefined: read and parse it here. */
  take(path: string): { readonly text: string; readonly data: unknown } | undefined {
    const i = this.index.get(path);
    if (i === undefined || this.abandoned) return undefined;
    // Ours when the worker has not claimed it: the worker stops at the first file the main thread holds.
    if (Atomics.compareExchange(this.claims, i, 0, CLAIM_MAIN) !== CLAIM_WORKER) return undefined;
    const answer = this.wait(PROGRESS.yamlPosted, () => this.answers.get(i));
    this.answers.delete(i);
    if (!answer?.ok) return undefined;
    yamlPrefetchHooks.taken++;
    return answer;
  }

  /** `found()` once the worker has posted it (watching the progress word `word`); undefined when the worker went silent. */
  private wait<T>(word: number, found: () => T | undefined): T | undefined {
    let lastProgress = Atomics.load(this.progress, word);
    let quietSince = Date.now();
    for (;;) {
      this.drain();
      const value = found();
      if (value !== undefined) return value;
      if (this.abandoned) return undefined;
      Atomics.wait(this.progress, word, lastProgress, 200);
      const now = Atomics.load(this.progress, word);
      if (now !== lastProgress) (lastProgress = now), (quietSince = Date.now());
      else if (Date.now() - quietSince > WORKER_SILENCE_MS) this.abandoned = true;
    }
  }

  /** Stops the worker (it may still be parsing files nobody will read). */
  close(): void {
    Atomics.store(this.progress, PROGRESS.stop, 1);
    Atomics.notify(this.progress, PROGRESS.boot);
    Atomics.notify(this.progress, PROGRESS.mail);
    this.port.close();
    void this.worker.terminate();
  }

  private drain(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const message = m.message as PrefetchMessage;
      if (message[0] === 'yaml') this.answers.set(message[1], message[2]);
      else for (let k = 0; k < message[1].length; k++) this.texts.set(message[1][k]!, message[2][k]!);
    }
  }
}
