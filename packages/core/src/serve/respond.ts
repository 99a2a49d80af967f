import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import type { EngineSession } from './engine.js';
import { describeError, httpStatusOf, HttpQueryError } from './protocol.js';
import { contentTypeOf } from './sql-text.js';

/** Writing a response: ClickHouse's headers, summary, compression, streamed results and errors. */

type Summary = Record<'read_rows' | 'read_bytes' | 'written_rows' | 'written_bytes' | 'total_rows_to_read' | 'result_rows' | 'result_bytes' | 'elapsed_ns', number>;

export function summaryHeader(s: Partial<Summary>, started: bigint): string {
  const full: Summary = {
    read_rows: 0, read_bytes: 0, written_rows: 0, written_bytes: 0, total_rows_to_read: 0, result_rows: 0, result_bytes: 0,
    ...s,
    elapsed_ns: Number(process.hrtime.bigint() - started),
  };
  return JSON.stringify(Object.fromEntries(Object.entries(full).map(([k, v]) => [k, String(Math.max(0, Math.round(v)))])));
}

/** Answers an error as ClickHouse does: status, `X-ClickHouse-Exception-Code`, `Code: N. DB::Exception: …` body. */
export function sendError(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, error: unknown, version: string): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const { code, text } = describeError(error, version);
  const status = (error instanceof HttpQueryError && error.status) || httpStatusOf(code);
  const body = text + '\n';
  // A body that was not read (refused before reading, or too large) is skipped and the connection closed.
  const unread = !req.complete;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-ClickHouse-Exception-Code': String(code),
    'X-ClickHouse-Format': 'TabSeparated',
    ...(unread ? { Connection: 'close' } : {}),
  });
  res.end(body);
  if (unread) discardBody(req);
}

/** Lets the rest of an unread body pass without decompressing or keeping it (and cuts it past 64 MiB). */
export function discardBody(req: IncomingMessage): void {
  req.unpipe();
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > 64 << 20) req.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

export interface Encoder {
  readonly name: string;
  create(): zlib.Gzip;
}

/** Response compression: `enable_http_compression=1` and an Accept-Encoding we support. */
export function responseEncoder(req: IncomingMessage, params: URLSearchParams): Encoder | undefined {
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

export async function respond(res: ServerResponse, status: number, headers: Record<string, string>, encoder: Encoder | undefined, body: Buffer): Promise<void> {
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

export interface StreamRequest {
  readonly session: EngineSession;
  readonly sql: string;
  readonly bound: Record<string, string | null> | undefined;
  readonly defaultFormat: string;
  readonly format: string;
  readonly headers: Record<string, string>;
  readonly encoder: Encoder | undefined;
  readonly started: bigint;
  readonly signal: AbortSignal;
  readonly version: string;
  /** Called once the first block is ready and the response starts. */
  readonly onStart?: () => void;
}

/**
 * A SELECT streamed block by block: headers go out with the first block (so early errors still
 * get a proper status), later errors are appended to the body as ClickHouse 25.11+ does.
 */
export async function streamResult(res: ServerResponse, r: StreamRequest): Promise<void> {
  const { session, sql, bound, signal } = r;
  const stream = bound ? session.chdb.queryStreamBind(sql, bound, { format: r.defaultFormat, signal }) : session.chdb.queryStream(sql, { format: r.defaultFormat, signal });
  const iterator = stream[Symbol.asyncIterator]();
  let next: IteratorResult<{ numRows: number; raw(): Uint8Array }>;
  try {
    next = await iterator.next();
  } catch (error) {
    stream.cancel();
    throw error;
  }
  const tag = randomBytes(8).toString('hex');
  let rows = next.done ? 0 : next.value.numRows;
  r.onStart?.();
  res.writeHead(200, {
    ...r.headers,
    'Content-Type': contentTypeOf(r.format),
    'X-ClickHouse-Exception-Tag': tag,
    'X-ClickHouse-Summary': summaryHeader({ read_rows: rows, result_rows: rows }, r.started),
  });
  const sink = bodySink(res, r.encoder);
  const closed = new Promise<void>((done) => res.once('close', done));
  try {
    while (!next.done) {
      const raw = next.value.raw();
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
    const { text } = describeError(error, r.version);
    const message = Buffer.from(text + '\n');
    sink.write(Buffer.concat([Buffer.from(`\r\n__exception__\r\n${tag}\r\n`), message, Buffer.from(`${message.length} ${tag}\r\n__exception__\r\n`)]));
  }
  sink.end();
  if (!res.writableFinished) await Promise.race([new Promise((done) => res.once('finish', done)), closed]);
}
