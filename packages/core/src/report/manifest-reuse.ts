import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { LoadedProject } from '../load/load-project.js';
import { engineFingerprint } from '../load/parse-cache-key.js';
import { FileBytes, JsonBytes } from './json-pieces.js';

/*
 * manifest.json again, cheaply. A warm `compile` writes ~50 MB of JSON of which little changed:
 * - when the caller knows the contents are those of the last write — a content key (the warm
 *   start's identity and a hash of the compiled SQL) equal to the one recorded beside the file —,
 *   the new file is the new metadata followed by the old file's bytes after its metadata — written
 *   over the old metadata in place when it has the same length (the usual case: the same fields, a
 *   new timestamp and invocation id), so the other ~50 MB are neither read nor written;
 * - else, when the nodes come from a warm start that only had deltas appended since the last write
 *   (load/warm-changes.ts), each unchanged node's pieces (its dict, parent_map and child_map
 *   entries) are copied from the old file's bytes, and only the nodes set since, those whose
 *   compiled SQL differs and the children lists of their old and new parents are made again.
 * Either way only when the old file is untouched since (size and mtime as recorded); the result is
 * byte for byte what a full write gives, and anything unsure writes in full.
 */

/** Beside manifest.json: what its last write was made of, where its metadata ends, its size and mtime, where each node's pieces are. */
const RECORD_FILE = '.manifest-pieces';
const HEAD = '{"metadata":';
/** Pieces per node in the record's offsets: its dict, parent_map and child_map entries. */
export const PIECES = 3;

export interface Recorded {
  readonly key: string | undefined;
  readonly metadataEnd: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly pieces: RecordedPieces | undefined;
}

/** Where the nodes' pieces of a write are, and what they were made of. */
export interface RecordedPieces {
  /** The warm start the nodes came from (LoadedProject.warmIdentity). */
  readonly identity: string;
  /** The node ids in order (idsKey). */
  readonly ids: string;
  /** Per node, per piece: start and end byte offsets (after the metadata: a new metadata moves nothing). */
  readonly offsets: Uint32Array;
  /** Per node: a hash of the compiled SQL written in its dict ('' when none; sqlKey). */
  readonly sqlKeys: readonly string[];
  /** Where group_map's value is (offsets as `offsets`'). */
  readonly groupMap: readonly [number, number];
}

/** Where a manifest's nodes come from, when a warm start: what lets a write reuse the last one's pieces. */
export interface ManifestSource {
  readonly identity: string;
  /** The nodes set since the warm start was `since` (undefined: unknown). */
  readonly changedSince: (since: string) => ReadonlySet<string> | undefined;
}

/** The last write's pieces a new write of the same warm start can copy. */
export interface EarlierPieces {
  /** Nodes set since (their pieces are made again). */
  readonly changed: ReadonlySet<string>;
  readonly sqlKeys: readonly string[];
  /** The last write's file (open until `close`: read as the new one is written), and where node `i`'s piece `k` (0 dict, 1 parents, 2 children) is in it. */
  readonly bytes: FileBytes;
  /** Closes the file (once; later calls do nothing). */
  close(): void;
  span(i: number, k: number): [number, number];
  /** The span's start and end, one number each (25,000 nodes' three pieces: no array made per piece). */
  start(i: number, k: number): number;
  end(i: number, k: number): number;
  /** The bytes of that piece. */
  piece(i: number, k: number): Uint8Array;
  /** group_map's value as written. */
  readonly groupMap: Uint8Array;
}

/** A key of the node ids in order: pieces are reused only for the same nodes in the same order. */
export const idsKey = (ids: readonly string[]) => createHash('sha1').update(ids.join('\0')).digest('base64');

/** A key of a compiled SQL text ('' for none). */
export const sqlKey = (sql: string | undefined) => (sql === undefined ? '' : createHash('sha1').update(sql).digest('base64'));

/** What the last write of `path` was made of, when the file is still that write (size and mtime as recorded). */
export function readManifestRecord(targetDir: string, path: string): Recorded | null {
  try {
    const recorded = deserialize(readFileSync(join(targetDir, RECORD_FILE))) as Recorded;
    const s = statSync(path);
    return s.size === recorded.size && s.mtimeMs === recorded.mtimeMs ? recorded : null;
  } catch {
    return null;
  }
}

/** The old file, open, when it is as recorded (size, its head, the comma after the metadata); undefined (closed) else. */
function recordedFile(path: string, recorded: Recorded): FileBytes | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEAD.length);
    const after = Buffer.alloc(1);
    if (size === recorded.size && size > recorded.metadataEnd && readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === HEAD && readSync(fd, after, 0, 1, recorded.metadataEnd) === 1 && after[0] === 0x2c /* , */)
      return new FileBytes(fd, size);
  } catch {
    // as not recorded
  }
  closeSync(fd);
  return undefined;
}

