import { blankNonCode } from '../shared/sql-statements.js';

/**
 * Just enough lexing of a ClickHouse statement for the HTTP layer: its kind, its output FORMAT,
 * and where an INSERT's inline data begins (shared/insert-head.ts). Strings, quoted identifiers and
 * comments are blanked out before looking for keywords, so `'… FORMAT CSV'` inside a literal does not count.
 */

export { findInsertHead, type InsertHead } from '../shared/insert-head.js';

/** The statement's leading keyword, upper-cased (`SELECT`, `INSERT`, `SET`…); `(` counts as SELECT. */
export function statementKind(sql: string): string {
  const m = /^[\s(]*([A-Za-z]+)/.exec(blankNonCode(sql));
  if (!m) return '';
  return m[1]!.toUpperCase();
}

/** Statements whose result chDB can stream chunk by chunk. */
export function isStreamableKind(kind: string): boolean {
  return kind === 'SELECT' || kind === 'WITH' || kind === 'FROM';
}

/** The output format named by a trailing `FORMAT x` clause (SELECT-like statements), if any. */
export function outputFormatClause(sql: string): string | undefined {
  const blank = blankNonCode(sql);
  let last: RegExpExecArray | undefined;
  const re = /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)/gi;
  for (let m = re.exec(blank); m; m = re.exec(blank)) last = m;
  if (!last) return undefined;
  // Only a clause at the statement's end (optionally followed by SETTINGS …, `;`) names the output.
  const rest = blank.slice(last.index + last[0].length);
  if (!/^\s*(SETTINGS\b[^;]*)?[\s;]*$/i.test(rest)) return undefined;
  return sql.slice(last.index, last.index + last[0].length).split(/\s+/)[1];
}

/** Formats chDB streams row by row: concatenated chunks are one valid result. */
const STREAM_FORMATS = /^(TabSeparated|TSV|CSV|JSONEachRow|JSONLines|NDJSON|JSONCompactEachRow|JSONStringsEachRow|JSONCompactStringsEachRow|RowBinary|Values|TSKV|CustomSeparated|LineAsString|Native|Raw|TSVRaw|TabSeparatedRaw)/i;
const NOT_STREAMED = /(WithProgress)$/i;

export function isStreamableFormat(format: string): boolean {
  return STREAM_FORMATS.test(format) && !NOT_STREAMED.test(format);
}

/** The Content-Type ClickHouse sends for a result format. */
export function contentTypeOf(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8; header=' + (f.includes('withnames') ? 'present' : 'absent');
  if (/eachrow|jsonlines|ndjson/.test(f)) return 'application/x-ndjson; charset=UTF-8';
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f === 'xml') return 'application/xml; charset=UTF-8';
  if (/^(rowbinary|native|parquet|arrow|arrowstream|orc|avro|protobuf|capnproto|msgpack|npy|bsoneachrow)/.test(f)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}
