import { noteStatement } from './statement-log.js';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import type { TargetConfig } from '../load/profiles.js';
import { quoteIdentifier, sqlString } from '../render/placeholders.js';
import type { QueryTable } from '../render/render-state.js';
import { makeWritableDir } from '../shared/writable-dir.js';
import { splitStatements } from '../shared/sql-statements.js';
import { DEFAULT_SEND_RECEIVE_TIMEOUT, targetLabel, toWarehouseError } from './warehouse-errors.js';
import { httpQuerySync } from './http-query-sync.js';
import { withScopedSettings } from './statement-settings.js';
import { addQueryComment, type QueryComment } from './query-comment.js';
import { inlineFormatInsert, selectFromFile, spoolInsertData } from './insert-file.js';
import { hostForUrl } from './serve-endpoint.js';
import { DEFAULT_LIVENESS_TIMEOUT, ServerLiveness } from './server-liveness.js';
import { holdingEndpoint, warehouseHolder, warehouseLockedError } from './warehouse-lock.js';
import { chdbAheadStarted, chdbOpenedAhead, openChdbAhead } from './chdb-ahead.js';
import { setChdbAllocatorEnv } from './chdb-allocator.js';

export interface QueryOptions {
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly queryId?: string;
  readonly signal?: AbortSignal;
}

/**
 * The warehouse as the rest of tsdbt sees it. One implementation over @clickhouse/client serves
 * both the embedded engine (chDB's connection plugged into the client) and a server over HTTP.
 * This file is the only importer of @clickhouse/client and chdb.
 */
export interface WarehouseClient {
  readonly target: TargetConfig;
  /**
   * True when this process opened the embedded engine itself: statements run here, reading this
   * machine's files, and the process shares the warehouse with other tsdbt processes. False over
   * HTTP (a server, or the endpoint of the process holding the directory).
   */
  readonly embedded: boolean;
  command(sql: string, options?: QueryOptions): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, options?: QueryOptions): Promise<T[]>;
  /** Streams raw data (CSV, TSV, JSONEachRow…) into `table`. */
  insertStream(table: string, data: Readable, format: string, options?: QueryOptions): Promise<void>;
  /**
   * Blocking query for templates (run_query inside a render). `extra`: settings for this statement
   * only (dbt_semantics' for the node rendering it), beside the target's.
   */
  querySync(sql: string, extra?: Readonly<Record<string, string | number>>): QueryTable;
  /**
   * Makes `database` the default database of every later statement (tsdbt calls it with the
   * target's schema once that exists): a table named without its database is looked up there, as
   * in dbt-clickhouse, whose connections have the profile's schema as their database.
   */
  useDatabase?(database: string): void;
  /** Calls `listener` with every statement sent from now on, as written (before its query comment); caches of the warehouse's state use it. */
  observe?(listener: (sql: string) => void): void;
  close(): Promise<void>;
}

/** A setting's value as SET writes it. */
const settingLiteral = (v: unknown): string => (typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(v));

/** Settings chDB's connection does not SET (HTTP-only, or a chDB query option): nothing to put back. */
const CHDB_NOT_SET = new Set(['wait_end_of_query', 'send_progress_in_http_headers', 'http_response_buffer_size', 'http_headers_progress_interval_ms', 'http_send_progress_interval_ms', 'enable_http_compression', 'http_zlib_compression_level', 'http_response_compression_method', 'http_native_compression_disable_checksumming_on_decompress', 'default_format']);

/** A server's answer to several statements in one query (none of them runs). */
const MULTI_STATEMENTS = 'Code: 62. DB::Exception: Syntax error (Multi-statements are not allowed): none of the statements ran. Run each statement with its own statement() / run_query() call. (SYNTAX_ERROR)';

/** Settings sent with every statement so both targets answer in the same shapes. */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  output_format_json_quote_64bit_integers: 1,
};

/** Failures reach the user as tsdbt errors; the client's own logging would print each one again, with its stack, to stderr. */
const clientLog = (client: typeof import('@clickhouse/client')) => ({ level: client.ClickHouseLogLevel.OFF });

/**
 * A warehouse library as one bundled file beside the build (scripts/bundle-core.mjs: one module for
 * Node's loader instead of dozens), else the installed package (running from the sources).
 */
