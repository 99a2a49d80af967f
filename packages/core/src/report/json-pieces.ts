import { closeSync, openSync, readSync, writevSync } from 'node:fs';

/*
 * A large JSON artifact (manifest.json: ~50 MB for 25,000 nodes) written piece by piece. Built as
 * one object and stringified at once, it was alive three times at the end of a cold compile: every
 * node's dict, the JSON text, and that text's bytes for the write — the command's memory peak. Here
 * each entry of a big record is stringified as it is added (its dict is garbage at once) and the
 * pieces are written in turn. The bytes are JSON.stringify's of the whole object, replacer included
 * (it is called with each value, as there; keys are never replaced).
 */

type Replacer = ((key: string, value: unknown) => unknown) | undefined;

/**
 * An earlier write's file, open, read as its bytes are written again — never whole: 50 MB read into one
 * buffer cost more in page faults (kernel time) than copying them. Never the file being written.
 */
export class FileBytes {
  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}

  /** Bytes [start, end) (a few small pieces: the rest goes from the file to the new one in chunks). */
  read(start: number, end: number): Buffer {
    const bytes = Buffer.allocUnsafe(end - start);
    if (readSync(this.fd, bytes, 0, bytes.length, start) !== bytes.length) throw new EarlierBytesChanged();
    return bytes;
  }
}

/** An earlier file's bytes are not as recorded (a run's separators are not commas, or it is shorter): write in full instead. */
export class EarlierBytesChanged extends Error {
  constructor() {
    super('the earlier file changed');
  }
}

/** A run of an earlier write's bytes: one entry or several that followed each other there (comma-separated). */
interface ByteRun {
  readonly source: Uint8Array | FileBytes;
  readonly start: number;
  end: number;
  /** A file's run: where the commas between its entries must be (checked as it is copied). */
  commas?: number[];
}

/** The JSON text of a record, entry by entry. */
export class JsonRecord {
  /**
   * The record's text in order: entries' `"key":value` as text, or runs of an earlier write's bytes
   * (report/manifest-reuse.ts); null: a piece already written to the file it streams to.
   */
  readonly pieces: (string | ByteRun | null)[] = [];
  /** Per entry: its piece, its byte offset in it, its byte length (-1: the whole text piece). */
  private readonly entries: number[] = [];
  /** Filled by the write when positions are asked for: each piece's start and end in the file. */
  readonly placed: number[] | undefined;
  /** The file this record is written to as its entries come (JsonObjectFile.stream), while it is. */
  sink: JsonObjectFile | undefined;
  /** Pieces written so far (each then null). */
  written = 0;

  constructor(private readonly replacer: Replacer, positions = false) {
    this.placed = positions ? [] : undefined;
  }

  /** Adds `"key":value` (nothing when the value stringifies to nothing, as JSON.stringify leaves out an undefined member); its entry's index (-1: none). */
  set(key: string, value: unknown): number {
    const text = JSON.stringify(value, this.replacer);
    if (text === undefined) return -1;
    this.entries.push(this.pieces.push(`${JSON.stringify(key)}:${text}`) - 1, 0, -1);
    this.sink?.drain(this, false);
    return this.entries.length / 3 - 1;
  }

  /**
   * Adds an entry as an earlier write holds it: `source[start, end)`, the UTF-8 bytes of `"key":value`;
   * its entry's index. Entries that followed each other in `source` are written as one run.
   */
  add(source: Uint8Array | FileBytes, start = 0, end = source instanceof FileBytes ? source.size : source.length): number {
    const last = this.pieces[this.pieces.length - 1];
    const follows = last && typeof last === 'object' && last.source === source && last.end + 1 === start;
    if (follows && (source instanceof FileBytes || source[last.end] === 0x2c) /* , */) {
      if (source instanceof FileBytes) (last.commas ??= []).push(last.end);
      this.entries.push(this.pieces.length - 1, start - last.start, end - start);
      last.end = end;
    } else {
      this.entries.push(this.pieces.push({ source, start, end }) - 1, 0, end - start);
      this.sink?.drain(this, false);
    }
    return this.entries.length / 3 - 1;
  }

