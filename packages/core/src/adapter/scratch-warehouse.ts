import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetConfig } from '../load/profiles.js';
import type { QueryTable } from '../render/render-state.js';
import { ConnectionError, DatabaseError } from '../shared/errors.js';
import { openSyncChannel, type SyncChannel } from './scratch-sync.js';
import { SCRATCH_SYNC_CLIENT_JS, SCRATCH_WORKER_JS } from './scratch-worker.js';
import { BASE_SETTINGS, type WarehouseClient } from './warehouse-client.js';
import { setChdbAllocatorEnv } from './chdb-allocator.js';

/** One statement's outcome in a batch: its text output, or ClickHouse's error. */
export type StatementResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: DatabaseError };

/**
 * An empty, throw-away ClickHouse for `tsdbt validate`: chDB in a child process of its own, on a
 * temporary data directory removed when it closes. A child process, because chDB binds one data
 * directory per process and the user's own chdb target may be open in this one (a library user, watch
 * mode); and because nothing the analysis does can then touch, lock or crash the user's warehouse.
 */
export interface ScratchWarehouse extends WarehouseClient {
  /** Runs `statements` in order on one session, stopping at the first failure (one round trip). */
  batch(statements: readonly string[], format?: string): Promise<StatementResult[]>;
  /** SETs `settings` on every session (those the engine does not know are left out). */
  configure(settings: Readonly<Record<string, unknown>>): Promise<void>;
}

interface Reply {
  readonly id: number;
  readonly results: readonly ({ ok: true; text: string } | { ok: false; message: string; code?: number })[];
}