function bundledOr<T>(file: string, load: () => Promise<T>): Promise<T> {
  const bundle = new URL(`../${file}`, import.meta.url);
  return existsSync(bundle) ? Promise.resolve(createRequire(import.meta.url)(fileURLToPath(bundle)) as T) : load();
}

/** The client library is loaded when a connection is opened (commands that need none start faster). */
const loadClient = () => bundledOr('warehouse-client-lib.cjs', () => import('@clickhouse/client'));

/** chDB is a large native library: load it only when a chdb target is opened. */
async function loadChdb() {
  setChdbAllocatorEnv();
  const [{ Session }, { createChdbConnection }] = await Promise.all([import('chdb'), bundledOr('warehouse-chdb-lib.cjs', () => import('chdb/connection'))]);
  return { Session, createChdbConnection };
}

/** Shares the embedded warehouse this process opened with other tsdbt processes; returns how to stop. */
export type ShareWarehouse = () => Promise<() => Promise<void>>;

export interface OpenWarehouseOptions {
  readonly poolSize?: number;
  /**
   * Server targets: every statement's query_id starts with `<prefix>-`, so other runs can see in
   * system.processes that a statement of this run is still running (temporaries.ts).
   */
  readonly queryIdPrefix?: string;
  /** Called when this process opens a chdb directory itself (also later, taking over from a holder that ended). */
  readonly share?: ShareWarehouse;
  /** dbt's query comment of the statement being sent (adapter/query-comment.ts): put on every statement. */
  readonly queryComment?: () => QueryComment | undefined;
  /** Sees every statement as sent (with its comment): dbt's debug log of SQL (`On <connection>: <sql>`). */
  readonly onStatement?: (sql: string, connection: string) => void;
  /**
   * After an abort, while statements it KILLed have not ended yet (one queued for an engine thread, an
   * OPTIMIZE, a DDL waiting for a lock): called once after STOPPING_NOTICE_MS, then every STOPPING_PROGRESS_MS.
   */
  readonly onStopping?: (running: number, waitedMs: number) => void;
}

/** How long a stopped run waits for its KILLed statements before it says so (most end within a tick). */
export const STOPPING_NOTICE_MS = 1_000;
/** Then how often it says it still waits. */
export const STOPPING_PROGRESS_MS = 10_000;

type Chdb = Awaited<ReturnType<typeof loadChdb>>;
/** A statement's options as sent: `cancel`, the run's signal where `signal` is only the liveness check's (a forwarded statement). */
type SendOptions = QueryOptions & { readonly cancel?: AbortSignal };

/**
 * Where statements go: this process's own chDB connections (it holds the directory), the endpoint
 * of the tsdbt process that holds it (`forwarded`), or a server.
 */
interface Route {
  readonly conn: TargetConfig;
  readonly forwarded: boolean;
  readonly clients: ClickHouseClient[];
  readonly inFlight: number[];
  readonly chdb?: Chdb;
  readonly unshare?: () => Promise<void>;
  /** Over HTTP: whether the other end still answers while statements run. */
  readonly liveness?: ServerLiveness;
  /** This process's chDB connections: the database each one's session was last switched to (`USE`). */
  readonly usedDatabase?: (string | undefined)[];
}

/** No connection could be made: nothing was sent, the statement may go elsewhere. */
function refused(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return e?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNREFUSED';
}

/** The connection went away (refused, reset, hung up): the holder may have ended. */
function connectionLost(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = String(e?.code ?? e?.cause?.code ?? '');
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|UND_ERR_SOCKET)$/.test(code) || /socket hang up|other side closed/i.test(String(e?.message ?? ''));
}

