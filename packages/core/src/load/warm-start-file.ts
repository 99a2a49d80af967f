import { fstatSync, readSync, type Stats } from 'node:fs';
import { deserialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { InputSpec, ScanColumns } from './input-fingerprint.js';
import type { Section } from './section-writer.js';
import type { WarmDelta } from './warm-start.js';

/*
 * The layout of target/warm_start.bin (load/warm-start.ts): a JSON header line (format, key, six
 * sections' sizes and CRC-32s), the sections, then the deltas appended since. Apart from what a
 * saved load is, so that the thread that stats the inputs ahead (load/stat-ahead-worker.ts) reads
 * the same file without loading the rest of tsdbt.
 */

export const FORMAT = 'tsdbt-warm-start/15';
/** Each appended delta starts with these 4 bytes, then its length and CRC-32 (uint32 BE each). */
export const DELTA_MAGIC = 0x57534431; // 'WSD1'
export const DELTA_HEAD = 12;

export interface Header {
  readonly format: string;
  readonly key: Readonly<Record<string, string>>;
  readonly sections: readonly Section[];
}

/** Where each section starts (in file order), and where the deltas start. */
export interface Layout {
  readonly header: Header;
  readonly sections: readonly [Section, Section, Section, Section, Section, Section];
  readonly offsets: { readonly inputs: number; readonly load: number; readonly blobs: number; readonly index: number; readonly tail: number; readonly internals: number; readonly deltas: number };
  /** What a delta applies to: the saved load, its nodes and their index. */
  readonly base: string;
}

/** The inputs section: what the load read, to tell whether it still holds. */
export interface SavedInputs {
  readonly spec: InputSpec;
  readonly scan: ScanColumns;
  readonly env: [string, string | undefined][];
  readonly cliVars: [string, string | undefined][];
}

// CRC-32 detects a truncated or damaged file (not tampering: the target folder is the user's own) at ~5 GB/s.
export const checksum = (bytes: Uint8Array) => crc32(bytes).toString(16);

/** Reads `length` bytes at `offset` of an open file (throws on a short read). */
export function bytesAt(fd: number, offset: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  if (readSync(fd, bytes, 0, length, offset) !== length) throw new Error('corrupt');
  return bytes;
}

/** A section's bytes, checked against its CRC-32 (throws when they differ). */
export function sectionAt(fd: number, offset: number, s: Section): Buffer {
  const bytes = bytesAt(fd, offset, s.bytes);
  if (checksum(bytes) !== s.crc32) throw new Error('corrupt');
  return bytes;
}

/** The header and sections of an open warm start of `size` bytes, or why it cannot be used. */
export function readLayout(fd: number, size: number): Layout | string {
  const head = Buffer.alloc(Math.min(size, 4096));
  readSync(fd, head, 0, head.length, 0);
  const cut = head.indexOf(10);
  if (cut < 0) return 'the warm-start file is corrupt';
  const header = JSON.parse(head.subarray(0, cut).toString('utf8')) as Header;
  if (header.format !== FORMAT || !Array.isArray(header.sections) || header.sections.length !== 6) return 'the warm-start file has another format';
  const sections = header.sections as unknown as Layout['sections'];
  const [inputsAt, loadAt, blobsAt, indexAt, tailAt, internalsAt] = sections;
  const inputs = cut + 1;
  const load = inputs + inputsAt.bytes;
  const blobs = load + loadAt.bytes;
  const index = blobs + blobsAt.bytes;
  const tail = index + indexAt.bytes;
  const internals = tail + tailAt.bytes;
  const deltas = internals + internalsAt.bytes;
  if (deltas > size) return 'the warm-start file is corrupt';
  return { header, sections, offsets: { inputs, load, blobs, index, tail, internals, deltas }, base: `${loadAt.crc32}.${indexAt.crc32}.${tailAt.crc32}.${blobsAt.crc32}` };
}

/** The deltas appended after the sections, checked (magic, CRC, the base and offset each was written for). */
export function readDeltas(fd: number, layout: Layout, size: number): (WarmDelta & { bytes: number; crc: number })[] {
  const out: (WarmDelta & { bytes: number; crc: number })[] = [];
  let at = layout.offsets.deltas;
  while (at < size) {
    if (at + DELTA_HEAD > size) throw new Error('corrupt');
    const head = bytesAt(fd, at, DELTA_HEAD);
    const length = head.readUInt32BE(4);
    if (head.readUInt32BE(0) !== DELTA_MAGIC || at + DELTA_HEAD + length > size) throw new Error('corrupt');
    const payload = bytesAt(fd, at + DELTA_HEAD, length);
    if (crc32(payload) !== head.readUInt32BE(8)) throw new Error('corrupt');
    const delta = deserialize(payload) as WarmDelta & { at: number; base: string };
    if (delta.at !== at || delta.base !== layout.base) throw new Error('corrupt');
    out.push({ ...delta, bytes: DELTA_HEAD + length, crc: head.readUInt32BE(8) });
    at += DELTA_HEAD + length;
  }
  return out;
}

/** The inputs section read back. */
export function readSavedInputs(fd: number, layout: Layout): SavedInputs {
  return deserialize(sectionAt(fd, layout.offsets.inputs, layout.sections[0])) as SavedInputs;
}

/** The deltas' fingerprints over the saved scan's (null: no longer scanned). */
export function scanOverrides(deltas: readonly WarmDelta[]): Map<string, string | null> {
  const overrides = new Map<string, string | null>();
  for (const d of deltas) for (const [path, fp] of d.scan) overrides.set(path, fp);
  return overrides;
}

/**
 * Which file an open descriptor is, as far as tsdbt writes one: a warm start is replaced by a rename
 * (another inode) and grows by appends (another size and mtime), never rewritten in place.
 */
export function fileIdentity(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

/** fileIdentity of an open descriptor. */
export const identityOf = (fd: number): string => fileIdentity(fstatSync(fd));
