import type { IncomingMessage } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { spoolInsertData } from '../adapter/insert-file.js';
import { ErrorCode, HttpQueryError } from './protocol.js';
import { findInsertHead, statementKind, type InsertHead } from './sql-text.js';

/** An INSERT's head (before its inline data) is looked for in this much of the text. */
const HEAD_SCAN_BYTES = 1 << 20;

/** Sizes past which a request is refused (413): memory stays bounded whatever the client sends. */
export interface BodyLimits {
  /** The statement text (URL query + body), after decompression. */
  readonly maxQueryBytes: number;
  /** An INSERT's inline data, after decompression (it goes to a temporary file, not to memory). */
  readonly maxInsertBytes: number;
}

/** What a request asks to run: a statement, or an INSERT head whose data follows in `data`. */
export type RequestStatement =
  | { readonly kind: 'text'; readonly sql: string }
  | { readonly kind: 'insert'; readonly head: InsertHead; readonly data: () => AsyncIterable<Buffer> };

function tooLarge(what: string, limit: number): HttpQueryError {
  return new HttpQueryError(ErrorCode.QUERY_IS_TOO_LARGE, 'QUERY_IS_TOO_LARGE', `${what} is larger than ${limit} bytes`, 413);
}

/** The request body, decompressed per Content-Encoding (an unknown encoding is a 400). */
export function decodedBody(req: IncomingMessage): Readable {
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

function decodeError(error: unknown): unknown {
  if (String((error as NodeJS.ErrnoException).code ?? '').startsWith('Z_') || /header check|incorrect|invalid/i.test(String((error as Error).message)))
    return new HttpQueryError(ErrorCode.CANNOT_DECOMPRESS, 'CANNOT_DECOMPRESS', `Cannot decompress the request body: ${(error as Error).message}`, 400);
  return error;
}

/**
 * Reads what a request asks to run. ClickHouse joins the `query` parameter and the body with a
 * line break; an INSERT's inline data (after `FORMAT x` or `VALUES`) is not read here but handed
 * back as a stream, so that the caller may refuse it unread. Everything else is read whole, up to
 * `maxQueryBytes` of decompressed text: a gzip bomb stops there.
 */
export async function readStatement(req: IncomingMessage, queryParam: string, isGet: boolean, limits: BodyLimits): Promise<RequestStatement> {
  if (Buffer.byteLength(queryParam) > limits.maxQueryBytes) throw tooLarge('The query', limits.maxQueryBytes);
  if (isGet) {
    req.resume();
    const head = queryParam ? findInsertHead(queryParam, true) : undefined;
    if (head) return { kind: 'insert', head, data: () => Readable.from([Buffer.from(queryParam).subarray(head.dataByteOffset)]) };
    return { kind: 'text', sql: queryParam };
  }
  const body = decodedBody(req);
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const next = async (): Promise<Buffer | undefined> => {
    try {
      const r = await chunks.next();
      return r.done ? undefined : r.value;
    } catch (error) {
      throw decodeError(error);
    }
  };
  const rest = async function* (first: readonly Buffer[]): AsyncIterable<Buffer> {
    for (const b of first) if (b.length) yield b;
    for (let c = await next(); c; c = await next()) yield c;
  };

  // The INSERT head in the URL, the data in the body (what clients send): nothing is read yet.
  const urlHead = queryParam ? findInsertHead(queryParam, true) : undefined;
  if (urlHead) {
    const inUrl = Buffer.from(queryParam).subarray(urlHead.dataByteOffset);
    return {
      kind: 'insert',
      head: urlHead,
      data: async function* () {
        let joined = inUrl.length === 0;
        if (inUrl.length) yield inUrl;
        for await (const c of rest([])) {
          if (!joined) yield Buffer.from('\n');
          joined = true;
          yield c;
        }
      },
    };
  }

  // Otherwise read until the text is whole or an INSERT head shows up in its first MiB.
  const parts: Buffer[] = queryParam ? [Buffer.from(queryParam)] : [];
  let size = parts[0]?.length ?? 0;
  let scanning = true;
  for (;;) {
    const chunk = await next();
    const ended = chunk === undefined;
    if (chunk?.length) {
      if (queryParam && parts.length === 1) parts.push(Buffer.from('\n'));
      parts.push(chunk);
      size += chunk.length;
    }
    if (scanning) {
      const whole = Buffer.concat(parts);
      const text = whole.subarray(0, HEAD_SCAN_BYTES).toString('utf8');
      const head = findInsertHead(text, ended && size <= HEAD_SCAN_BYTES);
      if (head) return { kind: 'insert', head, data: () => rest([whole.subarray(head.dataByteOffset)]) };
      // Keep looking only while the text may still turn out to be an INSERT with inline data.
      const kind = statementKind(text);
      scanning = size < HEAD_SCAN_BYTES && (kind === '' || kind === 'INSERT');
    }
    if (size > limits.maxQueryBytes) throw tooLarge('The query', limits.maxQueryBytes);
    if (ended) return { kind: 'text', sql: Buffer.concat(parts).toString('utf8') };
  }
}

/** Writes INSERT data to a new file (mode 0600) in `dir`, refusing more than `limit` bytes. */
export function spool(data: AsyncIterable<Buffer>, dir: string, limit: number): Promise<{ path: string; bytes: number }> {
  return spoolInsertData(data, dir, { limit, tooLarge: (l) => tooLarge('The INSERT data', l), readError: decodeError });
}