/** The old file's bytes when they are as recorded (size, the metadata's end). */
function recordedBytes(path: string, recorded: Recorded): Buffer | undefined {
  const old = readFileSync(path);
  if (old.length !== recorded.size || old.toString('latin1', 0, HEAD.length) !== HEAD || old[recorded.metadataEnd] !== 0x2c /* , */) return undefined;
  return old;
}

/**
 * Writes `path` from its previous contents with `metadataJson` in front, when `key` says they hold:
 * 'in place' when only the metadata's bytes were written over, 'rewritten' when the whole file was
 * written again (the metadata's length changed); false when the contents do not hold.
 */
export function rewriteManifestMetadata(
  targetDir: string,
  path: string,
  key: string,
  metadataJson: string,
  /** The record as readManifestRecord read it just before (a write reads it once: it holds 25,000 SQL keys). */
  recorded: Recorded | null = readManifestRecord(targetDir, path),
): 'in place' | 'rewritten' | false {
  if (recorded?.key !== key) return false;
  const head = Buffer.from(HEAD + metadataJson);
  // The pieces' offsets count from the metadata's end: they hold as they are.
  if (head.length === recorded.metadataEnd && writeHeadInPlace(path, recorded, head)) {
    recordManifest(targetDir, path, key, head.length, recorded.pieces);
    return 'in place';
  }
  const old = recordedBytes(path, recorded);
  if (!old) return false;
  writeFileSync(path, Buffer.concat([head, old.subarray(recorded.metadataEnd)]));
  recordManifest(targetDir, path, key, head.length, recorded.pieces);
  return 'rewritten';
}

/**
 * Writes `head` over the first bytes of `path` when the file is as recorded (size, mtime, the head's
 * opening and the comma after the old metadata) and the old metadata is exactly as long. No less
 * safe than the full write it replaces, which truncated the same file before writing it again.
 */
function writeHeadInPlace(path: string, recorded: Recorded, head: Buffer): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r+');
    const s = fstatSync(fd);
    if (s.size !== recorded.size || s.mtimeMs !== recorded.mtimeMs || s.size <= head.length) return false;
    const start = Buffer.alloc(HEAD.length);
    const after = Buffer.alloc(1);
    if (readSync(fd, start, 0, start.length, 0) !== start.length || start.toString('latin1') !== HEAD) return false;
    if (readSync(fd, after, 0, 1, recorded.metadataEnd) !== 1 || after[0] !== 0x2c /* , */) return false;
    return writeSync(fd, head, 0, head.length, 0) === head.length;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The last write's pieces when it was made from an earlier state of the same warm start, with the same nodes in the same order (and some node's compiled SQL key, `sqlKeys` in node order, the same). */
export function earlierPieces(targetDir: string, path: string, source: ManifestSource, ids: string, sqlKeys: readonly string[], recorded: Recorded | null = readManifestRecord(targetDir, path)): EarlierPieces | undefined {
  const pieces = recorded?.pieces;
  if (!pieces || pieces.ids !== ids) return undefined;
  const changed = source.changedSince(pieces.identity);
  if (!changed) return undefined;
  // No dict to copy (e.g. a run's manifest, without compiled SQL, after a compile's): the old file is not even read.
  if (!pieces.sqlKeys.some((key, i) => key === sqlKeys[i])) return undefined;
  let old: FileBytes | undefined;
  try {
    old = recordedFile(path, recorded);
  } catch {
    return undefined;
  }
  if (!old) return undefined;
  const bytes = old;
  const base = recorded.metadataEnd;
  const offsets = pieces.offsets;
  const span = (i: number, k: number): [number, number] => [base + offsets[(i * PIECES + k) * 2]!, base + offsets[(i * PIECES + k) * 2 + 1]!];
  let groupMap: Buffer;
  try {
    groupMap = bytes.read(base + pieces.groupMap[0], base + pieces.groupMap[1]);
  } catch {
    closeSync(bytes.fd);
    return undefined;
  }
  let open = true;
  const close = () => {
    if (open) closeSync(bytes.fd);
    open = false;
  };
  const start = (i: number, k: number) => base + offsets[(i * PIECES + k) * 2]!;
  const end = (i: number, k: number) => base + offsets[(i * PIECES + k) * 2 + 1]!;
  return { changed, sqlKeys: pieces.sqlKeys, bytes, span, start, end, piece: (i, k) => bytes.read(...span(i, k)), groupMap, close };
}

