import { serialize } from 'node:v8';

/*
 * v8.serialize's bytes written in JavaScript, for the values a warm start saves by the thousand
 * (manifest nodes: plain objects, arrays, strings, numbers, booleans, null, undefined, Maps, Sets,
 * Dates). Each v8.serialize call leaves a C++ serializer (its zone, ≥ 8 KB) that is freed only when a
 * GC collects its small JS wrapper; a loop of 25,000 calls allocates little JS, so few GCs run and a
 * cold compile's RSS grew ~100–200 MB writing the 10k project's warm start. This writer keeps one
 * buffer and allocates nothing native per value, and is faster.
 *
 * The bytes are V8's format (version 15), read back by v8.deserialize as v8.serialize's are: the same
 * values, objects shared within the value shared again (V8's back-references). They may differ in
 * byte form where V8 chooses by a value's internal representation (a holey array written dense, an
 * integral double as an integer). Anything else (a class instance, typed array, Proxy, function,
 * symbol, bigint, an array with extra keys…) makes `encode` answer undefined: v8.serialize it. A Proxy
 * (V8 refuses one) is written as what it shows.
 */

const enum Tag {
  Padding = 0x00,
  Version = 0xff,
  Undefined = 0x5f, // _
  Null = 0x30, // 0
  True = 0x54, // T
  False = 0x46, // F
  Int32 = 0x49, // I
  Double = 0x4e, // N
  OneByteString = 0x22, // "
  TwoByteString = 0x63, // c
  ObjectReference = 0x5e, // ^
  BeginObject = 0x6f, // o
  EndObject = 0x7b, // {
  BeginDenseArray = 0x41, // A
  EndDenseArray = 0x24, // $
  TheHole = 0x2d, // -
  BeginMap = 0x3b, // ;
  EndMap = 0x3a, // :
  BeginSet = 0x27, // '
  EndSet = 0x2c, // ,
  Date = 0x44, // D
}

/** V8's format version written in the header (Node 20–24's V8 write 15, and read 13 and later). */
const VERSION = 15;
/** Smis (31 bits with pointer compression) are what V8 writes as Int32; other numbers as doubles. */
const SMI_MIN = -(2 ** 30);
const SMI_MAX = 2 ** 30 - 1;

/** Thrown inside the writer for a value it does not write (the caller falls back to v8.serialize). */
const UNSUPPORTED = new Error('not written by v8-wire');

/** Values are written one after another into slabs of this size; each value's bytes are a view of its slab. */
const SLAB = 1 << 20;
/** Objects of a value looked up by a scan before a Map is made for them. */
const SCAN = 48;

class Writer {
  buf = Buffer.allocUnsafe(SLAB);
  /** Where the value being written starts in `buf`. */
  start = 0;
  pos = 0;
  /**
   * The objects written so far, each at its id (V8 numbers every object in the order it is first
   * written): looked up by a scan while few (a node has ~20), through a Map past that.
   */
  readonly written: (object | undefined)[] = [];
  count = 0;
  readonly ids = new Map<object, number>();

  begin(): void {
    this.start = this.pos;
  }

  /** Forgets the objects of the value written (not kept alive by the writer). */
  forget(): void {
    for (let i = 0; i < this.count; i++) this.written[i] = undefined;
    this.count = 0;
    this.ids.clear();
  }

  /** The id of `v` when it was written before in this value, else undefined (and `v` takes the next id). */
  idOf(v: object): number | undefined {
    const n = this.count;
    if (n <= SCAN) {
      const written = this.written;
      for (let i = 0; i < n; i++) if (written[i] === v) return i;
      if (n < SCAN) {
        written[n] = v;
        this.count = n + 1;
        return undefined;
      }
      for (let i = 0; i < n; i++) this.ids.set(written[i]!, i);
    }
    const known = this.ids.get(v);
    if (known !== undefined) return known;
    this.ids.set(v, n);
    this.count = n + 1;
    return undefined;
  }

  /** The value written since begin(): a view of the slab, never written over (later values go after it). */
  end(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }

