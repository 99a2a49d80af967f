import { MessageChannel, receiveMessageOnPort, SHARE_ENV, Worker, type MessagePort } from 'node:worker_threads';

/*
 * The stat scans of a warm command shared with another thread, started while the main thread loads
 * tsdbt's modules (git's preloaded index, in spirit). A warm `ls` stats its 10,000 inputs (~15–20 %
 * of its main thread), a warm `compile` also its 25,000 compiled files (~25 %). The worker
 * (load/stat-ahead-worker.ts) reads the warm start the CLI guesses the command will use
 * (--project-dir, --target-path, the project file's literal target-path…) and then the compiled-file
 * index; for each it shares a byte per recorded file and stats them from the LAST, setting 1 where
 * the file still has the recorded stat (a plain file, not modified within the racy window). The main
 * thread walks from the first as it always did and skips the stat of a file marked 1; it never waits:
 * what the worker has not reached yet, it stats itself, and the worker stops where they meet.
 * A mark is used only for the file the main thread reads itself and only when that file is the one
 * the worker read (same inode, size, mtime and ctime: a warm start is replaced by rename or appended
 * to, the index written whole by rename… never in place) — so the records match position by position.
 * Only the CLI starts it (before the bundle loads; this module imports nothing of tsdbt and the
 * bundle holds a second copy, so the state lives on globalThis, as adapter/chdb-ahead.ts's).
 */

/** One recorded list shared with the worker: the file it read, a mark per record, where the main thread is. */
export interface SharedMarks {
  readonly file: string;
  readonly identity: string;
  /** Per record: 0 not known, 1 the same stat as recorded. */
  readonly marks: Uint8Array;
  /** [0]: the record the main thread has reached (the worker stops there). */
  readonly mainAt: Int32Array;
}

/** A mark: the file has the stat its record says (and is no racy one). */
export const SAME = 1;

interface Ahead {
  readonly port: MessagePort;
  /** [0]: the inputs' marks are all set, [1]: the compiled files' (or the worker gave up on them). */
  readonly done: Int32Array;
  /** TSDBT_STAT_AHEAD=wait: the main thread waits for the worker's marks (tests: a result that does not depend on timing). */
  readonly wait: boolean;
  inputs?: SharedMarks | null;
  compiled?: SharedMarks | null;
  /** Stats the main thread skipped (tests and benchmarks read them). */
  readonly used: { inputs: number; compiled: number };
}

const STATE = Symbol.for('tsdbt.statAhead');
const state = globalThis as { [STATE]?: Ahead };

/**
 * Starts the worker: `warmStart` is the warm start the command is guessed to read; `compiledIndex`, for
 * `compile`, the record of the compiled files. By default only for `compile`: measured side by side
 * (BENCHMARKS › "Issue 17 at the end of the tenth session"), a warm `ls` of the 10k project was slower with
 * the worker (0.80 vs 0.72 s wall, +0.16 s CPU: its start and its read of the warm start cost more than the
 * input stats it takes over), a warm `compile`, with 25,000 compiled files to stat as well, a little faster.
 * TSDBT_STAT_AHEAD=1 starts it for every command that loads a project, =wait also makes the main thread wait
 * for it (tests), =0 never. Nothing happens when one was started.
 */
export function startStatAhead(options: { readonly warmStart: string; readonly compiledIndex?: string }): void {
  const setting = process.env.TSDBT_STAT_AHEAD;
  if (state[STATE] || setting === '0') return;
  if (setting !== '1' && setting !== 'wait' && options.compiledIndex === undefined) return;
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(8));
  try {
    // No flags of this process (--cpu-prof…), its environment shared, nothing piped: the worker only reads and stats.
    const worker = new Worker(new URL('./stat-ahead-worker.js', import.meta.url), { workerData: { ...options, port: port2, done }, transferList: [port2], execArgv: [], env: SHARE_ENV, stdout: true, stderr: true });
    worker.unref();
    // A worker that cannot start or fails changes nothing: the main thread stats what is not marked.
    worker.on('error', () => {
      Atomics.store(done, 0, 1);
      Atomics.store(done, 1, 1);
    });
  } catch {
    return;
  }
  state[STATE] = { port: port1, done, wait: setting === 'wait', used: { inputs: 0, compiled: 0 } };
}

/** The list the worker shares for `file` (its fileIdentity as the main thread read it), if it has shared it yet (never waited for, but with TSDBT_STAT_AHEAD=wait); taken once. */
function shared(slot: 'inputs' | 'compiled', file: string, identity: string): SharedMarks | undefined {
  const ahead = state[STATE];
  if (!ahead) return undefined;
  if (ahead.wait) Atomics.wait(ahead.done, slot === 'inputs' ? 0 : 1, 0, 10_000);
  for (let m = receiveMessageOnPort(ahead.port); m; m = receiveMessageOnPort(ahead.port)) Object.assign(ahead, m.message);
  const got = ahead[slot];
  if (!got || got.file !== file || got.identity !== identity) return undefined;
  ahead[slot] = null;
  return got;
}

/** The marks of warm start `file`'s saved inputs (by position in its saved scan). */
export function aheadInputMarks(file: string, identity: string): SharedMarks | undefined {
  return shared('inputs', file, identity);
}

/** The marks of compiled-file index `file`'s records (by position). */
export function aheadCompiledMarks(file: string, identity: string): SharedMarks | undefined {
  return shared('compiled', file, identity);
}

/** Counts the stats the main thread skipped thanks to the marks. */
export function countUsed(slot: 'inputs' | 'compiled', n: number): void {
  const ahead = state[STATE];
  if (ahead) ahead.used[slot] += n;
}

/** How many stats the main thread skipped thanks to the worker in this process (tests). */
export function statAheadUsed(): Ahead['used'] | undefined {
  const used = state[STATE]?.used;
  return used && { ...used };
}
