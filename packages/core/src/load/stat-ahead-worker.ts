import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { deserialize } from 'node:v8';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { sameSavedStat, STAT_FIELDS } from './input-fingerprint.js';
import { fileIdentity, readLayout, readSavedInputs } from './warm-start-file.js';
import { SAME, type KeptInputs } from './stat-ahead.js';

/*
 * The thread of load/stat-ahead.ts: shares a mark per saved input of the warm start, then per
 * record of the compiled-file index, and stats each list from its last entry towards the main
 * thread's position, marking the files whose stat is the recorded one. Any failure leaves marks
 * unset (the main thread stats those itself), never a wrong one.
 */

/** One command's lists: `done` [0] inputs done, [1] compiled files done (set here), [2] stop (set by the main thread when its command ended). */
interface Job {
  readonly warmStart?: string;
  /** A resident process's load kept in memory: its scan (sent once: `columns` only when this thread does not hold scan `id` yet). */
  readonly keptInputs?: { readonly id: number; readonly marks: Uint8Array; readonly mainAt: Int32Array; readonly columns?: KeptInputs };
  readonly compiledIndex?: string;
  readonly port: MessagePort;
  readonly done: Int32Array;
}

/** Reads an open file whole. */
function whole(fd: number, size: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(size);
  return readSync(fd, bytes, 0, size, 0) === size ? bytes : undefined;
}

/** Shares `count` marks for `file` (as read: `identity`), then marks from the last record down to where the main thread is. */
function share({ port, done }: Job, slot: 'inputs' | 'compiled', file: string, identity: string, count: number, same: (k: number) => boolean): void {
  const marks = new Uint8Array(new SharedArrayBuffer(Math.max(count, 1)));
  const mainAt = new Int32Array(new SharedArrayBuffer(4));
  port.postMessage({ [slot]: { file, identity, marks, mainAt } });
  mark(done, marks, mainAt, count, same);
}

/** Marks from the last record down to where the main thread is (or until the command ends). */
function mark(done: Int32Array, marks: Uint8Array, mainAt: Int32Array, count: number, same: (k: number) => boolean): void {
  for (let k = count - 1; k >= 0 && Atomics.load(mainAt, 0) <= k && Atomics.load(done, 2) === 0; k--) if (same(k)) marks[k] = SAME;
}

/** The file at `path` is a plain one with these numbers. */
function statIs(path: string, check: (s: Stats) => boolean): boolean {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s !== undefined && s.isFile() && check(s);
  } catch {
    return false;
  }
}

function inputs(job: Job, warmStart: string): void {
  const fd = openSync(warmStart, 'r');
  try {
    const st = fstatSync(fd);
    const layout = readLayout(fd, st.size);
    if (typeof layout === 'string') return;
    const { scan } = readSavedInputs(fd, layout);
    const paths = scan.paths === '' ? [] : scan.paths.split('\0');
    if (scan.stats.length !== STAT_FIELDS * paths.length) return;
    const other = new Set(scan.other.map(([k]) => k));
    const now = Date.now();
    const { stats } = scan;
    share(job, 'inputs', warmStart, fileIdentity(st), paths.length, (k) => !other.has(k) && statIs(paths[k]!, (s) => sameSavedStat(s, stats, STAT_FIELDS * k, now)));
  } finally {
    closeSync(fd);
  }
}

/** The scan of the load a resident process keeps in memory, as last sent (its id, paths split, the positions of its fingerprints that are not plain stats). */
let keptScan: { readonly id: number; readonly paths: readonly string[]; readonly stats: Float64Array; readonly other: ReadonlySet<number> } | undefined;

/** A resident process's kept scan: its marks were shared with the job (the main thread made them). */
function keptInputs(job: Job, { id, marks, mainAt, columns }: NonNullable<Job['keptInputs']>): void {
  if (columns) {
    keptScan = undefined;
    const paths = columns.paths === '' ? [] : columns.paths.split('\0');
    if (columns.stats.length !== STAT_FIELDS * paths.length) return;
    keptScan = { id, paths, stats: columns.stats, other: new Set(columns.other.map(([k]) => k)) };
  }
  if (keptScan?.id !== id || marks.length < keptScan.paths.length) return;
  const { paths, stats, other } = keptScan;
  const now = Date.now();
  mark(job.done, marks, mainAt, paths.length, (k) => !other.has(k) && statIs(paths[k]!, (s) => sameSavedStat(s, stats, STAT_FIELDS * k, now)));
}

/** The last index read (a resident process's thread reads the same one for each warm compile: the file is replaced by rename whenever it changes). */
let lastIndex: { readonly file: string; readonly identity: string; readonly paths: readonly string[]; readonly stats: Float64Array } | undefined;

function compiled(job: Job, file: string): void {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    const identity = fileIdentity(st);
    if (lastIndex?.file !== file || lastIndex.identity !== identity) {
      lastIndex = undefined;
      const bytes = whole(fd, st.size);
      // compile/write-compiled.ts's index: the recorded paths (one text, newlines between) and each one's [size, mtimeMs].
      const index = bytes && (deserialize(bytes) as { paths?: unknown; stats?: unknown });
      if (!index || typeof index.paths !== 'string' || !(index.stats instanceof Float64Array)) return;
      const paths = index.paths === '' ? [] : index.paths.split('\n');
      if (index.stats.length !== 2 * paths.length) return;
      lastIndex = { file, identity, paths, stats: index.stats };
    }
    const { paths, stats } = lastIndex;
    share(job, 'compiled', file, identity, paths.length, (k) => statIs(paths[k]!, (s) => s.size === stats[2 * k] && s.mtimeMs === stats[2 * k + 1]));
  } finally {
    closeSync(fd);
  }
}

function run(job: Job): void {
  const { warmStart, compiledIndex, done } = job;
  const readInputs = () => (warmStart !== undefined ? inputs(job, warmStart) : job.keptInputs !== undefined && keptInputs(job, job.keptInputs));
  for (const [slot, step] of [readInputs, () => compiledIndex !== undefined && compiled(job, compiledIndex)].entries()) {
    try {
      step();
    } catch {
      // a missing or damaged file: no marks, the main thread stats as without this thread
    }
    Atomics.store(done, slot, 1);
    Atomics.notify(done, slot);
  }
}

// A command's own thread (one job, in workerData), or a resident process's, kept for its commands' jobs (load/stat-ahead.ts restartStatAhead).
if ((workerData as { kept?: boolean }).kept) parentPort!.on('message', run);
else run(workerData as Job);
