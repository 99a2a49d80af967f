import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { pipeline, type Readable, type Writable } from 'node:stream';
import zlib from 'node:zlib';
import { findServeEndpoint, removeServeInfo, writeServeInfo, type ServeInfo } from '../adapter/serve-endpoint.js';
import type { TargetConfig } from '../load/profiles.js';
import { ConnectionError, UsageError } from '../shared/errors.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import { Engine, type EngineSession } from './engine.js';
import { describeError, ErrorCode, httpStatusOf, HttpQueryError, isSettingParam, requestCredentials, tsvUnescape } from './protocol.js';
import {
  blankOut, contentTypeOf, isMultiStatement, isWriteKind, isStreamableFormat, isStreamableKind, outputFormatClause, parseInsertHead, statementKind, type InsertHead,
} from './sql-text.js';

export interface WarehouseServerOptions {
  /** Default 8123; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. A non-loopback address needs a password on the target. */
  readonly host?: string;
  /** Stateless queries running at once (more wait their turn). Default max(8, target threads). */
  readonly poolSize?: number;
  /** Advertise the endpoint next to the data directory for other tsdbt processes (default true). */
  readonly announce?: boolean;
}

export interface WarehouseServer {
  /** `http://host:port` (what clients connect to). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The data directory served. */
  readonly path: string;
  readonly version: string;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

/**
 * Serves a chdb target's embedded warehouse over ClickHouse's HTTP interface, so curl,
 * `@clickhouse/client`, BI tools and other tsdbt processes can use it while this process holds
 * the data directory.
 */
export async function startServer(project: { readonly target: TargetConfig }, options: WarehouseServerOptions = {}): Promise<WarehouseServer> {
  const target = project.target;
  optionalInteger('port', options.port, NUMERIC_RULES.port);
  if (target.type !== 'chdb' || !target.path)
    throw new UsageError('serve_target', `Target '${target.name}' is a ClickHouse server (${target.host}:${target.port}); serve exposes an embedded chdb warehouse`, {
      hint: 'Point your tools at that server directly, or pick a chdb target with --target.',
    });
  const host = options.host ?? '127.0.0.1';
  const requireAuth = target.password !== '' || target.user !== 'default';
  if (!LOOPBACK.test(host) && !target.password)
    throw new UsageError('serve_insecure', `Refusing to serve the warehouse on ${host} without a password: anyone reaching that address could read and change it`, {
      hint: `Set user and password on target '${target.name}' in profiles.yml, or listen on 127.0.0.1 (the default).`,
    });
  const running = await findServeEndpoint(target.path);
  if (running)
    throw new UsageError('serve_running', `The warehouse ${target.path} is already served by process ${running.pid} at ${running.url}`, {
      hint: 'Use that endpoint, or stop that process first.',
    });

  let engine: Engine;
  try {
    engine = await Engine.open(target.path, options.poolSize ?? Math.max(8, target.threads));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Cannot lock file/i.test(message))
      throw new ConnectionError('warehouse_locked', `The embedded warehouse ${target.path} is in use by another process`, {
        hint: 'Stop the other tsdbt process (only one process can open a chDB data directory), then start serve again.',
        cause: error,
      });
    throw error;
  }