  /** Abandons the value written since begin(). */
  abandon(): void {
    this.pos = this.start;
  }

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // A new slab, the value written so far copied to its start (the old slab stays with the views made of it).
    const sofar = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB, 2 * (sofar + n)));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = sofar;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  varint(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
    const n = s.length;
    if (n < 64) {
      // Short strings (keys, names) byte by byte: cheaper than a call into the Buffer's native writer.
      this.room(n + 3);
      const start = this.pos;
      const buf = this.buf;
      buf[start] = Tag.OneByteString;
      buf[start + 1] = n; // one varint byte: n < 128
      let at = start + 2;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff) return this.twoByteString(s);
        buf[at++] = c;
      }
      this.pos = at;
      return;
    }
    // One byte per character when every one is Latin-1 (as V8 stores such strings), else UTF-16 code units
    // as they are (a lone surrogate included).
    let latin1 = Buffer.byteLength(s, 'utf8') === n;
    if (!latin1) {
      latin1 = true;
      for (let i = 0; i < n; i++)
        if (s.charCodeAt(i) > 0xff) {
          latin1 = false;
          break;
        }
    }
    if (!latin1) return this.twoByteString(s);
    this.room(n + 11);
    this.buf[this.pos++] = Tag.OneByteString;
    this.varint(n);
    this.pos += this.buf.write(s, this.pos, n, 'latin1');
  }

  twoByteString(s: string): void {
    const bytes = s.length * 2;
    this.room(bytes + 12);
    // V8 pads so that the characters start at an even offset.
    let lengthBytes = 1;
    for (let b = bytes; b >= 0x80; b = Math.floor(b / 0x80)) lengthBytes++;
    if ((this.pos + 1 + lengthBytes) & 1) this.buf[this.pos++] = Tag.Padding;
    this.buf[this.pos++] = Tag.TwoByteString;
    this.varint(bytes);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf16le');
  }

  number(v: number): void {
    if ((v | 0) === v && v >= SMI_MIN && v <= SMI_MAX && !Object.is(v, -0)) {
      this.byte(Tag.Int32);
      this.varint(((v << 1) ^ (v >> 31)) >>> 0); // zigzag
      return;
    }
    this.room(9);
    this.buf[this.pos++] = Tag.Double;
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  /** An object's key: an array index as V8 writes it (a number), any other as a string. */
  key(k: string): void {
    const c = k.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) {
      const i = Number(k);
      if (i < 2 ** 32 - 1 && String(i) === k) return this.number(i);
    }
    this.string(k);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'boolean':
        return this.byte(v ? Tag.True : Tag.False);
      case 'undefined':
        return this.byte(Tag.Undefined);
      case 'object':
        if (v === null) return this.byte(Tag.Null);
        return this.object(v);
      default:
        throw UNSUPPORTED; // function, symbol, bigint
    }
  }

  object(v: object): void {
    const known = this.idOf(v);
    if (known !== undefined) {
      this.byte(Tag.ObjectReference);
      return this.varint(known);
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === Object.prototype || proto === null) {
      // A Proxy of a plain object is written as what it shows (V8 refuses it); one of an array is left to V8.
      if (Array.isArray(v)) throw UNSUPPORTED;
      this.byte(Tag.BeginObject);
      let n = 0;
      const o = v as Record<string, unknown>;
      // for…in: own enumerable string keys in V8's order (integer keys first); a plain object inherits
      // none (encode checks Object.prototype has no enumerable key).
      for (const k in o) {
        this.key(k);
        this.value(o[k]);
        n++;
      }
      this.byte(Tag.EndObject);
      return this.varint(n);
    }
    if (proto === Array.prototype && Array.isArray(v)) {
      const a = v as unknown[];
      const n = a.length;
      this.byte(Tag.BeginDenseArray);
      this.varint(n);
      let present = 0;
      for (let i = 0; i < n; i++) {
        const x = a[i];
        if (x === undefined && !(i in a)) this.byte(Tag.TheHole);
        else {
          this.value(x);
          present++;
        }
      }
      // Keys besides the indexes (V8 writes them as properties): not written here.
      let keys = 0;
      for (const _ in a) if (++keys > present) throw UNSUPPORTED;
      this.byte(Tag.EndDenseArray);
      this.varint(0);
      return this.varint(n);
    }
    if (proto === Map.prototype && v instanceof Map) {
      this.byte(Tag.BeginMap);
      for (const [k, x] of v) {
        this.value(k);
        this.value(x);
      }
      this.byte(Tag.EndMap);
      return this.varint(v.size * 2);
    }
    if (proto === Set.prototype && v instanceof Set) {
      this.byte(Tag.BeginSet);
      for (const x of v) this.value(x);
      this.byte(Tag.EndSet);
      return this.varint(v.size);
    }
    if (proto === Date.prototype && v instanceof Date) {
      this.room(9);
      this.buf[this.pos++] = Tag.Date;
      this.pos = this.buf.writeDoubleLE(v.getTime(), this.pos);
      return;
    }
    throw UNSUPPORTED;
  }
}

const writer = new Writer();
/** Nesting past this depth (a cycle through fresh objects is impossible, but a deep value) is left to V8. */
let depthGuard = 0;

/**
 * `value` in v8.serialize's format, or undefined when it holds a value this writer leaves to V8. The
 * bytes are a view of a 1 MB slab shared with the values written before and after: a caller keeping
 * one small value for long should copy it (the writers here hand them to a file and drop them).
 */
export function encode(value: unknown): Buffer | undefined {
  if (depthGuard++ > 0) {
    depthGuard--;
    return undefined; // re-entered from a getter: let V8 do it
  }
  try {
    for (const _ in Object.prototype) return undefined; // an enumerable key added to every object: for…in would list it
    writer.begin();
    writer.byte(Tag.Version);
    writer.byte(VERSION);
    writer.value(value);
    return writer.end();
  } catch (e) {
    writer.abandon();
    if (e === UNSUPPORTED || e instanceof RangeError) return undefined; // RangeError: too deep for the stack
    throw e;
  } finally {
    writer.forget();
    depthGuard--;
  }
}

/** v8.serialize(value), written in JavaScript where it can be (no native serializer left for the GC). */
export function serializeValue(value: unknown): Buffer {
  return encode(value) ?? serialize(value);
}
