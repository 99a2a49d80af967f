import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { setChdbAllocatorEnv } from './chdb-allocator.js';

/*
 * The embedded warehouse opened ahead, on another thread, while the main thread loads the project.
 *
 * Opening chDB is ~0.1 s of synchronous native work (loading the 566 MB libchdb.so, then starting the
 * in-process server on the data directory): on the main thread it came after the whole load, before
 * a command's first statement. chDB's server is one per process and shared by every connection to
 * the same directory, so a worker thread that opens a connection first leaves the main thread's own
 * connections (warehouse-client.ts) only a registry lookup; the worker then closes its connection.
 *
 * The worker never ends while the process runs: chDB's addon crashes the process when a worker
 * that loaded it is torn down (tried), while process exit with the worker alive is fine (tried:
 * normal end, process.exit, an uncaught error, during the open) — but not while the worker is
 * inside process.dlopen: the addon's Init then fails on the dying thread, a fatal error (exit 134;
 * `tsdbt run --threads abc` ended that way about every other time). So the worker marks its load in
 * shared memory, and the main thread, exiting, waits for a load in progress and stops any from
 * starting (exitAfterLoad). Its thread is unref'd, and the addon is loaded with RTLD_NODELETE so
 * nothing unloads the library under the main thread.
 *
 * Only the CLI starts it (startChdbAhead, before tsdbt's modules load, for commands that open the
 * warehouse); the path is sent once the target is known (openChdbAhead). This module imports nothing
 * of tsdbt: the CLI loads it on its own (`@tsdbt/core/chdb-ahead`) and the bundle holds a second
 * copy, so the state lives on globalThis.
 */

interface Ahead {
  readonly worker: Worker;
  /** The data directory sent to the worker, and its answer: opened (true) or not. */
  path?: string;
  opened?: Promise<boolean>;
  /** The main thread's connections exist (or the path was not wanted): the worker's is closed. */
  released?: boolean;
}

const STATE = Symbol.for('tsdbt.chdbAhead');
const state = globalThis as { [STATE]?: Ahead };

/** RTLD_NODELETE | RTLD_LAZY (glibc). */
const DLOPEN_FLAGS = 0x1000 | 0x1;

/** The worker: loads chDB's addon when asked to open, opens a connection, closes it when told. */
const WORKER_JS = `
const { parentPort, workerData } = require('node:worker_threads');
let native;
let conn;
// workerData.loading[0]: 0 idle, 1 loading the addon, 2 the process is exiting (load nothing more).
const loading = workerData.loading;
const load = () => {
  if (native) return;
  if (Atomics.compareExchange(loading, 0, 0, 1) !== 0) throw new Error('exiting');
  try {
    const m = { exports: {} };
    process.dlopen(m, workerData.addon, workerData.flags);
    native = m.exports;
  } finally {
    Atomics.store(loading, 0, 0);
    Atomics.notify(loading, 0);
  }
};
if (workerData.load) {
  try {
    load();
  } catch {}
}
parentPort.on('message', (msg) => {
  if (msg.open !== undefined) {
    try {
      load();
      conn = native.CreateConnection(msg.open);
      parentPort.postMessage({ opened: Boolean(conn) });
    } catch {
      parentPort.postMessage({ opened: false });
    }
  } else if (msg.close) {
    try {
      if (conn) native.CloseConnection(conn);
    } catch {}
    conn = undefined;
    parentPort.postMessage({ closed: true });
  }
});
`;

/** chDB's native addon for this platform (the file chdb's loader requires), or undefined where tsdbt does not open ahead. */
function addonPath(): string | undefined {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) return undefined;
  try {
    const chdb = createRequire(import.meta.url).resolve('chdb');
    return join(dirname(createRequire(chdb).resolve(`@chdb/lib-linux-${process.arch}-gnu`)), 'chdb_node.node');
  } catch {
    return undefined;
  }
}

/**
 * Starts the thread that will open the embedded warehouse (the CLI calls it first thing, for commands
 * that use the warehouse). With `load`, chDB's library is loaded right away, beside the loading of
 * tsdbt's modules (the CLI's guess that the target is chdb: a server target must not pay for it);
 * otherwise once a directory is to be opened. With `path`, that directory opens at once.
 */
export function startChdbAhead(options: { readonly load?: boolean; readonly path?: string } = {}): void {
  if (state[STATE] || process.env.TSDBT_NO_CHDB_AHEAD) return;
  const addon = addonPath();
  if (!addon) return;
  // Read by libchdb.so when it loads, on the worker (which shares this environment).
  setChdbAllocatorEnv();
  // No flags of this process (--import, --cpu-prof…), no copy of its environment, and no piping of the thread's
  // stdout/stderr into this process's streams (stream set-up on the main thread; the thread prints nothing — chDB's
  // native messages go to the file descriptors directly): the thread only opens chDB.
  const loading = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_JS, { eval: true, workerData: { addon, flags: DLOPEN_FLAGS, load: options.load === true, loading }, execArgv: [], env: SHARE_ENV, stdout: true, stderr: true });
  worker.unref();
  process.once('exit', () => exitAfterLoad(loading));
  // A worker that cannot start changes nothing: the main thread opens chDB as it would have.
  worker.on('error', () => {});
  state[STATE] = { worker };
  // The data directory, when the CLI could tell it before the project loads (tsdbt's default target).
  if (options.path !== undefined) openChdbAhead(options.path);
}

/** At process exit: waits for the worker's load of the addon if one is under way (at most 10 s), and keeps it from starting one. */
function exitAfterLoad(loading: Int32Array): void {
  for (let waited = 0; Atomics.compareExchange(loading, 0, 0, 2) === 1 && waited < 100; waited++) Atomics.wait(loading, 0, 1, 100);
}

/** Whether startChdbAhead started the worker (and it has opened nothing yet). */
export function chdbAheadStarted(): boolean {
  return state[STATE]?.path === undefined && state[STATE] !== undefined;
}

/** The worker's next answer. */
function answer<T>(worker: Worker): Promise<T> {
  return new Promise((done) => worker.once('message', done));
}

/** Opens the data directory `path` on the worker, if one was started and has opened nothing yet. */
export function openChdbAhead(path: string): void {
  const ahead = state[STATE];
  if (!ahead || ahead.path !== undefined) return;
  ahead.path = resolve(path);
  ahead.opened = answer<{ opened: boolean }>(ahead.worker).then((a) => a.opened);
  ahead.worker.postMessage({ open: ahead.path });
}

/**
 * Before the main thread opens `path`: waits for the worker's open of the same directory (the main
 * thread's connections then join its server) and returns the function to call once they exist; for
 * another directory, the worker's connection is closed first (one data directory per process).
 */
export async function chdbOpenedAhead(path: string): Promise<(() => void) | undefined> {
  const ahead = state[STATE];
  if (!ahead?.opened || ahead.released) return undefined;
  const opened = await ahead.opened;
  if (ahead.released) return undefined;
  const close = () => {
    if (ahead.released) return Promise.resolve();
    ahead.released = true;
    const closed = answer(ahead.worker);
    ahead.worker.postMessage({ close: true });
    return closed;
  };
  if (!opened) {
    ahead.released = true;
    return undefined;
  }
  if (ahead.path !== resolve(path)) {
    await close();
    return undefined;
  }
  return () => void close();
}