/** Notes what the manifest.json just written (metadata ending at byte `metadataEnd`) was made of, or forgets it. */
export function recordManifest(targetDir: string, path: string, key: string | undefined, metadataEnd: number, pieces?: RecordedPieces): void {
  const file = join(targetDir, RECORD_FILE);
  try {
    if (key === undefined && !pieces) return rmSync(file, { force: true });
    const s = statSync(path);
    writeFileSync(file, serialize({ key, metadataEnd, size: s.size, mtimeMs: s.mtimeMs, pieces } satisfies Recorded));
  } catch {
    // only a shortcut for the next write
  }
}

/** A node's parents as the graph lists them: its dependencies in the manifest, once each. */
function parentsOf(manifest: Manifest, id: string): string[] {
  const out: string[] = [];
  for (const p of manifest.nodes.get(id)!.dependsOn) if (manifest.nodes.has(p) && !out.includes(p)) out.push(p);
  return out;
}

/**
 * The parent lists of the changed nodes, and the child lists that differ from the last write's:
 * each changed node's and those of its old and new parents (only changed nodes' dependencies
 * changed, so each such list is the written one less and plus the edges they dropped and gained).
 */
export function edgeChanges(manifest: Manifest, ids: readonly string[], earlier: EarlierPieces): { parents: Map<string, string[]>; children: Map<string, string[]> } {
  const written = (i: number, k: number) => Object.values(JSON.parse(`{${Buffer.from(earlier.piece(i, k)).toString('utf8')}}`) as Record<string, string[]>)[0] ?? [];
  const parents = new Map<string, string[]>();
  const gained = new Map<string, string[]>();
  const lost = new Map<string, string[]>();
  const at = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!earlier.changed.has(id)) return;
    const before = written(i, 1);
    const after = parentsOf(manifest, id);
    parents.set(id, after);
    for (const p of before) if (!after.includes(p)) (lost.get(p) ?? lost.set(p, []).get(p)!).push(id);
    for (const p of after) if (!before.includes(p)) (gained.get(p) ?? gained.set(p, []).get(p)!).push(id);
  });
  const redo = new Set([...earlier.changed, ...lost.keys(), ...gained.keys()]);
  ids.forEach((id, i) => redo.has(id) && at.set(id, i));
  const children = new Map<string, string[]>();
  for (const [id, i] of at) {
    const gone = lost.get(id) ?? [];
    const list = written(i, 2).filter((c) => !gone.includes(c));
    for (const c of gained.get(id) ?? []) if (!list.includes(c)) list.push(c);
    children.set(id, list);
  }
  return { parents, children };
}

/** The last write's group_map when no node set since is or was in a group (every other node's group is as it was). */
export function sameGroupMap(manifest: Manifest, earlier: EarlierPieces): JsonBytes | undefined {
  const before = JSON.parse(Buffer.from(earlier.groupMap).toString('utf8')) as Record<string, string[]>;
  const grouped = new Set(Object.values(before).flat());
  for (const id of earlier.changed) {
    const group = manifest.nodes.get(id)?.config.group;
    if (grouped.has(id) || (typeof group === 'string' && group)) return undefined;
  }
  return new JsonBytes(earlier.groupMap);
}

/**
 * What manifest.json's contents are made of, when known: an unchanged warm start (its identity)
 * and the compiled SQL. Equal keys, equal contents: the last write is reused.
 */
export function manifestContentKey(loaded: Pick<LoadedProject, 'warmIdentity'>, secrets: readonly string[], items: readonly { node: ManifestNode }[], sqlKeys: readonly string[]): string | undefined {
  const identity = loaded.warmIdentity;
  if (identity === undefined || secrets.length) return undefined;
  const hash = createHash('sha1').update(`${engineFingerprint()}\0${identity}`);
  // Each SQL by its key (sqlKey): a memo's SQL texts need not be decoded. Hashed in runs of entries (the same bytes as one
  // update per entry: 25,000 calls into the hash cost ~30 ms).
  let run = '';
  items.forEach((i, k) => {
    run += `\0${i.node.uniqueId}\0${sqlKeys[k]}`;
    if (run.length >= 1 << 16) (hash.update(run), (run = ''));
  });
  return hash.update(run).digest('base64');
}

/** Where the manifest's nodes come from, when a warm start: manifest.json then reuses the last write's pieces of unchanged nodes. */
export function manifestSourceOf(loaded: Pick<LoadedProject, 'warmIdentity' | 'warmChanges'>, secrets: readonly string[]): ManifestSource | undefined {
  const { warmIdentity: identity, warmChanges: changedSince } = loaded;
  return identity !== undefined && changedSince && !secrets.length ? { identity, changedSince } : undefined;
}