  const ctx: Ctx = {
    engine,
    target,
    requireAuth,
    displayName: hostname(),
    runningQueries: new Set(),
  };
  const server = createServer({ keepAliveTimeout: 10_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    void handle(ctx, req, res);
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  try {
    server.listen(options.port ?? 8123, host);
    await once(server, 'listening');
  } catch (error) {
    engine.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError('serve_port', `Port ${options.port ?? 8123} on ${host} is already in use`, { hint: 'Pick another with --port.', cause: error });
    throw error;
  }
  const address = server.address() as AddressInfo;
  const connectHost = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const url = `http://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${address.port}`;
  const info: ServeInfo = { pid: process.pid, host: connectHost, port: address.port, url, path: target.path, startedAt: new Date().toISOString() };
  if (options.announce !== false) writeServeInfo(info);
  const onExit = () => removeServeInfo(target.path!);
  process.once('exit', onExit);

  let closing: Promise<void> | undefined;
  return {
    url,
    host: connectHost,
    port: address.port,
    path: target.path,
    version: engine.version,
    close() {
      closing ??= (async () => {
        process.off('exit', onExit);
        if (options.announce !== false) removeServeInfo(target.path!);
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        // Let running requests finish for a moment, then cut them.
        const timer = setTimeout(() => server.closeAllConnections(), 2_000);
        await closed;
        clearTimeout(timer);
        engine.close();
      })();
      return closing;
    },
  };
}

interface Ctx {
  readonly engine: Engine;
  readonly target: TargetConfig;
  readonly requireAuth: boolean;
  readonly displayName: string;
  readonly runningQueries: Set<string>;
}

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const params = url.searchParams;
  const queryId = params.get('query_id') || randomUUID();
  const headers: Record<string, string> = {
    'X-ClickHouse-Server-Display-Name': ctx.displayName,
    'X-ClickHouse-Query-Id': queryId,
    'X-ClickHouse-Timezone': ctx.engine.timezone,
  };
  if (params.get('add_http_cors_header') === '1') headers['Access-Control-Allow-Origin'] = '*';
  const method = req.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';

  if (method === 'OPTIONS') {
    res.writeHead(204, {
      ...headers,
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'origin, x-requested-with, x-clickhouse-format, x-clickhouse-user, x-clickhouse-key, Authorization, Content-Type',
      'Access-Control-Max-Age': '86400',
    });
    res.end();
    return;
  }
  if (path === '/ping' || path === '/replicas_status' || (path === '/' && (method === 'GET' || method === 'HEAD') && !params.has('query'))) {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': '4' });
    res.end('Ok.\n');
    return;
  }
  try {
    if (path !== '/') throw new HttpQueryError(ErrorCode.BAD_ARGUMENTS, 'BAD_ARGUMENTS', `There is no handle ${path}. Use / for queries and /ping for health checks`, 404);
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD')
      throw new HttpQueryError(ErrorCode.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', `HTTP method ${method} is not supported; use GET or POST`, 405);
    const cred = requestCredentials(req.headers, params);
    if (ctx.requireAuth || cred.given) {
      const expectedUser = ctx.target.user;
      const ok = cred.user === expectedUser && cred.password === ctx.target.password;
      // Without a configured password the server is open: any credentials for the default user pass.
      if (ctx.requireAuth ? !ok : cred.user !== expectedUser)
        throw new HttpQueryError(
          ErrorCode.AUTHENTICATION_FAILED,
          'AUTHENTICATION_FAILED',
          `${cred.user}: Authentication failed: password is incorrect, or there is no user with such name`,
        );
    }
    await runQuery(ctx, req, res, params, headers, queryId);
  } catch (error) {
    sendError(ctx, req, res, headers, error);
  }
}

function sendError(ctx: Ctx, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, error: unknown): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const { code, text } = describeError(error, ctx.engine.version);
  const status = (error instanceof HttpQueryError && error.status) || httpStatusOf(code);
  req.resume();
  const body = text + '\n';
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-ClickHouse-Exception-Code': String(code),
    'X-ClickHouse-Format': 'TabSeparated',
  });
  res.end(body);
}

type Summary = Record<'read_rows' | 'read_bytes' | 'written_rows' | 'written_bytes' | 'total_rows_to_read' | 'result_rows' | 'result_bytes' | 'elapsed_ns', number>;

function summaryHeader(s: Partial<Summary>, started: bigint): string {
  const full: Summary = {
    read_rows: 0, read_bytes: 0, written_rows: 0, written_bytes: 0, total_rows_to_read: 0, result_rows: 0, result_bytes: 0,
    ...s,
    elapsed_ns: Number(process.hrtime.bigint() - started),
  };
  return JSON.stringify(Object.fromEntries(Object.entries(full).map(([k, v]) => [k, String(Math.max(0, Math.round(v)))])));
}