async function openRoute(target: TargetConfig, settings: ClickHouseSettings, poolSize: number, share: ShareWarehouse | undefined): Promise<Route> {
  const path = target.path!;
  // A chdb data directory held by another tsdbt process is reached over that process's endpoint,
  // with the token from its endpoint file as the password.
  let served = target.type === 'chdb' ? await holdingEndpoint(path) : undefined;
  const clientLib = await loadClient();
  const { createClient } = clientLib;
  const CLIENT_LOG = clientLog(clientLib);
  if (target.type === 'chdb' && !served) {
    // Opened on the CLI's thread meanwhile (chdb-ahead.ts): these connections join its server.
    const joined = await chdbOpenedAhead(path);
    let chdb: Chdb;
    // One chDB connection runs one statement at a time; connections on the same path run side by side.
    const clients: ClickHouseClient[] = [];
    try {
      chdb = await loadChdb();
      // A data directory that cannot be written fails here, saying which, not inside chDB.
      makeWritableDir(path, { what: `the chdb path of target '${target.name}'`, file: target.source === 'default' ? undefined : target.source });
      try {
        for (let i = 0; i < poolSize; i++) clients.push(createClient({ connection: chdb.createChdbConnection({ path }) as never, clickhouse_settings: settings, log: CLIENT_LOG }));
      } catch (error) {
        await Promise.all(clients.map((c) => c.close().catch(() => {})));
        // Another process took the directory between our look and our open: go through it if it shares.
        served = await holdingEndpoint(path).catch(() => undefined);
        if (!served) throw warehouseLockedError(path, warehouseHolder(path), error);
      }
    } finally {
      // This process's connections hold the server now: the thread's own connection is not needed.
      joined?.();
    }
    if (!served) {
      // The endpoint starts beside this process's first statements, not before them (a process that
      // finds the directory locked waits for the holder's endpoint: warehouse-lock.ts holdingEndpoint).
      const sharing = share?.();
      sharing?.catch(() => {});
      const unshare = sharing && (async () => (await sharing)());
      return { conn: target, forwarded: false, clients, inFlight: clients.map(() => 0), chdb, unshare, usedDatabase: clients.map(() => undefined) };
    }
  }
  const conn: TargetConfig = served ? { ...target, type: 'clickhouse', host: served.host, port: served.port, secure: false, password: served.token } : target;
  const client = createClient({
    log: CLIENT_LOG,
    url: `${conn.secure ? 'https' : 'http'}://${conn.host.includes(':') ? `[${conn.host}]` : conn.host}:${conn.port}`,
    username: conn.user,
    password: conn.password,
    clickhouse_settings: settings,
    max_open_connections: Math.max(poolSize, 2),
    // Seconds a statement may go without a byte from the server (dbt-clickhouse's name); a frozen server is caught sooner by the liveness check.
    request_timeout: (target.sendReceiveTimeout ?? DEFAULT_SEND_RECEIVE_TIMEOUT) * 1000,
  });
  const pingUrl = `${conn.secure ? 'https' : 'http'}://${hostForUrl(conn.host)}:${conn.port}/ping`;
  const liveness = new ServerLiveness(pingUrl, (target.livenessTimeout ?? DEFAULT_LIVENESS_TIMEOUT) * 1000, targetLabel(conn));
  return { conn, forwarded: served !== undefined, clients: [client], inFlight: [0], liveness };
}

/**
 * Starts opening a chdb target's data directory on the thread the CLI started for it (chdb-ahead.ts),
 * while the project loads: only a directory that exists (a command that ends up sending nothing must
 * not create it) and that no other process holds (that one's endpoint is used instead).
 */
export function openWarehouseAhead(target: TargetConfig): void {
  if (!chdbAheadStarted() || target.type !== 'chdb' || !target.path || !existsSync(target.path) || warehouseHolder(target.path)) return;
  openChdbAhead(target.path);
}

async function closeRoute(route: Route): Promise<void> {
  await route.unshare?.().catch(() => {});
  await Promise.all(route.clients.map((c) => c.close()));
}

