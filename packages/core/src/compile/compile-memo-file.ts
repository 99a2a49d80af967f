import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { keepingWarmStarts, statIdentity } from '../load/warm-memory.js';
import { fileIdentity } from '../load/warm-start-file.js';
import { ProjectError } from '../shared/errors.js';
import type { CompileMemo, CompileMemoData } from './compile-memo.js';

/*
 * target/.tsdbt-compile-memo (compile/compile-memo.ts) on disk. The base: the head's CRC-32 and
 * length, the SQL region's CRC-32 (uint32 BE each), the head (v8: the memo without its SQL, and
 * where each SQL's bytes end), then the SQL texts' UTF-8 bytes one after the other. The region is
 * read and checked only when a SQL is first asked for (the file stays open until then, or until
 * the memo is collected): a warm compile of an unchanged project needs none of it, ~10 MB for
 * 10,000 models.
 * Then records appended by later compiles of the same nodes (an edit's: the new warm identity and
 * manifest key, and the nodes whose SQL changed, with their SQL) — the base's 13 MB were read and
 * written again for one edited model. Each record says at which offset it was appended and has its
 * own CRC-32: a record appended by two commands at once, torn or damaged, makes the memo unused
 * (the compile runs in full and writes it whole). Past a share of the base, the memo is written
 * whole again. The base is never rewritten in place (a new one is renamed over it), so an open
 * memo keeps reading the bytes it was written with.
 */

const MEMO_FILE = '.tsdbt-compile-memo';
const FORMAT = 5;
const HEAD = 12;
/** An appended record: magic, length after this head, its CRC-32, the offset it was appended at (uint32 BE each). */
const RECORD_MAGIC = 0x54434d52; // 'TCMR'
const RECORD_HEAD = 16;
/** Appended records past these are folded into a base written whole. */
const MAX_RECORDS = 64;
const MAX_RECORD_SHARE = 0.25;

/** A memo's file as read: where records go (memo.append). */
interface FileState {
  readonly ino: number;
  readonly size: number;
  readonly baseSize: number;
  readonly records: number;
  /** The file's stat when read (or appended to). */
  readonly stat: Stats;
}

/** What a record changes: the memo's scalars and lists, and some nodes' hash, key and SQL (by index). */
interface MemoRecord {
  readonly identity: string;
  readonly manifestKey: string;
  readonly named: readonly string[];
  readonly ephemeral: readonly string[];
  readonly ks: Uint32Array;
  readonly hashes: readonly string[];
  readonly sqlKeys: readonly string[];
  readonly sqlEnds: Uint32Array;
}

/** Closes a memo's file once its SQL region is read or the memo collected (made apart: the closure must not keep the memo alive). */
function closer(handle: { readonly fd: number; open: boolean }): () => void {
  return () => {
    if (!handle.open) return;
    handle.open = false;
    closeSync(handle.fd);
  };
}

const openMemos = new FinalizationRegistry<() => void>((close) => {
  try {
    close();
  } catch {
    // already closed
  }
});

const fileStates = new WeakMap<CompileMemo, FileState>();
let sqlsDecoded = 0;
/** How many memo SQL texts were decoded in this process so far (tests check a warm compile decodes none). */
export function decodedMemoSqls(): number {
  return sqlsDecoded;
}

/** The records after the base, applied to the base's lists (undefined: one is damaged, torn or appended at another offset). */
function readRecords(fd: number, from: number, size: number): { record: MemoRecord; sqls: Buffer }[] | undefined {
  const bytes = Buffer.allocUnsafe(size - from);
  if (readSync(fd, bytes, 0, bytes.length, from) !== bytes.length) return undefined;
  const out: { record: MemoRecord; sqls: Buffer }[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + RECORD_HEAD > bytes.length || bytes.readUInt32BE(at) !== RECORD_MAGIC || bytes.readUInt32BE(at + 12) !== from + at) return undefined;
    const length = bytes.readUInt32BE(at + 4);
    const body = bytes.subarray(at + RECORD_HEAD, at + RECORD_HEAD + length);
    if (body.length !== length || crc32(body) !== bytes.readUInt32BE(at + 8)) return undefined;
    const headLength = body.readUInt32BE(0);
    const record = deserialize(body.subarray(4, 4 + headLength)) as MemoRecord;
    out.push({ record, sqls: body.subarray(4 + headLength) });
    at += RECORD_HEAD + length;
  }
  return out;
}

