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

/** The JSON text of a record, entry by entry. */
export class JsonRecord {
  /** Each entry's `"key":value`, as text or as the bytes of an earlier write (report/manifest-reuse.ts). */
  readonly pieces: (string | Uint8Array)[] = [];
  /** With `positions`: where writeJsonObject wrote each piece in the file (start, end byte offsets, in turn). */
  readonly at: number[] | undefined;

  constructor(private readonly replacer: Replacer, positions = false) {
    this.at = positions ? [] : undefined;
  }

  /** Adds `"key":value` (nothing when the value stringifies to nothing, as JSON.stringify leaves out an undefined member); its piece's index. */
  set(key: string, value: unknown): number {
    const text = JSON.stringify(value, this.replacer);
    if (text !== undefined) this.pieces.push(`${JSON.stringify(key)}:${text}`);
    return this.pieces.length - 1;
  }

  /** Adds a piece as an earlier write holds it (the UTF-8 bytes of `"key":value`); its index. */
  add(piece: Uint8Array): number {
    return this.pieces.push(piece) - 1;
  }
}

const CHUNK = 1 << 20;

/** Writes the object of `members` (in order; a JsonRecord's pieces as that member's value) to `path`, as JSON.stringify would. */
export function writeJsonObject(path: string, members: readonly (readonly [string, unknown])[], replacer: Replacer): void {
  const fd = openSync(path, 'w');
  try {
    // Text is gathered in `chunk`; bytes (the pieces of an earlier write) and sealed chunks in `parts`, written with writev.
    let chunk = '';
    const parts: Uint8Array[] = [];
    // Bytes written, bytes in `parts`, and `chunk`'s bytes when a record tracks positions (-1: not counted).
    const track = members.some(([, v]) => v instanceof JsonRecord && v.at);
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
      if (value instanceof JsonRecord) {
        put(`${first ? '{' : ','}${JSON.stringify(key)}:{`);
        const at = value.at;
        value.pieces.forEach((piece, i) => {
          if (i > 0) put(',');
          const start = at ? position() : 0;
          if (typeof piece === 'string') put(piece);
          else putBytes(piece);
          at?.push(start, position());
        });
        put('}');
      } else {
        const text = JSON.stringify(value, replacer);
        if (text === undefined) continue;
        put(`${first ? '{' : ','}${JSON.stringify(key)}:${text}`);
      }
      first = false;
    }
    put(first ? '{}' : '}');
    flush();
  } finally {
    closeSync(fd);
  }
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