async function runQuery(ctx: Ctx, req: IncomingMessage, res: ServerResponse, params: URLSearchParams, headers: Record<string, string>, queryId: string): Promise<void> {
  const started = process.hrtime.bigint();
  const isGet = req.method === 'GET' || req.method === 'HEAD';
  if (params.get('decompress') === '1' || params.get('compress') === '1')
    throw new HttpQueryError(ErrorCode.NOT_IMPLEMENTED, 'NOT_IMPLEMENTED', "ClickHouse's native block compression (compress/decompress=1) is not supported by tsdbt serve; use Content-Encoding / enable_http_compression");
  const settings = new Map<string, string>();
  for (const [name, value] of params) if (isSettingParam(name)) settings.set(name, value);
  const bound: Record<string, string | null> = {};
  for (const [name, value] of params) if (name.startsWith('param_')) bound[name.slice(6)] = tsvUnescape(value);
  const hasParams = Object.keys(bound).length > 0;

  // The query: the `query` parameter, then the body (ClickHouse joins them with a line break).
  const queryParam = params.get('query') ?? '';
  let sql: string;
  let insert: InsertHead | undefined;
  let data: Buffer | Readable | undefined;
  const urlInsert = !isGet && queryParam ? parseInsertHead(queryParam) : undefined;
  if (urlInsert && queryParam.slice(urlInsert.dataOffset).trim() === '') {
    insert = urlInsert;
    sql = urlInsert.statement;
    data = requestBody(req);
  } else {
    const body = isGet ? Buffer.alloc(0) : await readAll(requestBody(req));
    const headText = body.subarray(0, 65536).toString('utf8');
    const bodyInsert = !queryParam ? parseInsertHead(headText) : undefined;
    if (bodyInsert) {
      insert = bodyInsert;
      sql = bodyInsert.statement;
      data = body.subarray(Buffer.byteLength(headText.slice(0, bodyInsert.dataOffset)));
    } else sql = queryParam && body.length ? `${queryParam}\n${body.toString('utf8')}` : queryParam || body.toString('utf8');
  }
  if (!sql.trim()) throw new HttpQueryError(ErrorCode.SYNTAX_ERROR, 'SYNTAX_ERROR', 'Empty query');
  const kind = statementKind(sql);
  if (isGet && isWriteKind(kind))
    throw new HttpQueryError(
      ErrorCode.READONLY,
      'READONLY',
      'Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries',
    );
  const defaultFormat = params.get('default_format') || settings.get('format') || 'TabSeparated';
  settings.delete('format');
  const format = insert ? defaultFormat : (outputFormatClause(sql) ?? defaultFormat);
  headers['X-ClickHouse-Format'] = format;

  if (ctx.runningQueries.has(queryId))
    throw new HttpQueryError(ErrorCode.QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING, 'QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING', `Query with id = ${queryId} is already running`);

  const sessionId = params.get('session_id');
  let session: EngineSession;
  if (sessionId) {
    const timeout = Number(params.get('session_timeout') ?? 60);
    if (!Number.isFinite(timeout) || timeout < 0 || timeout > 3600)
      throw new HttpQueryError(ErrorCode.INVALID_SESSION_TIMEOUT, 'INVALID_SESSION_TIMEOUT', `Invalid session timeout: '${params.get('session_timeout')}'`);
    session = ctx.engine.session(sessionId, { check: params.get('session_check') === '1', timeoutMs: timeout * 1000 });
  } else session = await ctx.engine.acquire();

  ctx.runningQueries.add(queryId);
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  let restore: (() => Promise<void>) | undefined;
  try {
    const database = params.get('database') ?? undefined;
    if (sessionId) restore = await session.applyScoped(settings, database);
    else {
      await session.prepareStateless(settings, database);
      // SET, USE or a temporary table in a request without a session must not leak to the next one.
      if (/(^|;)\s*(SET|USE)\b|\bTEMPORARY\b/i.test(blankOut(sql))) session.tainted = true;
    }
    const encoder = responseEncoder(req, params);
    if (encoder) headers['Content-Encoding'] = encoder.name;

    if (insert && data !== undefined) {
      const written = await runInsert(session, insert, data);
      headers['X-ClickHouse-Summary'] = summaryHeader({ read_rows: written.rows, read_bytes: written.bytes, written_rows: written.rows, written_bytes: written.bytes }, started);
      await respond(res, 200, { ...headers, 'Content-Type': contentTypeOf(format) }, encoder, Buffer.alloc(0));
    } else if (isStreamableKind(kind) && !isMultiStatement(sql) && isStreamableFormat(format) && params.get('wait_end_of_query') !== '1') {
      const streamSql = sql.replace(/[\s;]+$/, '');
      await streamResult(res, session, streamSql, hasParams ? bound : undefined, defaultFormat, format, headers, encoder, started, abort.signal, ctx.engine.version);
    } else {
      const options = { format: defaultFormat, signal: abort.signal };
      const result = hasParams ? await session.chdb.queryBindAsync(sql, bound, options) : await session.chdb.queryAsync(sql, options);
      const bytes = result.bytes();
      const writes = kind === 'INSERT' ? { written_rows: result.rowsRead, written_bytes: result.bytesRead } : {};
      headers['X-ClickHouse-Summary'] = summaryHeader({ read_rows: result.rowsRead, read_bytes: result.bytesRead, result_bytes: bytes.byteLength, ...writes }, started);
      await respond(res, 200, { ...headers, 'Content-Type': contentTypeOf(format) }, encoder, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
  } finally {
    ctx.runningQueries.delete(queryId);
    await restore?.();
    ctx.engine.release(session);
  }
}

/** The request body, decompressed per Content-Encoding. */
function requestBody(req: IncomingMessage): Readable {
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (!encoding || encoding === 'identity') return req;
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
    : encoding === 'deflate' ? zlib.createInflate()
    : encoding === 'br' ? zlib.createBrotliDecompress()
    : encoding === 'zstd' && 'createZstdDecompress' in zlib ? (zlib as unknown as { createZstdDecompress(): zlib.Gunzip }).createZstdDecompress()
    : undefined;
  if (!decoder) throw new HttpQueryError(ErrorCode.BAD_ARGUMENTS, 'BAD_ARGUMENTS', `Unknown HTTP Content-Encoding '${encoding}': use gzip, deflate or br`, 400);
  return pipeline(req, decoder, () => {});
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    if (String((error as NodeJS.ErrnoException).code ?? '').startsWith('Z_') || /header check|incorrect|invalid/i.test(String((error as Error).message)))
      throw new HttpQueryError(ErrorCode.CANNOT_DECOMPRESS, 'CANNOT_DECOMPRESS', `Cannot decompress the request body: ${(error as Error).message}`, 400);
    throw error;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

interface Encoder {
  readonly name: string;
  create(): zlib.Gzip;
}

/** Response compression: `enable_http_compression=1` and an Accept-Encoding we support. */
function responseEncoder(req: IncomingMessage, params: URLSearchParams): Encoder | undefined {
  if (params.get('enable_http_compression') !== '1') return undefined;
  const level = Math.min(9, Math.max(1, Number(params.get('http_zlib_compression_level') ?? 3) || 3));
  const accepted = String(req.headers['accept-encoding'] ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim().split(';')[0]!);
  for (const name of accepted) {
    if (name === 'gzip' || name === 'x-gzip') return { name: 'gzip', create: () => zlib.createGzip({ level }) };
    if (name === 'deflate') return { name: 'deflate', create: () => zlib.createDeflate({ level }) };
    if (name === 'br') return { name: 'br', create: () => zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }) as unknown as zlib.Gzip };
  }
  return undefined;
}

/** Where the response body goes: the socket, or a compressor piped into it. */
function bodySink(res: ServerResponse, encoder: Encoder | undefined): Writable {
  if (!encoder) return res;
  const z = encoder.create();
  z.pipe(res);
  return z;
}

async function respond(res: ServerResponse, status: number, headers: Record<string, string>, encoder: Encoder | undefined, body: Buffer): Promise<void> {
  if (!encoder) headers['Content-Length'] = String(body.length);
  res.writeHead(status, headers);
  const sink = bodySink(res, encoder);
  sink.end(body);
  if (!res.writableFinished) await Promise.race([once(res, 'finish'), once(res, 'close')]);
}

/** Writes a chunk, waiting for the socket to drain (or the client to leave: `closed`). */
async function write(sink: Writable, res: ServerResponse, chunk: Buffer, closed: Promise<void>): Promise<void> {
  if (sink.write(chunk)) return;
  if (res.destroyed) return;
  await Promise.race([new Promise<void>((done) => sink.once('drain', done)), closed]);
}

/**
 * A SELECT streamed block by block: headers go out with the first block (so early errors still
 * get a proper status), later errors are appended to the body as ClickHouse 25.11+ does.
 */
async function streamResult(
  res: ServerResponse,
  session: EngineSession,
  sql: string,
  bound: Record<string, string | null> | undefined,
  defaultFormat: string,
  format: string,
  headers: Record<string, string>,
  encoder: Encoder | undefined,
  started: bigint,
  signal: AbortSignal,
  version: string,
): Promise<void> {
  const stream = bound ? session.chdb.queryStreamBind(sql, bound, { format: defaultFormat, signal }) : session.chdb.queryStream(sql, { format: defaultFormat, signal });
  const iterator = stream[Symbol.asyncIterator]();
  let next: IteratorResult<{ numRows: number; raw(): Uint8Array }>;
  try {
    next = await iterator.next();
  } catch (error) {
    stream.cancel();
    throw error;
  }
  const tag = randomBytes(8).toString('hex');
  let rows = 0;
  let bytes = 0;
  if (!next.done) {
    rows += next.value.numRows;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeOf(format),
    'X-ClickHouse-Exception-Tag': tag,
    'X-ClickHouse-Summary': summaryHeader({ read_rows: rows, result_rows: rows }, started),
  });
  const sink = bodySink(res, encoder);
  const closed = new Promise<void>((done) => res.once('close', done));
  try {
    while (!next.done) {
      const raw = next.value.raw();
      bytes += raw.byteLength;
      // chDB computes the next block while this one drains to the socket.
      const upcoming = iterator.next();
      await write(sink, res, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), closed);
      if (signal.aborted) {
        stream.cancel();
        await upcoming.catch(() => undefined);
        return;
      }
      next = await upcoming;
      if (!next.done) rows += next.value.numRows;
    }
  } catch (error) {
    stream.cancel();
    if (signal.aborted || res.destroyed) return;
    const { text } = describeError(error, version);
    const message = Buffer.from(text + '\n');
    sink.write(Buffer.concat([Buffer.from(`\r\n__exception__\r\n${tag}\r\n`), message, Buffer.from(`${message.length} ${tag}\r\n__exception__\r\n`)]));
  }
  sink.end();
  if (!res.writableFinished) await Promise.race([new Promise((done) => res.once('finish', done)), closed]);
}