/**
 * The memo a resident process (`tsdbt daemon`: load/warm-memory.ts keepingWarmStarts) read or appended a record to
 * last, with the identity of its file then: the next compile with the file as it was takes it as it is, instead of
 * reading, checking and decoding its head again (25,000 ids, hashes, SQL keys and paths: ~4 MB for 10,000 models).
 * The file is replaced by rename or appended to, never written in place: the same identity is the same bytes.
 */
let kept: { readonly file: string; readonly identity: string; readonly memo: CompileMemo } | undefined;
/** The memo read from the file that a memo made by appending to it reads its other SQL texts from (held: its file stays open). */
const baseOf = new WeakMap<CompileMemo, CompileMemo>();
let memoReads = 0;
/** How many memos this process read from their file (tests check a resident process's next compile reads none). */
export function compileMemoReads(): number {
  return memoReads;
}

/** The memo in `targetDir` when it was saved under `key`. */
export function readCompileMemo(targetDir: string, key: string): CompileMemo | undefined {
  const file = join(targetDir, MEMO_FILE);
  if (!keepingWarmStarts()) kept = undefined;
  else if (kept?.file === file) {
    if (statIdentity(file) === kept.identity) return kept.memo.key === key ? kept.memo : undefined;
    kept = undefined;
  }
  const memo = readMemoFile(file, key);
  if (memo && keepingWarmStarts()) kept = { file, identity: fileIdentity(fileStates.get(memo)!.stat), memo };
  return memo;
}

