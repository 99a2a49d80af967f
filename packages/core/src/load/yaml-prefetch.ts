import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/*
 * Schema YAML read and parsed on another core while the main thread does something else (issue 17:
 * a cold load of 10,000 models spends ~10% of its time in js-yaml). A worker thread (yaml-worker.ts)
 * claims the files from the last; the main thread takes its answers when it reaches a file (waiting
 * for one the worker is parsing), and reads and parses itself every file the worker has not claimed
 * or could not hand back — so the data, warnings and errors are those of parsing on the main thread.
 * The load stays synchronous (claims by compare-and-swap, Atomics.wait, receiveMessageOnPort, as
 * parse-pool.ts); a worker that never answers is given up after WORKER_SILENCE_MS.
 */

/** Below this many bytes of schema YAML, starting a thread costs more than it saves. */
export const MIN_PREFETCH_BYTES = 256 * 1024;
const WORKER_SILENCE_MS = 30_000;
export const CLAIM_MAIN = 1;
export const CLAIM_WORKER = 2;

/** A file's answer: its text and loadYamlData's result, or not (the main thread does it). */
export type YamlAnswer = { readonly ok: true; readonly text: string; readonly data: unknown } | { readonly ok: false };

function workerFile(): string | undefined {
  // Built code only (dist/load/yaml-worker.js): run from TypeScript sources the main thread parses alone.
  const file = fileURLToPath(new URL('./yaml-worker.js', import.meta.url));
  return existsSync(file) ? file : undefined;
}

/**
 * For tests: `minBytes` 0 prefetches however small the files are; `waitForWorker` makes start() wait
 * until the worker has answered every file (so a test knows which thread parsed what); `taken` counts
 * the worker's answers used.
 */
export const yamlPrefetchHooks = { minBytes: MIN_PREFETCH_BYTES, waitForWorker: false, taken: 0 };

export class YamlPrefetch {
  private readonly index: Map<string, number>;
  private readonly claims: Int32Array;
  /** [0]: answers posted; [1]: 1 once the worker has stopped claiming. */
  private readonly progress: Int32Array;
  private readonly answers = new Map<number, YamlAnswer>();
  private abandoned = false;

  private constructor(
    files: readonly { readonly path: string; readonly display: string }[],
    private readonly worker: Worker,
    private readonly port: MessagePort,
    claims: Int32Array,
    progress: Int32Array,
  ) {
    this.index = new Map(files.map((f, i) => [f.path, i]));
    this.claims = claims;
    this.progress = progress;
  }

  /**
   * Starts parsing `files` (absolute path, and how errors name it) on a worker thread, or undefined when
   * it would not pay: one thread allowed (`threads` 1), one core, little YAML, or no built worker.
   */
  static start(files: readonly { readonly path: string; readonly display: string }[], threads: number | undefined): YamlPrefetch | undefined {
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
    const progress = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    let worker: Worker;
    try {
      worker = new Worker(file, { workerData: { files, claims, progress, port: port2 }, transferList: [port2] });
    } catch {
      return undefined;
    }
    worker.unref();
    worker.on('error', () => undefined); // seen as silence: the main thread parses what is left
    if (yamlPrefetchHooks.waitForWorker)
      for (const until = Date.now() + 120_000; Atomics.load(progress, 1) === 0 && Date.now() < until; ) Atomics.wait(progress, 1, 0, 200);
    return new YamlPrefetch(files, worker, port1, claims, progress);
  }

  /** Whether the worker has stopped (every file it claimed is answered): nothing left to wait for. */
  finished(): boolean {
    return this.abandoned || Atomics.load(this.progress, 1) === 1;
  }

  /** The worker's answer for the file at `path`, waiting while it parses it; undefined: read and parse it here. */
  take(path: string): { readonly text: string; readonly data: unknown } | undefined {
    const i = this.index.get(path);
    if (i === undefined || this.abandoned) return undefined;
    // Ours when the worker has not claimed it: the worker stops at the first file the main thread holds.
    if (Atomics.compareExchange(this.claims, i, 0, CLAIM_MAIN) !== CLAIM_WORKER) return undefined;
    let lastProgress = Atomics.load(this.progress, 0);
    let quietSince = Date.now();
    for (;;) {
      this.drain();
      const answer = this.answers.get(i);
      if (answer) {
        this.answers.delete(i);
        if (!answer.ok) return undefined;
        yamlPrefetchHooks.taken++;
        return answer;
      }
      Atomics.wait(this.progress, 0, lastProgress, 200);
      const now = Atomics.load(this.progress, 0);
      if (now !== lastProgress) (lastProgress = now), (quietSince = Date.now());
      else if (Date.now() - quietSince > WORKER_SILENCE_MS) {
        this.abandoned = true;
        return undefined;
      }
    }
  }

  /** Stops the worker (it may still be parsing files nobody will read). */
  close(): void {
    this.port.close();
    void this.worker.terminate();
  }

  private drain(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const [i, answer] = m.message as [number, YamlAnswer];
      this.answers.set(i, answer);
    }
  }
}