  /** Where entry `i` was written: [start, end) byte offsets in the file (after a write with positions). */
  position(i: number): [number, number] {
    return [this.start(i), this.end(i)];
  }

  /** position(i)'s start and end, one number each (no array per entry). */
  start(i: number): number {
    return this.placed![this.entries[i * 3]! * 2]! + this.entries[i * 3 + 1]!;
  }

  end(i: number): number {
    const length = this.entries[i * 3 + 2]!;
    return length < 0 ? this.placed![this.entries[i * 3]! * 2 + 1]! : this.start(i) + length;
  }
}

/** A member's value as an earlier write holds it: its JSON text's bytes, written as they are. */
export class JsonBytes {
  constructor(readonly bytes: Uint8Array) {}
}

const CHUNK = 1 << 20;
const COMMA = Buffer.from(',');
/** An earlier file's runs shorter than this are read into a slab and written with the text around them; longer ones in chunks. */
const SMALL_RUN = 64 << 10;

/**
 * Writes the object of `members` (in order; a JsonRecord's pieces or JsonBytes as that member's
 * value) to `path`, as JSON.stringify would. When a record asks for positions, also says where each
 * member's value was written ([start, end) byte offsets).
 */
export function writeJsonObject(path: string, members: readonly (readonly [string, unknown])[], replacer: Replacer): Map<string, [number, number]> {
  const out = new JsonObjectFile(path, replacer, members.some(([, v]) => v instanceof JsonRecord && v.placed));
  try {
    for (const [key, value] of members) out.member(key, value);
    return out.close();
  } catch (error) {
    out.abandon();
    throw error;
  }
}

/**
 * A JSON object written member by member to a file, as JSON.stringify would write it. A record
 * member may also be streamed (stream … endStream): its entries are written as they are added, so
 * the largest one (manifest.json's `nodes`, ~47 MB of text for 25,000 nodes) is never held whole.
 */
export class JsonObjectFile {
  private readonly fd: number;
  /** Text gathered before it is written; bytes (the pieces of an earlier write) and sealed chunks in `parts`, written with writev. */
  private chunk = '';
  private readonly parts: Uint8Array[] = [];
  /** Bytes written, bytes in `parts`, and `chunk`'s bytes when positions are tracked (-1: not counted). */
  private flushed = 0;
  private pending = 0;
  private counted: number;
  private first = true;
  private closed = false;
  private readonly at = new Map<string, [number, number]>();
  /** The streamed member: its key and where its value starts. */
  private open: { key: string; start: number } | undefined;
  /** Where short runs of an earlier file are read (putFileRun), and the buffer long ones are copied through. */
  private slab: Buffer | undefined;
  private slabUsed = 0;
  private copier: Buffer | undefined;

  /** `track`: say where each member's value was written (close()), and each entry of records that ask for positions. */
  constructor(
    path: string,
    private readonly replacer: Replacer,
    private readonly track: boolean,
  ) {
    this.counted = track ? 0 : -1;
    this.fd = openSync(path, 'w');
  }

  /** Writes the member `key` (a JsonRecord's pieces or JsonBytes as they are, any other value stringified; an undefined value is left out). */
  member(key: string, value: unknown): void {
    if (value instanceof JsonRecord) {
      this.stream(key, value);
      this.endStream(value);
      return;
    }
    let start: number;
    if (value instanceof JsonBytes) {
      this.put(this.head(key));
      start = this.position();
      this.putBytes(value.bytes);
    } else {
      const text = JSON.stringify(value, this.replacer);
      if (text === undefined) return;
      this.put(this.head(key));
      start = this.position();
      this.put(text);
    }
    if (this.track) this.at.set(key, [start, this.position()]);
  }

  /** Starts the member `key` with `record`'s entries so far; the entries added to it until endStream are written as they come. */
  stream(key: string, record: JsonRecord): void {
    if (this.open) throw new Error(`'${this.open.key}' is still being written`);
    this.put(`${this.head(key)}{`);
    this.open = { key, start: this.position() - 1 };
    record.sink = this;
    this.drain(record, false);
  }