const settingLiteral = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(Number(v)) : `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

/** chDB's `Query failed: Code: 47. DB::Exception: … (UNKNOWN_IDENTIFIER)` → DatabaseError(`Code: 47. …`). */
export function scratchError(message: string, code: number | undefined, sql: string): DatabaseError {
  const text = message.replace(/^\s*Query failed:\s*/, '').replace(/\s+$/, '');
  const parsed = Number(/Code: (\d+)\./.exec(text)?.[1] ?? code);
  return Object.assign(new DatabaseError('database_error', text), { clickhouseCode: Number.isFinite(parsed) ? parsed : undefined, sql });
}

const PREFIX = 'tsdbt-scratch-';

/**
 * Where scratch warehouses live: `TSDBT_SCRATCH_DIR`, else /dev/shm (a RAM disk: creating a table
 * writes files, slow on a disk that just freed many inodes), else the temporary folder.
 */
function scratchBase(): string {
  const chosen = process.env.TSDBT_SCRATCH_DIR;
  if (chosen) return chosen;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** Removes scratch directories whose process is gone (killed before it could clean up). */
function sweepDead(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^tsdbt-scratch-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(base, name), { recursive: true, force: true });
    }
  }
}

/**
 * Starts the scratch warehouse. `settings` are SET on its sessions (the target's, plus validate's
 * own); `sessions` run statements side by side (default: one per core, at most 4).
 */
export async function openScratchWarehouse(options: { settings?: Readonly<Record<string, unknown>>; schema?: string; sessions?: number } = {}): Promise<ScratchWarehouse> {
  const base = scratchBase();
  sweepDead(base);
  // The owner's pid in the name: a later run removes what a killed one left behind.
  const dir = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  const socketPath = process.platform === 'win32' ? `\\\\.\\pipe\\tsdbt-scratch-${randomUUID()}` : join(dir, 'socket');
  const chdbPath = createRequire(import.meta.url).resolve('chdb');
  // Answers in the shapes the target's client gives (64-bit integers as strings).
  const sessions = options.sessions ?? Math.min(4, availableParallelism());
  // Its chDB's allocator set up as this process's would be (chdb-allocator.ts).
  const env = { ...process.env };
  setChdbAllocatorEnv(env);
  const child = spawn(process.execPath, ['-e', SCRATCH_WORKER_JS, chdbPath, dir, socketPath, JSON.stringify(literals(BASE_SETTINGS)), String(sessions)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  try {
    await waitReady(child);
  } catch (error) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(socketPath, () => resolve(s));
    s.once('error', reject);
  });
  const scratch = scratchClient(child, socket, socketPath, dir, options.schema ?? 'default');
  if (options.settings) await scratch.configure(options.settings);
  return scratch;
}

const literals = (settings: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, settingLiteral(v)]));

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) =>
      reject(new ConnectionError('scratch_failed', `The scratch warehouse for validation did not start (exit ${code}): ${err.trim() || 'no message'}`, {
        hint: 'Check that chDB is installed (npm ci) and that the temporary directory is writable.',
      })),
    );
  });
}

function scratchClient(child: ChildProcess, socket: Socket, socketPath: string, dir: string, schema: string): ScratchWarehouse {
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let buffer = '';
  let closed = false;
  let sync: SyncChannel | undefined;
  const fail = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  // Idle, the scratch keeps no process alive (one started ahead of need, then never used, must not
  // hold the CLI open); while a request is out, the socket holds the event loop.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  socket.unref();
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const reply = JSON.parse(buffer.slice(0, nl)) as Reply;
      buffer = buffer.slice(nl + 1);
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
      if (pending.size === 0) socket.unref();
    }
  });
  const lost = () => fail(new ConnectionError('scratch_lost', 'The scratch warehouse for validation stopped', { hint: 'Run again with --debug; this is a bug if it repeats.' }));
  socket.on('error', lost);
  socket.on('close', lost);
  child.on('exit', lost);

  const send = (message: Record<string, unknown>): Promise<Reply> => {
    if (closed) return Promise.reject(new ConnectionError('scratch_closed', 'The scratch warehouse is closed'));
    const id = nextId++;
    return new Promise<Reply>((resolve, reject) => {
      if (pending.size === 0) socket.ref();
      pending.set(id, { resolve, reject });
      socket.write(JSON.stringify({ ...message, id }) + '\n');
    });
  };
  const request = (statements: readonly string[], format: string) => send({ statements, format });
  const batch = async (statements: readonly string[], format = 'JSONCompact'): Promise<StatementResult[]> => {
    const reply = await request(statements, format);
    return reply.results.map((r, i) => (r.ok ? { ok: true, text: r.text } : { ok: false, error: scratchError(r.message, r.code, statements[i]!) }));
  };
  const one = async (sql: string, format: string): Promise<string> => {
    const [r] = await batch([sql], format);
    if (!r) return '';
    if (!r.ok) throw r.error;
    return r.text;
  };
  const target: TargetConfig = {
    name: 'scratch',
    profileName: 'scratch',
    type: 'chdb',
    schema,
    path: join(dir, 'data'),
    host: '',
    port: 0,
    user: 'default',
    password: '',
    secure: false,
    settings: {},
    threads: 1,
    source: 'scratch',
  };
  return {
    target,
    // A child process on this machine: it reads this machine's files as the embedded engine does.
    embedded: true,
    batch,
    async configure(settings) {
      await send({ settings: literals(settings) });
    },
    async command(sql) {
      await one(sql, 'TabSeparated');
    },
    async query<T>(sql: string): Promise<T[]> {
      const text = await one(sql, 'JSONEachRow');
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as T);
    },
    async insertStream() {
      throw new DatabaseError('scratch_insert', 'The scratch warehouse holds no data');
    },
    querySync(sql): QueryTable {
      const line = JSON.stringify({ id: 0, statements: [sql], format: 'JSONCompact' });
      sync ??= openSyncChannel(socketPath);
      // A reply too long for the shared buffer comes through a short-lived child process instead.
      const out =
        sync.request(line) ??
        execFileSync(process.execPath, ['-e', SCRATCH_SYNC_CLIENT_JS, socketPath], { input: line, maxBuffer: 1024 * 1024 * 1024 }).toString();
      const reply = JSON.parse(out) as Reply;
      const r = reply.results[0];
      if (!r) return { columnNames: [], rows: [] };
      if (!r.ok) throw scratchError(r.message, r.code, sql);
      if (!r.text.trim()) return { columnNames: [], rows: [] };
      const json = JSON.parse(r.text) as { meta: { name: string }[]; data: unknown[][] };
      return { columnNames: json.meta.map((m) => m.name), rows: json.data };
    },
    async close() {
      if (closed) return;
      closed = true;
      sync?.close();
      fail(new ConnectionError('scratch_closed', 'The scratch warehouse is closed'));
      child.ref(); // until it is gone
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      socket.end(JSON.stringify({ stop: true }) + '\n');
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