export async function openWarehouse(target: TargetConfig, options: OpenWarehouseOptions = {}): Promise<WarehouseClient> {
  const settings = { ...BASE_SETTINGS, ...target.settings } as ClickHouseSettings;
  const poolSize = Math.max(1, options.poolSize ?? target.threads);
  let route = await openRoute(target, settings, poolSize, options.share);
  let rerouting: Promise<void> | undefined;
  /**
   * The process this one went through ended (its endpoint refuses or dropped us): find the
   * warehouse again — another holder's endpoint, or the directory itself, now free.
   */
  const reroute = (failed: Route): Promise<void> => {
    if (route !== failed) return Promise.resolve();
    rerouting ??= (async () => {
      try {
        const next = await openRoute(target, settings, poolSize, options.share);
        route = next;
        await closeRoute(failed).catch(() => {});
      } finally {
        rerouting = undefined;
      }
    })();
    return rerouting;
  };
  /**
   * The default database of statements (dbt-clickhouse: the profile's schema): the target's schema
   * when it exists at connection, or once tsdbt created it (useDatabase). chDB sessions switch with
   * `USE` before their next statement; over HTTP it is the `database` URL parameter.
   */
  let defaultDatabase: string | undefined;
  let syncDatabase: string | undefined;
  let syncSession: InstanceType<Chdb['Session']> | undefined;
  /** chDB's blocking session (run_query in templates, KILL): the target's settings SET once. */
  const syncChdb = () => {
    if (!syncSession) {
      syncSession = new route.chdb!.Session(target.path!);
      for (const [k, v] of Object.entries(settings)) syncSession.query(`SET ${k} = ${settingLiteral(v)}`, 'CSV');
    }
    return syncSession;
  };

  /**
   * Runs `fn` on the least busy client of the current route. chDB's connection applies a
   * statement's own `settings` with SET on its session, where they would stay for every later
   * statement of that connection (a seed's `format_csv_delimiter` read the next CSV): they are put
   * back to their defaults right after. The target's settings need no care: every statement sends them.
   */
  const onRoute = async <T>(r: Route, fn: (c: ClickHouseClient) => Promise<T>, settings?: Readonly<Record<string, unknown>>): Promise<T> => {
    let best = 0;
    for (let i = 1; i < r.clients.length; i++) if (r.inFlight[i]! < r.inFlight[best]!) best = i;
    r.inFlight[best]!++;
    const client = r.clients[best]!;
    try {
      const db = defaultDatabase;
      if (db !== undefined && r.usedDatabase && r.usedDatabase[best] !== db) {
        await client.command({ query: `USE ${quoteIdentifier(db)}` });
        r.usedDatabase[best] = db;
      }
      return await fn(client);
    } finally {
      const scoped = r.conn.type === 'chdb' && settings ? Object.keys(settings).filter((k) => settings[k] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !CHDB_NOT_SET.has(k)) : [];
      if (scoped.length) await client.command({ query: `SET ${scoped.map((k) => `${k} = DEFAULT`).join(', ')}` }).catch(() => {});
      r.inFlight[best]!--;
    }
  };
  /**
   * Runs `fn`; through another process, a lost connection re-finds the warehouse for the next
   * statement, and a refused one (nothing was sent) runs `fn` again there when it may be repeated.
   */
  const withClient = async <T>(fn: (c: ClickHouseClient) => Promise<T>, repeatable = true, settings?: Readonly<Record<string, unknown>>): Promise<T> => {
    if (rerouting) await rerouting;
    const r = route;
    try {
      return await onRoute(r, fn, settings);
    } catch (error) {
      if (!r.forwarded || !connectionLost(error)) throw error;
      await reroute(r);
      if (!repeatable || !refused(error)) throw error;
      return onRoute(route, fn, settings);
    }
  };
  // chDB cannot interrupt a call: an abort signal given to its client only stops the waiting, the
  // statement runs on in the engine — a CREATE … AS SELECT still queued for one of libuv's threads
  // at Ctrl-C started after the run had dropped its temporaries and closed, and left its table. So
  // chDB statements are sent without the signal: they carry a marker comment, an abort KILLs them
  // (found in system.processes by marker), and each one's promise settles only when the engine has
  // really stopped it; the run's cleanup comes after. The KILL goes through the synchronous session
  // (async statements share libuv's threads, which the statements to kill may all be holding); a
  // statement still queued for a thread starts later, so the KILL is repeated every 100 ms until
  // every marked statement has ended. The same holds for statements forwarded to the endpoint of the
  // tsdbt process holding the directory: closing the request only stopped the holder's waiting, the
  // statement ran on there (a pre-hook's INSERT wrote its rows 25 s after the run said it stopped).
  // They are marked too, and KILLed through the endpoint (its token may: serve/access.ts admin). And so
  // are a server's: ClickHouse runs a write on when its HTTP request is closed (18.16: an INSERT … SELECT
  // wrote its rows 8 s after the abort; cancel_http_readonly_queries_on_client_close is for reads) —
  // unless the KILL itself is refused (a user without the grant, a TLS setup fetch cannot reach):
  // then the request is aborted, as before.
  const running = new Map<string, { readonly signal: AbortSignal; readonly fallback: AbortController }>();
  const watchedSignals = new WeakSet<AbortSignal>();
  let closed = false;
  const killMarked = (markers: readonly string[]) => {
    if (closed) return;
    // concat(): the KILL statement's own text must not contain a marker it looks for.
    const where = markers.map((m) => `position(query, concat('/* tsdbt:', '${m}')) > 0`).join(' OR ');
    const kill = `KILL QUERY WHERE ${where} ASYNC`;
    if (route.conn.type !== 'chdb') {
      // A request of its own (the client's connections may all be held by the statements to kill), never aborted.
      const { host, port, user, password, secure } = route.conn;
      const giveUp = () => {
        for (const m of markers) running.get(m)?.fallback.abort();
      };
      void fetch(`${secure ? 'https' : 'http'}://${hostForUrl(host)}:${port}/`, { method: 'POST', body: kill, headers: { 'X-ClickHouse-User': user ?? 'default', 'X-ClickHouse-Key': password ?? '' } })
        .then(async (res) => {
          await res.text();
          if (!res.ok) giveUp();
        })
        .catch(giveUp);
      return;
    }
    try {
      syncChdb().query(kill, 'JSONCompact');
    } catch {
      // Best effort: the statements end at the latest when they finish.
    }
  };
  const onAbort = (signal: AbortSignal) => {
    const markers = [...running].filter(([, r]) => r.signal === signal).map(([m]) => m);
    if (markers.length === 0) return;
    killMarked(markers);
    const since = Date.now();
    let noticeAt = since + STOPPING_NOTICE_MS;
    const timer = setInterval(() => {
      const left = markers.filter((m) => running.has(m));
      if (closed || left.length === 0) {
        clearInterval(timer);
        return;
      }
      killMarked(left);
      const now = Date.now();
      if (now < noticeAt) return;
      noticeAt = now + STOPPING_PROGRESS_MS;
      try {
        options.onStopping?.(left.length, now - since);
      } catch {
        // A listener's failure never changes how statements are stopped.
      }
    }, 100);
    timer.unref();
  };
  const markForCancel = (sql: string, signal: AbortSignal | undefined): { sql: string; done: () => void; fallback?: AbortSignal } => {
    // Nothing is sent once the run was aborted (chDB would start it, then only stop waiting).
    signal?.throwIfAborted();
    if (!signal) return { sql, done: () => {} };
    const marker = randomUUID();
    const fallback = new AbortController();
    running.set(marker, { signal, fallback });
    if (!watchedSignals.has(signal)) {
      watchedSignals.add(signal);
      signal.addEventListener('abort', () => onAbort(signal), { once: true });
    }
    return { sql: `/* tsdbt:${marker} */ ${sql}`, done: () => running.delete(marker), fallback: fallback.signal };
  };
  // Every statement gets its id here (chDB's connection echoes it): the statement log notes it for run_results' adapter_response.query_id.
  const queryId = (o?: QueryOptions) => o?.queryId ?? (route.conn.type === 'clickhouse' && options.queryIdPrefix ? `${options.queryIdPrefix}-${randomUUID()}` : randomUUID());
  const withQueryId = (o: QueryOptions | undefined): QueryOptions => ({ ...o, queryId: queryId(o) });
  // Statements on a server fail clearly when it stops answering (frozen), instead of waiting forever.
  // A request is aborted by the liveness check, or when the KILL of Ctrl-C was refused (`fallback`), not by Ctrl-C
  // itself (it KILLs the statement by marker); nothing is sent after Ctrl-C all the same (params: `cancel`).
  const watched = <T>(o: QueryOptions | undefined, fallback: AbortSignal | undefined, work: (o: SendOptions | undefined) => Promise<T>): Promise<T> => {
    const liveness = route.liveness;
    if (!liveness) return work(o);
    return liveness.watch(fallback, (signal) => work({ ...o, signal, cancel: o?.signal }));
  };
  /** Per-statement settings; over HTTP also the default database (a URL parameter ClickHouse reads as such, not as a setting). */
  const withDatabase = (settings: Readonly<Record<string, unknown>> | undefined): ClickHouseSettings | undefined =>
    (defaultDatabase !== undefined && route.conn.type === 'clickhouse' ? { ...settings, database: defaultDatabase } : settings) as ClickHouseSettings | undefined;
  /**
   * A statement's parameters, made right before it is sent: nothing is sent once the run was aborted
   * (it may have waited for a connection meanwhile). chDB's statements go without the signal (KILLed instead, see above).
   */
  const params = (sql: string, o?: SendOptions) => {
    o?.signal?.throwIfAborted();
    o?.cancel?.throwIfAborted();
    return {
      query: sql,
      clickhouse_settings: withDatabase(o?.settings),
      query_id: queryId(o),
      abort_signal: route.conn.type === 'chdb' ? undefined : o?.signal,
    };
  };

  /**
   * The statement as sent: with the query comment (before the chDB cancel marker, if any), seen by
   * onStatement as dbt logs it. chDB's connection sends `SET …; <statement>` (also when a holder's
   * endpoint runs it for this process), and chDB's splitter drops the rest of the line after that
   * `;` when it is only comments (a one-line comment vanishes from the statement) or opens a
   * multi-line one (the statement breaks): there, a `--` line comes first.
   */
  const observers: ((sql: string) => void)[] = [];
  const annotate = (sql: string, marked = sql, id?: string): string => {
    noteStatement(sql, id);
    for (const observer of observers) observer(sql);
    const comment = options.queryComment?.();
    if (!comment?.text) return marked;
    options.onStatement?.(addQueryComment(sql, comment), comment.connection);
    const text = addQueryComment(marked, comment);
    return !comment.append && (route.conn.type === 'chdb' || route.forwarded) ? `--\n${text}` : text;
  };

  // chDB reads INSERT data from a private file, never inline (insert-file.ts says why).
  let spoolDir: string | undefined;
  const spoolFolder = () => (spoolDir ??= mkdtempSync(join(tmpdir(), 'tsdbt-insert-')));
  /** Nothing to insert: chDB's own client treats an empty body so too (chDB would say "No data to insert"). */
  const isBlank = (path: string, bytes: number) => bytes < 4096 && readFileSync(path, 'utf8').trim() === '';
  /** `head` (`INSERT INTO t [(columns)] [SETTINGS …]`) with `data` in `format`, read from a spooled file. */
  const insertFromFile = async (head: string, data: Readable, format: string, unnamed?: QueryOptions) => {
    const o = withQueryId(unnamed);
    let marked: ReturnType<typeof markForCancel> | undefined;
    let path: string | undefined;
    try {
      const file = await spoolInsertData(data, spoolFolder());
      path = file.path;
      if (isBlank(path, file.bytes)) return;
      const statement = `${head} ${selectFromFile(file.path, format)}`;
      marked = markForCancel(statement, o?.signal);
      const text = annotate(statement, marked.sql, o.queryId);
      await withClient((c) => c.command(params(text, o)), false, o?.settings);
    } catch (error) {
      throw toWarehouseError(error, target, `${head} FORMAT ${format}`);
    } finally {
      marked?.done();
      if (path) rmSync(path, { force: true });
    }
  };
  /** A statement carrying `FORMAT x` data inline, sent to chDB as insertFromFile() sends data. */
  const inlineInsert = (sql: string) => (route.conn.type === 'chdb' ? inlineFormatInsert(sql) : undefined);
  const fromText = (inline: { data: string }) => Readable.from([Buffer.from(inline.data)], { objectMode: false });

  const client: WarehouseClient = {
    target,
    get embedded() {
      return route.conn.type === 'chdb';
    },
    async command(sql, own) {
      const o = withQueryId(withScopedSettings(own));
      const inline = inlineInsert(sql);
      if (inline) return insertFromFile(inline.head, fromText(inline), inline.format, o);
      let marked: ReturnType<typeof markForCancel> | undefined;
      try {
        marked = markForCancel(sql, o?.signal);
        const text = annotate(sql, marked.sql, o.queryId);
        await watched(o, marked.fallback, (w) => withClient((c) => c.command(params(text, w)), true, o?.settings));
      } catch (error) {
        throw toWarehouseError(error, target, sql);
      } finally {
        marked?.done();
      }
    },
    async query<T>(sql: string, own?: QueryOptions) {
      const o = withQueryId(withScopedSettings(own));
      const inline = inlineInsert(sql);
      if (inline) {
        await insertFromFile(inline.head, fromText(inline), inline.format, o);
        return [];
      }
      let marked: ReturnType<typeof markForCancel> | undefined;
      try {
        marked = markForCancel(sql, o?.signal);
        const text = annotate(sql, marked.sql, o.queryId);
        return await watched(o, marked.fallback, (w) => withClient(async (c) => (await (await c.query({ ...params(text, w), format: 'JSONEachRow' })).json()) as T[], true, o?.settings));
      } catch (error) {
        throw toWarehouseError(error, target, sql);
      } finally {
        marked?.done();
      }
    },
    async insertStream(table, data, format, own) {
      const o = withScopedSettings(own);
      if (route.conn.type === 'chdb') return insertFromFile(`INSERT INTO ${table}`, data, format, o);
      try {
        // A stream may be partly read when the connection fails: an insert is never sent twice.
        // Data, not marked: a server's request is aborted by Ctrl-C; the holder of an embedded warehouse finishes it, waited for.
        await watched(o, route.forwarded ? undefined : o?.signal, (w) =>
          withClient(
            (c) => c.insert({ table, values: data, format: format as never, clickhouse_settings: withDatabase(w?.settings), query_id: queryId(w), abort_signal: w?.signal }),
            false,
          ),
        );
      } catch (error) {
        throw toWarehouseError(error, target, `INSERT INTO ${table} FORMAT ${format}`);
      }
    },
    // The statement is sent as written (an INSERT … VALUES, an UPDATE, a leading comment): the
    // settings travel beside it, as the session's SETs (chDB) or URL parameters (HTTP).
    querySync(sql, extra) {
      const conn = route.conn;
      const own = Object.keys(extra ?? {}).filter((k) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !CHDB_NOT_SET.has(k));
      if (conn.type === 'chdb') {
        const inline = inlineInsert(sql);
        // chDB runs `a; b` statement by statement, so a failing `b` left `a` done: a template's
        // `truncate table t; insert into t select …` emptied t. A server refuses the text whole, as here.
        if (!inline && splitStatements(sql).length > 1) throw toWarehouseError(new Error(MULTI_STATEMENTS), target, sql);
        let text: string;
        let path: string | undefined;
        try {
          if (inline) {
            path = join(spoolFolder(), `insert-${randomUUID()}`);
            writeFileSync(path, inline.data, { flag: 'wx', mode: 0o600 });
            if (isBlank(path, Buffer.byteLength(inline.data))) return { columnNames: [], rows: [] };
          }
          const session = syncChdb();
          if (defaultDatabase !== undefined && syncDatabase !== defaultDatabase) {
            session.query(`USE ${quoteIdentifier(defaultDatabase)}`, 'CSV');
            syncDatabase = defaultDatabase;
          }
          // This statement's own settings are SET on the blocking session and put back right after (the target's value, or the default).
          if (own.length) session.query(`SET ${own.map((k) => `${k} = ${settingLiteral(extra![k]!)}`).join(', ')}`, 'CSV');
          try {
            text = session.query(annotate(inline && path ? `${inline.head} ${selectFromFile(path, inline.format)}` : sql), 'JSONCompact');
          } finally {
            if (own.length) session.query(`SET ${own.map((k) => `${k} = ${k in settings ? settingLiteral((settings as Record<string, unknown>)[k]) : 'DEFAULT'}`).join(', ')}`, 'CSV');
          }
        } catch (error) {
          throw toWarehouseError(error, target, sql);
        } finally {
          if (path) rmSync(path, { force: true });
        }
        return parseJsonCompact(text);
      }
      const params = {
        ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
        ...Object.fromEntries(own.map((k) => [k, String(extra![k])])),
        ...(defaultDatabase !== undefined ? { database: defaultDatabase } : {}),
        default_format: 'JSONCompact',
      };
      return parseJsonCompact(httpQuerySync(conn, annotate(sql), (e) => toWarehouseError(e, target, sql), params));
    },
    useDatabase(database) {
      defaultDatabase = database;
    },
    observe(listener) {
      observers.push(listener);
    },
    async close() {
      await rerouting?.catch(() => {});
      await closeRoute(route);
      closed = true;
      syncSession?.close();
      if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
    },
  };
  // The target's schema is the default database from the start when it exists already.
  const schema = target.schema;
  if (schema && schema !== 'default') {
    const found = await client.query(`SELECT 1 AS found FROM system.databases WHERE name = ${sqlString(schema)}`).catch(() => []);
    if (found.length > 0) defaultDatabase = schema;
  }
  return client;
}

function parseJsonCompact(text: string): QueryTable {
  if (!text.trim()) return { columnNames: [], rows: [] };
  const json = JSON.parse(text) as { meta: { name: string; type: string }[]; data: unknown[][] };
  return { columnNames: json.meta.map((m) => m.name), columnTypes: json.meta.map((m) => m.type), rows: json.data };
}
