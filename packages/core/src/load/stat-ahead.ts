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
 * The CLI starts it (before the bundle loads; this module imports nothing of tsdbt and the
 * bundle holds a second copy, so the state lives on globalThis, as adapter/chdb-ahead.ts's); a
 * resident process gives a thread it keeps each command it runs (restartStatAhead): the inputs of the load it
 * kept in memory (load/warm-memory.ts; sent to the thread once per kept scan) and a `compile`'s compiled files.
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
  /** [0]: the inputs' marks are all set, [1]: the compiled files' (or the worker gave up on them); [2]: stop (the command ended). */
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
export function startStatAhead(options: { readonly warmStart?: string; readonly compiledIndex?: string }): void {
  const setting = process.env.TSDBT_STAT_AHEAD;
  if (state[STATE] || setting === '0') return;
  if (setting !== '1' && setting !== 'wait' && options.compiledIndex === undefined) return;
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(12));
  try {
    const worker = statWorker({ ...options, port: port2, done }, [port2]);
    // A worker that cannot start or fails changes nothing: the main thread stats what is not marked.
    worker.on('error', () => giveUp(done));
  } catch {
    return;
  }
  state[STATE] = ahead(port1, done, setting);
}

/** A thread of stat-ahead-worker.ts. No flags of this process (--cpu-prof…), its environment shared, nothing piped: it only reads and stats. */
function statWorker(workerData: object, transferList: MessagePort[]): Worker {
  const worker = new Worker(new URL('./stat-ahead-worker.js', import.meta.url), { workerData, transferList, execArgv: [], env: SHARE_ENV, stdout: true, stderr: true });
  worker.unref();
  return worker;
}

/** Both lists done: the main thread stats what is not marked. */
function giveUp(done: Int32Array): void {
  Atomics.store(done, 0, 1);
  Atomics.store(done, 1, 1);
  Atomics.notify(done, 0);
  Atomics.notify(done, 1);
}

function ahead(port: MessagePort, done: Int32Array, setting: string | undefined): Ahead {
  return { port, done, wait: setting === 'wait', used: { inputs: 0, compiled: 0 } };
}

/** A resident process's thread, kept between its commands (a thread's start costs ~70 ms of CPU on this machine under load), its current job's `done`, and the kept scan it holds (its id). */
const KEPT = Symbol.for('tsdbt.statAheadKept');
const kept = globalThis as { [KEPT]?: { worker: Worker; job?: Int32Array; inputs?: number } };

/** Numbers per file in a saved scan's stats (load/input-fingerprint.ts STAT_FIELDS: this module imports nothing of tsdbt). */
const STAT_FIELDS = 4;

/** A saved stat scan as a resident process keeps it in memory (load/input-fingerprint.ts ScanColumns; positions are the marks'). */
export interface KeptInputs {
  readonly paths: string;
  readonly stats: Float64Array;
  readonly other: readonly (readonly [number, string])[];
}

/** The kept scans of a resident process (load/warm-memory.ts sets the look-up), each with an id the thread knows it by. */
const SCANS = Symbol.for('tsdbt.statAheadScans');
const scans = globalThis as { [SCANS]?: { readonly find: (warmStart: string) => KeptInputs | undefined; readonly ids: WeakMap<KeptInputs, number>; next: number } };

/** Where a resident process finds the scan it keeps for a warm-start file (undefined: it keeps none any more). */
export function findKeptInputs(find: ((warmStart: string) => KeptInputs | undefined) | undefined): void {
  if (find) scans[SCANS] = { find, ids: new WeakMap(), next: 1 };
  else delete scans[SCANS];
}

/** The id of a kept scan (given on first ask). */
function scanId(columns: KeptInputs): number | undefined {
  const known = scans[SCANS];
  if (!known) return undefined;
  let id = known.ids.get(columns);
  if (id === undefined) known.ids.set(columns, (id = known.next++));
  return id;
}

/**
 * A resident process's command (cli/resident/daemon.ts): the last command's job is stopped and the kept thread
 * (started with the first) given this one: the inputs of the load kept in memory for `warmStart` (load/warm-memory.ts:
 * the same scan the main thread compares, sent once per kept scan), then `compile`'s compiled files. The main thread
 * stats the inputs from the first as it always did and they meet; it reaches the compiled files after the load, the
 * selection and the compile memo, the thread stats them from the last meanwhile. Nothing to share: no job.
 */
export function restartStatAhead(options: { readonly compiledIndex?: string; readonly warmStart?: string }): void {
  endStatAhead();
  const setting = process.env.TSDBT_STAT_AHEAD;
  if (setting === '0') return;
  const columns = options.warmStart === undefined ? undefined : scans[SCANS]?.find(options.warmStart);
  const id = columns && scanId(columns);
  if (options.compiledIndex === undefined && id === undefined) return;
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(12));
  let inputs: SharedMarks | undefined;
  try {
    let held = kept[KEPT];
    if (!held) {
      const worker = statWorker({ kept: true }, []);
      held = kept[KEPT] = { worker };
      // A thread gone: its job's lists are given up, the next command starts another.
      const lost = () => {
        if (held!.job) giveUp(held!.job);
        if (kept[KEPT] === held) delete kept[KEPT];
      };
      worker.on('error', lost);
      worker.on('exit', lost);
    }
    held.job = done;
    // The inputs' marks made here, not by the thread: the main thread reaches the scan at once (no modules to load
    // first), and takes what the thread has marked by then without waiting for a message.
    inputs = id === undefined ? undefined : { file: options.warmStart!, identity: `kept:${id}`, marks: new Uint8Array(new SharedArrayBuffer(Math.max(columns!.stats.length / STAT_FIELDS, 1))), mainAt: new Int32Array(new SharedArrayBuffer(4)) };
    // The scan's ~10,000 paths cross to the thread only when it does not hold that scan yet.
    const keptInputs = inputs && { id, marks: inputs.marks, mainAt: inputs.mainAt, ...(held.inputs === id ? {} : { columns }) };
    held.worker.postMessage({ compiledIndex: options.compiledIndex, keptInputs, port: port2, done }, [port2]);
    if (id !== undefined) held.inputs = id;
  } catch {
    return;
  }
  state[STATE] = { ...ahead(port1, done, setting), ...(inputs ? { inputs } : {}) };
}

/** Stops the thread's current job (a command that stopped before its compiled files leaves it nothing to do) and forgets its answers. */
export function endStatAhead(): void {
  const current = state[STATE];
  if (!current) return;
  delete state[STATE];
  Atomics.store(current.done, 2, 1);
  current.port.close();
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

/** The marks of the scan a resident process keeps for warm start `file` (by position in `columns`), when its thread was given it. */
export function keptInputMarks(file: string, columns: KeptInputs): SharedMarks | undefined {
  const id = scans[SCANS]?.ids.get(columns);
  return id === undefined ? undefined : shared('inputs', file, `kept:${id}`);
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