async function runInsert(session: EngineSession, head: InsertHead, data: Buffer | Readable): Promise<{ rows: number; bytes: number }> {
  const chdb = session.chdb;
  if (!Buffer.isBuffer(data)) {
    if (head.table && !head.settingsClause && STREAM_INSERT.has(head.format)) {
      const r = await chdb.insert({ table: head.table, columns: head.columns, values: data, format: head.format as 'JSONEachRow' });
      return { rows: r.rowsWritten, bytes: r.bytesSent };
    }
    data = await readAll(data);
  }
  // An INSERT without rows is a no-op (chDB would answer "No data to insert").
  if (data.length <= 65536 && !/\S/.test(data.toString('utf8'))) return { rows: 0, bytes: 0 };
  if (head.table && !head.settingsClause && RAW_INSERT.has(head.format)) {
    const r = await chdb.insert({ table: head.table, columns: head.columns, values: data, format: head.format as 'CSV' });
    return { rows: r.rowsWritten, bytes: r.bytesSent };
  }
  const r = await chdb.queryAsync(`${head.statement}\n${data.toString('utf8')}`, { format: 'TabSeparated' });
  return { rows: r.rowsRead, bytes: data.length };
}

const STREAM_INSERT = new Set(['JSONEachRow', 'JSONCompactEachRow', 'TSV', 'TabSeparated']);
const RAW_INSERT = new Set(['JSONEachRow', 'JSONCompactEachRow', 'CSV', 'CSVWithNames', 'TSV', 'TabSeparated', 'TSVWithNames', 'TabSeparatedWithNames']);