  /** Ends the streamed member of `record`. */
  endStream(record: JsonRecord): void {
    this.drain(record, true);
    record.sink = undefined;
    this.put('}');
    if (this.track) this.at.set(this.open!.key, [this.open!.start, this.position()]);
    this.open = undefined;
  }

  /** Writes `record`'s pieces not yet written (but a last run of bytes the next entry may extend, unless `all`), dropping their text. */
  drain(record: JsonRecord, all: boolean): void {
    const pieces = record.pieces;
    const placed = record.placed;
    for (let i = record.written; i < pieces.length; i++) {
      const piece = pieces[i] as string | ByteRun;
      if (typeof piece === 'string') {
        if (i > 0) this.put(',');
        const from = placed ? this.position() : 0;
        this.put(piece);
        placed?.push(from, this.position());
      } else {
        if (!all && i === pieces.length - 1) break;
        if (i > 0) this.putBytes(COMMA);
        const from = placed ? this.position() : 0;
        if (piece.source instanceof FileBytes) this.putFileRun(piece as ByteRun & { source: FileBytes });
        else this.putBytes(piece.source.subarray(piece.start, piece.end));
        placed?.push(from, this.position());
      }
      pieces[i] = null;
      record.written = i + 1;
    }
  }

  /** Ends the object and closes the file; where each member's value was written (when tracked). */
  close(): Map<string, [number, number]> {
    if (this.open) throw new Error(`'${this.open.key}' is still being written`);
    this.put(this.first ? '{}' : '}');
    this.flush();
    this.closed = true;
    closeSync(this.fd);
    return this.at;
  }

  /** Closes the file unfinished, if still open (the caller removes it). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private head(key: string): string {
    const head = `${this.first ? '{' : ','}${JSON.stringify(key)}:`;
    this.first = false;
    return head;
  }

  private position(): number {
    return this.flushed + this.pending + this.counted;
  }

  private put(text: string): void {
    this.chunk += text;
    if (this.counted >= 0) this.counted += Buffer.byteLength(text);
    if (this.chunk.length >= CHUNK) this.flush();
  }

  private putBytes(bytes: Uint8Array): void {
    this.seal();
    this.parts.push(bytes);
    this.pending += bytes.length;
    if (this.pending >= CHUNK) this.flush();
  }

  /** A file's run: a short one read into a slab (kept until written with what is around it), a long one copied in chunks through one buffer. */
  private putFileRun(run: ByteRun & { source: FileBytes }): void {
    const commas = run.commas ?? [];
    let c = 0;
    const read = (into: Uint8Array, from: number) => {
      if (readSync(run.source.fd, into, 0, into.length, from) !== into.length) throw new EarlierBytesChanged();
      for (; c < commas.length && commas[c]! < from + into.length; c++) if (into[commas[c]! - from] !== 0x2c) throw new EarlierBytesChanged();
    };
    const length = run.end - run.start;
    if (length < SMALL_RUN) {
      if (!this.slab || this.slabUsed + length > this.slab.length) (this.slab = Buffer.allocUnsafe(CHUNK)), (this.slabUsed = 0);
      const bytes = this.slab.subarray(this.slabUsed, (this.slabUsed += length));
      read(bytes, run.start);
      return this.putBytes(bytes);
    }
    this.flush();
    this.copier ??= Buffer.allocUnsafe(CHUNK);
    for (let at = run.start; at < run.end; ) {
      const bytes = this.copier.subarray(0, Math.min(CHUNK, run.end - at));
      read(bytes, at);
      writeAll(this.fd, [bytes]);
      this.flushed += bytes.length;
      at += bytes.length;
    }
  }

  private seal(): void {
    if (this.chunk === '') return;
    const bytes = Buffer.from(this.chunk);
    this.parts.push(bytes);
    this.pending += bytes.length;
    this.chunk = '';
    this.counted = this.track ? 0 : -1;
  }

  private flush(): void {
    this.seal();
    writeAll(this.fd, this.parts);
    this.flushed += this.pending;
    this.parts.length = 0;
    this.pending = 0;
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
