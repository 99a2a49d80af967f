import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sqlString } from '../render/placeholders.js';
import { findInsertHead } from '../shared/insert-head.js';

/**
 * INSERT data on its way into chDB. chDB ends the inline data of `INSERT … FORMAT x\n<data>` at
 * the first blank line and runs what follows as SQL: a quoted CSV value holding a blank line
 * fails (or half loads), and data like `a\n\nDROP TABLE t` drops the table. So data never travels
 * in the SQL text: it is written to a private file (mode 0600) and read with
 * `INSERT INTO t … SELECT * FROM file(path, format)`, which keeps the inline INSERT's meaning
 * (the table's structure, column defaults, input format settings). Every path that inserts data
 * into chDB goes through here: WarehouseClient.insertStream (seeds…), an `INSERT … FORMAT x` with
 * its data written in a statement (a hook, run_query), and `tsdbt serve`.
 */

/** `SELECT * FROM file('<path>', '<format>')`: what replaces `FORMAT x` + data in an INSERT sent to chDB. */
export function selectFromFile(path: string, format: string): string {
  return `SELECT * FROM file(${sqlString(path)}, ${sqlString(format)})`;
}

/**
 * An INSERT whose data follows `FORMAT x` in the statement text itself: the statement before
 * `FORMAT`, the format and the data. Undefined for anything else (`VALUES` is parsed as SQL, safely).
 */
export function inlineFormatInsert(sql: string): { head: string; format: string; data: string } | undefined {
  const found = findInsertHead(sql, true);
  const format = found && /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)$/i.exec(found.statement);
  if (!found || !format) return undefined;
  return { head: found.statement.slice(0, format.index).trimEnd(), format: format[1]!, data: sql.slice(found.dataOffset) };
}

/** The same with bound parameters (`tsdbt serve` binds the client's own parameters too). */
export const SELECT_FROM_SPOOLED = 'SELECT * FROM file({tsdbt_insert_path:String}, {tsdbt_insert_format:String})';

/** The parameters SELECT_FROM_SPOOLED binds. */
export function spooledParams(path: string, format: string): { tsdbt_insert_path: string; tsdbt_insert_format: string } {
  return { tsdbt_insert_path: path, tsdbt_insert_format: format };
}

export interface SpoolOptions {
  /** Bytes past which the data is refused (the error from `tooLarge`). */
  readonly limit?: number;
  readonly tooLarge?: (limit: number) => Error;
  /** Maps a failure while reading the data (a decompression error…) to the error thrown. */
  readonly readError?: (error: unknown) => unknown;
}

/** Writes INSERT data to a new file (mode 0600) in `dir` (a private folder). */
export async function spoolInsertData(data: AsyncIterable<Uint8Array | string> | Readable, dir: string, options: SpoolOptions = {}): Promise<{ path: string; bytes: number }> {
  const path = join(dir, `insert-${randomBytes(8).toString('hex')}`);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (bytes > limit) done(options.tooLarge?.(limit) ?? new Error(`The INSERT data is larger than ${limit} bytes`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(data instanceof Readable ? data : Readable.from(data), count, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    rmSync(path, { force: true });
    throw options.readError ? options.readError(error) : error;
  }
  return { path, bytes };
}
