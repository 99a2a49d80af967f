/**
 * Just enough lexing of a ClickHouse statement for the HTTP layer: its kind, its output FORMAT,
 * and where an INSERT's inline data begins. Strings, quoted identifiers and comments are blanked
 * out before looking for keywords, so `'… FORMAT CSV'` inside a literal does not count.
 */

/** The text with literals, quoted names and comments replaced by spaces (same length). */
export function blankOut(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      j = Math.min(j + 1, n);
      out += c + ' '.repeat(Math.max(0, j - i - 2)) + (j - i >= 2 ? c : '');
      i = j;
    } else if (c === '-' && sql[i + 1] === '-') {
      const j = sql.indexOf('\n', i);
      const end = j < 0 ? n : j;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '#' && (sql[i + 1] === '!' || sql[i + 1] === ' ')) {
      const j = sql.indexOf('\n', i);
      const end = j < 0 ? n : j;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const j = sql.indexOf('*/', i + 2);
      const end = j < 0 ? n : j + 2;
      out += sql.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The statement's leading keyword, upper-cased (`SELECT`, `INSERT`, `SET`…); `(` counts as SELECT. */
export function statementKind(sql: string): string {
  const m = /^[\s(]*([A-Za-z]+)/.exec(blankOut(sql));
  if (!m) return '';
  return m[1]!.toUpperCase();
}

const WRITE_KINDS = new Set([
  'INSERT', 'CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'RENAME', 'EXCHANGE', 'OPTIMIZE', 'SYSTEM', 'KILL', 'DELETE', 'UPDATE', 'ATTACH',
  'DETACH', 'GRANT', 'REVOKE', 'BACKUP', 'RESTORE', 'UNDROP', 'MOVE', 'REPLACE', 'UNDO',
]);

/** Statements a GET request (readonly over HTTP) may not run; anything else reaches the engine (and its syntax errors). */
export function isWriteKind(kind: string): boolean {
  return WRITE_KINDS.has(kind);
}

/** Statements whose result chDB can stream chunk by chunk. */
export function isStreamableKind(kind: string): boolean {
  return kind === 'SELECT' || kind === 'WITH' || kind === 'FROM';
}

/** True when the text holds more than one statement (`a; b`), ignoring a trailing `;`. */
export function isMultiStatement(sql: string): boolean {
  const body = blankOut(sql).replace(/[\s;]+$/, '');
  return body.includes(';');
}

/** The output format named by a trailing `FORMAT x` clause (SELECT-like statements), if any. */
export function outputFormatClause(sql: string): string | undefined {
  const blank = blankOut(sql);
  let last: RegExpExecArray | undefined;
  const re = /\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)/gi;
  for (let m = re.exec(blank); m; m = re.exec(blank)) last = m;
  if (!last) return undefined;
  // Only a clause at the statement's end (optionally followed by SETTINGS …, `;`) names the output.
  const rest = blank.slice(last.index + last[0].length);
  if (!/^\s*(SETTINGS\b[^;]*)?[\s;]*$/i.test(rest)) return undefined;
  return sql.slice(last.index, last.index + last[0].length).split(/\s+/)[1];
}

/** `INSERT INTO t [(cols)] [SETTINGS …] FORMAT x` at the start of a text, and where its data starts. */
export interface InsertHead {
  /** The statement, without data. */
  readonly statement: string;
  readonly format: string;
  /** Index in the text where the inline data begins (after FORMAT x and one line break). */
  readonly dataOffset: number;
  /** Plain `db.table` when the target is a simple name (for chDB's raw insert), else undefined. */
  readonly table?: string;
  readonly columns?: readonly string[];
  readonly settingsClause?: string;
}

const NAME = '(?:`[^`]+`|"[^"]+"|[A-Za-z_][A-Za-z0-9_]*)';

/** Parses the head of an INSERT … FORMAT statement; undefined for other statements (VALUES, SELECT…). */
export function parseInsertHead(text: string): InsertHead | undefined {
  const blank = blankOut(text.length > 65536 ? text.slice(0, 65536) : text);
  const fm = /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?[\s\S]*?\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)/i.exec(blank);
  if (!fm) return undefined;
  let dataOffset = fm[0].length;
  // ClickHouse skips the whitespace after the format name up to and including one line break.
  const tail = /^[ \t]*(\r?\n)?/.exec(text.slice(dataOffset))!;
  dataOffset += tail[0].length;
  const statement = text.slice(0, fm[0].length).trim();
  const format = fm[1]!;
  const head = new RegExp(
    `^\\s*INSERT\\s+INTO\\s+(?:TABLE\\s+)?(${NAME}(?:\\s*\\.\\s*${NAME})?)\\s*(?:\\(([^)]*)\\))?\\s*(SETTINGS\\s+[\\s\\S]*?)?\\s*FORMAT\\s+[A-Za-z0-9_]+$`,
    'i',
  ).exec(statement);
  let table: string | undefined;
  let columns: string[] | undefined;
  let settingsClause: string | undefined;
  if (head) {
    const parts = head[1]!.split(/\s*\.\s*/).map(unquoteName);
    if (parts.every((p) => /^[A-Za-z0-9_]+$/.test(p))) table = parts.join('.');
    if (head[2] !== undefined) {
      const cols = head[2].split(',').map((c) => unquoteName(c.trim()));
      if (cols.every((c) => /^[A-Za-z0-9_]+$/.test(c))) columns = cols;
      else table = undefined;
    }
    settingsClause = head[3]?.trim();
  }
  return { statement, format, dataOffset, table, columns, settingsClause };
}

function unquoteName(name: string): string {
  return /^[`"].*[`"]$/.test(name) ? name.slice(1, -1) : name;
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
