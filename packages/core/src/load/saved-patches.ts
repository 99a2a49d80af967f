import { deserialize } from 'node:v8';
import { serializeValue } from '../shared/v8-wire.js';

/*
 * The warm start's model patches (YAML entries by model file name: load/warm-start.ts SavedInternals)
 * saved one v8 blob each behind a JSON list of names and lengths: an update that parses one model
 * again decodes the one entry it asks for, not 10,000 (~0.3 s). Saving again reuses the blobs read.
 */

/** A map of saved entries decoding each value on first get (iterating decodes them all). */
export class BlobMap<V> extends Map<string, V> {
  private readonly at = new Map<string, readonly [number, number]>();
  /** Entries set since read (an update's new patches): their saved bytes no longer hold. */
  private readonly replaced = new Set<string>();

  constructor(
    private readonly bytes: Uint8Array,
    names: readonly string[],
    lengths: readonly number[],
    private readonly revive: (value: V) => V,
  ) {
    super();
    let offset = 0;
    names.forEach((name, i) => {
      this.at.set(name, [offset, lengths[i]!]);
      offset += lengths[i]!;
    });
    if (offset !== bytes.length) throw new Error('the saved patches do not match their index');
  }

  /** The saved bytes of an entry (undefined when it was set since). */
  blob(name: string): Uint8Array | undefined {
    if (this.replaced.has(name)) return undefined;
    const at = this.at.get(name);
    return at && this.bytes.subarray(at[0], at[0] + at[1]);
  }

  override get(name: string): V | undefined {
    if (super.has(name) || !this.at.has(name)) return super.get(name);
    const value = this.revive(deserialize(this.blob(name)!) as V);
    super.set(name, value);
    return value;
  }

  override has(name: string): boolean {
    return this.at.has(name);
  }

  /** Replaces an entry that was saved (an update changes entries, never adds them). */
  override set(name: string, value: V): this {
    if (!this.at.has(name)) throw new Error(`no saved entry '${name}'`);
    this.replaced.add(name);
    return super.set(name, value);
  }

  override get size(): number {
    return this.at.size;
  }

  override *entries(): MapIterator<[string, V]> {
    for (const name of this.at.keys()) yield [name, this.get(name)!];
  }

  override *keys(): MapIterator<string> {
    yield* this.at.keys();
  }

  override *values(): MapIterator<V> {
    for (const name of this.at.keys()) yield this.get(name)!;
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  override forEach(fn: (value: V, key: string, map: Map<string, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}

/** A patch as saved: plain data without its function values (a test declaration's lazy exactLine: load/warm-start.ts gives it back). */
export function savedPatch<V>(value: V): V {
  return withoutFunctions(value) as V;
}

function withoutFunctions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutFunctions);
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') out[k] = withoutFunctions(v);
  return out;
}

/** A map's entries as byte parts: a JSON line of names and blob lengths, then the blobs (a BlobMap's own blobs reused); written one after the other, never copied into one buffer. */
export function encodeBlobMapParts<V>(map: ReadonlyMap<string, V>): Uint8Array[] {
  const names: string[] = [];
  const parts: Uint8Array[] = [];
  const saved = map instanceof BlobMap ? (map as BlobMap<V>) : undefined;
  for (const [name, value] of saved ? [...saved.keys()].map((k) => [k, undefined] as const) : map) {
    names.push(name);
    // In JavaScript (shared/v8-wire.ts): a v8.serialize per schema file left a native serializer each for the GC.
    parts.push(saved?.blob(name) ?? serializeValue(savedPatch(saved ? saved.get(name) : value)));
  }
  return [Buffer.from(`${JSON.stringify({ names, lengths: parts.map((p) => p.length) })}\n`), ...parts];
}

/** The entries of encodeBlobMapParts' bytes, each decoded (then `revive`d) when first asked for. */
export function decodeBlobMap<V>(bytes: Uint8Array, revive: (value: V) => V = (v) => v): BlobMap<V> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cut = buffer.indexOf(10);
  if (cut < 0) throw new Error('the saved patches have no index');
  const { names, lengths } = JSON.parse(buffer.toString('utf8', 0, cut)) as { names: string[]; lengths: number[] };
  return new BlobMap(buffer.subarray(cut + 1), names, lengths, revive);
}