/** The memo as its file `file` holds it, when saved under `key`. */
function readMemoFile(file: string, key: string): CompileMemo | undefined {
  memoReads++;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  let keepOpen = false;
  try {
    const st = fstatSync(fd);
    const size = st.size;
    const start = Buffer.alloc(HEAD);
    if (size < HEAD || readSync(fd, start, 0, HEAD, 0) !== HEAD) return undefined;
    const headEnd = HEAD + start.readUInt32BE(4);
    if (headEnd > size) return undefined;
    const headBytes = Buffer.allocUnsafe(headEnd - HEAD);
    if (readSync(fd, headBytes, 0, headBytes.length, HEAD) !== headBytes.length || crc32(headBytes) !== start.readUInt32BE(0)) return undefined;
    const head = deserialize(headBytes) as CompileMemoData & { format: number; sqlEnds: Uint32Array };
    const n = head.ids.length;
    const { sqlEnds } = head;
    if (head.format !== FORMAT || head.key !== key || !(sqlEnds instanceof Uint32Array) || sqlEnds.length !== n) return undefined;
    const regionLength = n > 0 ? sqlEnds[n - 1]! : 0;
    const baseSize = headEnd + regionLength;
    if (baseSize > size || head.hashes.length !== n || head.sqlKeys?.length !== n) return undefined;
    const records = baseSize < size ? readRecords(fd, baseSize, size) : [];
    if (!records) return undefined;
    const close = closer({ fd, open: true });
    let region: Buffer | undefined;
    const regionOf = (): Buffer => {
      if (region) return region;
      try {
        const bytes = Buffer.allocUnsafe(regionLength);
        if (readSync(fd, bytes, 0, regionLength, headEnd) !== regionLength || crc32(bytes) !== start.readUInt32BE(8)) throw new Error('damaged');
        return (region = bytes);
      } catch {
        // Only bit rot gets here (the base is never rewritten in place, and this one kept open): not trusted, and gone for the next command.
        rmSync(file, { force: true });
        throw new ProjectError('compile-memo-corrupt', `The compile memo ${file} is damaged (it has been removed).`, { file, hint: 'Run the command again: it compiles in full.' });
      } finally {
        close();
      }
    };
    // The records' changes over the base: later ones win.
    const { format: _format, sqlEnds: _ends, ...base } = head;
    let data: CompileMemoData = base;
    const newer = new Map<number, Uint8Array>();
    if (records.length) {
      const hashes = [...base.hashes];
      const sqlKeys = [...base.sqlKeys];
      for (const { record, sqls } of records) {
        record.ks.forEach((k, j) => {
          if (k >= n) throw new Error('a record of another memo');
          hashes[k] = record.hashes[j]!;
          sqlKeys[k] = record.sqlKeys[j]!;
          newer.set(k, sqls.subarray(j === 0 ? 0 : record.sqlEnds[j - 1], record.sqlEnds[j]));
        });
        data = { ...data, identity: record.identity, manifestKey: record.manifestKey, named: record.named, ephemeral: record.ephemeral };
      }
      data = { ...data, hashes, sqlKeys };
    }
    const sqlBytes = (k: number) => newer.get(k) ?? regionOf().subarray(k === 0 ? 0 : sqlEnds[k - 1], sqlEnds[k]);
    const memo: CompileMemo = {
      ...data,
      sqlBytes,
      sql: (k) => {
        sqlsDecoded++;
        const bytes = sqlBytes(k);
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      },
    };
    fileStates.set(memo, { ino: st.ino, size, baseSize, records: records.length, stat: st });
    openMemos.register(memo, close);
    keepOpen = true;
    return memo;
  } catch {
    return undefined;
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

/** A compile's result to save: each SQL as text, or (taken from the last memo) bytes or a function giving them. */
export type MemoToWrite = CompileMemoData & { readonly sqls: readonly (string | Uint8Array | (() => Uint8Array))[] };

/** `text` made again from its UTF-8 bytes: one byte a character when it is all ASCII. */
const flat = (text: string) => Buffer.from(text).toString('utf8');

const bytesOf = (s: string | Uint8Array | (() => Uint8Array)) => (typeof s === 'string' ? Buffer.from(s) : typeof s === 'function' ? s() : s);

/**
 * Saves a compile's result (or, without one, removes the last). Appended to `last` (the memo this
 * compile read) when it is of the same nodes, files and selection and still the file as read: only
 * the nodes compiled again whose SQL changed are written; else written whole.
 */
export function writeCompileMemo(targetDir: string, memo: MemoToWrite | undefined, last?: CompileMemo): void {
  const file = join(targetDir, MEMO_FILE);
  if (kept?.file === file) kept = undefined;
  try {
    if (!memo) return rmSync(file, { force: true });
    if (last && appendRecord(file, memo, last)) return;
    const parts = memo.sqls.map(bytesOf);
    const { sqls: _sqls, ...data } = memo;
    const sqlEnds = new Uint32Array(parts.length);
    let end = 0;
    parts.forEach((part, k) => (sqlEnds[k] = end += part.length));
    // The long texts as V8's one-byte strings when they can be (v8.serialize keeps a two-byte string two bytes a
    // character, and a cold compile's paths are: 3 MB read back by every warm compile, not 1.5).
    const ids = data.ids.length === 0 ? [] : flat(data.ids.join('\n')).split('\n');
    const head = serialize({ ...data, ids, paths: data.paths === undefined ? undefined : flat(data.paths), format: FORMAT, sqlEnds });
    const start = Buffer.alloc(HEAD);
    start.writeUInt32BE(crc32(head), 0);
    start.writeUInt32BE(head.length, 4);
    start.writeUInt32BE(parts.reduce((crc, part) => crc32(part, crc), 0), 8);
    // Replaced whole: a command reading the old memo keeps its file.
    const temp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, Buffer.concat([start, head, ...parts]));
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  } catch {
    // only a shortcut for the next compile: without one it compiles in full
    try {
      rmSync(file, { force: true });
    } catch {
      // nothing more to do
    }
  }
}

/** Appends `memo` to `last`'s file as a record of what changed (false: it must be written whole). */
function appendRecord(file: string, memo: MemoToWrite, last: CompileMemo): boolean {
  const state = fileStates.get(last);
  if (!state || state.records + 1 > MAX_RECORDS || state.size - state.baseSize > state.baseSize * MAX_RECORD_SHARE) return false;
  if (memo.key !== last.key || memo.selection !== last.selection || memo.paths === undefined || memo.paths !== last.paths || memo.ids.length !== last.ids.length) return false;
  for (let k = 0; k < memo.ids.length; k++) if (memo.ids[k] !== last.ids[k]) return false;
  // The nodes compiled again (their SQL given as text) whose SQL differs from the memo's.
  const ks: number[] = [];
  memo.sqls.forEach((s, k) => {
    if (typeof s === 'string' && (memo.hashes[k] !== last.hashes[k] || memo.sqlKeys[k] !== last.sqlKeys[k])) ks.push(k);
    // Bytes taken from another node's place: not a change this record can say.
    else if (typeof s !== 'string' && memo.hashes[k] !== last.hashes[k]) ks.push(-1);
  });
  if (ks.includes(-1)) return false;
  const sqls = ks.map((k) => Buffer.from(memo.sqls[k] as string));
  const sqlEnds = new Uint32Array(sqls.length);
  let end = 0;
  sqls.forEach((s, j) => (sqlEnds[j] = end += s.length));
  const record: MemoRecord = { identity: memo.identity, manifestKey: memo.manifestKey, named: memo.named, ephemeral: memo.ephemeral, ks: Uint32Array.from(ks), hashes: ks.map((k) => memo.hashes[k]!), sqlKeys: ks.map((k) => memo.sqlKeys[k]!), sqlEnds };
  const head = serialize(record);
  const headLength = Buffer.alloc(4);
  headLength.writeUInt32BE(head.length, 0);
  const body = Buffer.concat([headLength, head, ...sqls]);
  const fd = openSync(file, 'a');
  try {
    // Still the file as read, at the size read (another command's append or a new base: written whole).
    const st = fstatSync(fd);
    if (st.ino !== state.ino || st.size !== state.size) return false;
    const recordHead = Buffer.alloc(RECORD_HEAD);
    recordHead.writeUInt32BE(RECORD_MAGIC, 0);
    recordHead.writeUInt32BE(body.length, 4);
    recordHead.writeUInt32BE(crc32(body), 8);
    recordHead.writeUInt32BE(state.size, 12);
    // One write: a reader sees it whole or (torn, interleaved) fails its CRC or offset and compiles in full.
    const bytes = Buffer.concat([recordHead, body]);
    if (writeSync(fd, bytes) !== bytes.length) throw new Error('short write');
    // A resident process keeps the memo as the file now says it: `last` with this record applied (as a read would
    // apply it), under the file's identity after this write — when the file is only that (no other append since).
    const after = fstatSync(fd);
    if (keepingWarmStarts() && after.ino === state.ino && after.size === state.size + bytes.length) {
      const memoNow = withRecord(last, record, sqls);
      fileStates.set(memoNow, { ino: state.ino, size: after.size, baseSize: state.baseSize, records: state.records + 1, stat: after });
      kept = { file, identity: fileIdentity(after), memo: memoNow };
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** `last` with `record` applied, as readMemoFile applies the records after a base; its other SQL texts read from the base memo. */
function withRecord(last: CompileMemo, record: MemoRecord, sqls: readonly Uint8Array[]): CompileMemo {
  const base = baseOf.get(last) ?? last;
  const hashes = [...last.hashes];
  const sqlKeys = [...last.sqlKeys];
  const newer = new Map<number, Uint8Array>();
  for (let k = 0; k < last.ids.length; k++) if (last.hashes[k] !== base.hashes[k] || last.sqlKeys[k] !== base.sqlKeys[k]) newer.set(k, last.sqlBytes(k));
  record.ks.forEach((k, j) => {
    hashes[k] = record.hashes[j]!;
    sqlKeys[k] = record.sqlKeys[j]!;
    newer.set(k, sqls[j]!);
  });
  const sqlBytes = (k: number) => newer.get(k) ?? base.sqlBytes(k);
  const { sql: _sql, sqlBytes: _bytes, ...data } = last;
  const memo: CompileMemo = {
    ...data,
    identity: record.identity,
    manifestKey: record.manifestKey,
    named: record.named,
    ephemeral: record.ephemeral,
    hashes,
    sqlKeys,
    sqlBytes,
    sql: (k) => {
      sqlsDecoded++;
      const bytes = sqlBytes(k);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    },
  };
  baseOf.set(memo, base);
  return memo;
}
