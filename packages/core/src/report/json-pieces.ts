import { closeSync, openSync, writevSync } from 'node:fs';

/*
 * A large JSON artifact (manifest.json: ~50 MB for 25,000 nodes) written piece by piece. Built as
 * one object and stringified at once, it was alive three times at the end of a cold compile: every
 * node's dict, the JSON text, and that text's bytes for the write — the command's memory peak. Here
 * each entry of a big record is stringified as it is added (its dict is garbage at once) and the
 * pieces are written in turn. The bytes are JSON.stringify's of the whole object, replacer included
 * (it is called with each value, as there; keys are never replaced).
 */

type Replacer = ((key: string, value: unknown) => unknown) | undefined;

/** A run of an earlier write's bytes: one entry or several that followed each other there (comma-separated). */
interface ByteRun {
  readonly source: Uint8Array;
  readonly start: number;
  end: number;
}

/** The JSON text of a record, entry by entry. */
export class JsonRecord {
  /** The record's text in order: entries' `"key":value` as text, or runs of an earlier write's bytes (report/manifest-reuse.ts). */
  readonly pieces: (string | ByteRun)[] = [];
  /** Per entry: its piece, its byte offset in it, its byte length (-1: the whole text piece). */
  private readonly entries: number[] = [];
  /** Filled by writeJsonObject when positions are asked for: each piece's start and end in the file. */
  readonly placed: number[] | undefined;

  constructor(private readonly replacer: Replacer, positions = false) {
    this.placed = positions ? [] : undefined;
  }

  /** Adds `"key":value` (nothing when the value stringifies to nothing, as JSON.stringify leaves out an undefined member); its entry's index (-1: none). */
  set(key: string, value: unknown): number {
    const text = JSON.stringify(value, this.replacer);
    if (text === undefined) return -1;
    this.entries.push(this.pieces.push(`${JSON.stringify(key)}:${text}`) - 1, 0, -1);
    return this.entries.length / 3 - 1;
  }

  /**
   * Adds an entry as an earlier write holds it: `source[start, end)`, the UTF-8 bytes of `"key":value`;
   * its entry's index. Entries that followed each other in `source` are written as one run.
   */
  add(source: Uint8Array, start = 0, end = source.length): number {
    const last = this.pieces[this.pieces.length - 1];
    if (typeof last === 'object' && last.source === source && last.end + 1 === start && source[last.end] === 0x2c /* , */) {
      this.entries.push(this.pieces.length - 1, start - last.start, end - start);
      last.end = end;
    } else this.entries.push(this.pieces.push({ source, start, end }) - 1, 0, end - start);
    return this.entries.length / 3 - 1;
  }

  /** Where entry `i` was written: [start, end) byte offsets in the file (after a write with positions). */
  position(i: number): [number, number] {
    const piece = this.entries[i * 3]!;
    const start = this.placed![piece * 2]! + this.entries[i * 3 + 1]!;
    const length = this.entries[i * 3 + 2]!;
    return [start, length < 0 ? this.placed![piece * 2 + 1]! : start + length];
  }
}

/** A member's value as an earlier write holds it: its JSON text's bytes, written as they are. */
export class JsonBytes {
  constructor(readonly bytes: Uint8Array) {}
}

const CHUNK = 1 << 20;
const COMMA = Buffer.from(',');

/**
 * Writes the object of `members` (in order; a JsonRecord's pieces or JsonBytes as that member's
 * value) to `path`, as JSON.stringify would. When a record asks for positions, also says where each
 * member's value was written ([start, end) byte offsets).
 */
export function writeJsonObject(path: string, members: readonly (readonly [string, unknown])[], replacer: Replacer): Map<string, [number, number]> {
  const at = new Map<string, [number, number]>();
  const fd = openSync(path, 'w');
  try {
    // Text is gathered in `chunk`; bytes (the pieces of an earlier write) and sealed chunks in `parts`, written with writev.
    let chunk = '';
    const parts: Uint8Array[] = [];
    // Bytes written, bytes in `parts`, and `chunk`'s bytes when a record tracks positions (-1: not counted).
    const track = members.some(([, v]) => v instanceof JsonRecord && v.placed);
    let flushed = 0;
    let pending = 0;
    let counted = track ? 0 : -1;
    const seal = () => {
      if (chunk === '') return;
      const bytes = Buffer.from(chunk);
      parts.push(bytes);
      pending += bytes.length;
      chunk = '';
      counted = track ? 0 : -1;
    };
    const flush = () => {
      seal();
      writeAll(fd, parts);
      flushed += pending;
      parts.length = 0;
      pending = 0;
    };
    const put = (text: string) => {
      chunk += text;
      if (counted >= 0) counted += Buffer.byteLength(text);
      if (chunk.length >= CHUNK) flush();
    };
    const putBytes = (bytes: Uint8Array) => {
      seal();
      parts.push(bytes);
      pending += bytes.length;
      if (pending >= CHUNK) flush();
    };
    const position = () => flushed + pending + counted;
    let first = true;
    for (const [key, value] of members) {
      const head = `${first ? '{' : ','}${JSON.stringify(key)}:`;
      let start = 0;
      if (value instanceof JsonRecord) {
        put(`${head}{`);
        start = position() - 1;
        const placed = value.placed;
        value.pieces.forEach((piece, i) => {
          if (typeof piece === 'string') {
            if (i > 0) put(',');
            const from = placed ? position() : 0;
            put(piece);
            placed?.push(from, position());
          } else {
            if (i > 0) putBytes(COMMA);
            const from = placed ? position() : 0;
            putBytes(piece.source.subarray(piece.start, piece.end));
            placed?.push(from, position());
          }
        });
        put('}');
      } else if (value instanceof JsonBytes) {
        put(head);
        start = position();
        putBytes(value.bytes);
      } else {
        const text = JSON.stringify(value, replacer);
        if (text === undefined) continue;
        put(head);
        start = position();
        put(text);
      }
      if (track) at.set(key, [start, position()]);
      first = false;
    }
    put(first ? '{}' : '}');
    flush();
  } finally {
    closeSync(fd);
  }
  return at;
}

/** Writes `parts` in turn at the file's position (writev, up to 1,024 parts per call; a short write goes on where it stopped). */
function writeAll(fd: number, parts: readonly Uint8Array[]): void {
  let i = 0;
  let offset = 0; // bytes of parts[i] already written
  while (i < parts.length) {
    const batch = parts.slice(i, i + 1024);
    if (offset) batch[0] = batch[0]!.subarray(offset);
    let done = writevSync(fd, batch) + offset;
    while (i < parts.length && done >= parts[i]!.length) (done -= parts[i]!.length), i++;
    offset = done;
  }
}
