import { deserialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { isEmptySql } from '../shared/empty-sql.js';
import { serializeValue } from '../shared/v8-wire.js';
import type { ManifestNode } from './nodes.js';

/*
 * Manifest nodes that decode themselves on first use. A warm start (load/warm-start.ts) saves each
 * node as its own v8-serialized blob beside a compact index of the fields that listing and
 * selecting read (ids, names, fqn, tags, paths, package, depends_on…). Reading it back gives a
 * Proxy per node answering those fields from the index; any other field (config, SQL, columns…),
 * an `in` test or a key listing decodes that node's blob once. `tsdbt ls` of 25,000 nodes then
 * decodes none, `compile` only what it compiles. The proxy is transparent: spread, JSON, Object.keys
 * and `in` see the full node. Saving again reuses an unchanged node's blob as it was read.
 */

/** Fields answered without decoding (the index's columns, after the unique id, blob length and emptiness). */
const FIELDS = ['resourceType', 'name', 'packageName', 'fqn', 'tags', 'originalFilePath', 'dependsOn', 'sourceName', 'testType', 'attachedNode', 'patchPath', 'version', 'latestVersion'] as const;
const COLUMN: ReadonlyMap<PropertyKey, number> = new Map<PropertyKey, number>(FIELDS.map((f, i) => [f, i]));
/** An index cell the blob answers (a value that is not a string or a list of strings); `null` is an unset field. */
const ABSENT = 0;

/**
 * The blobs of a set of lazy nodes: `ls` reads none; the first few nodes decoded read their own blob
 * (`readOne`, checked against its CRC-32 from the index), past that all of them are read at once.
 */
interface Blobs {
  bytes: Uint8Array | undefined;
  readonly read: () => Uint8Array;
  readonly readOne: BlobReader | undefined;
  /** Each blob's CRC-32 (the index's last line, parsed when a blob is first read alone). */
  crcs: number[] | undefined;
  readonly tail: Tail;
  /** Blobs read alone so far. */
  ones: number;
}

/** Reads one blob (at `offset` in the blobs, `length` bytes) and checks it has CRC-32 `crc`. */
export type BlobReader = (offset: number, length: number, crc: number) => Uint8Array;

/** Past this many nodes decoded one by one, the blobs are read whole (one read beats thousands of small ones). */
const READ_ALONE = 64;

/**
 * The index's listed fields, one JSON line per field, each parsed when a node's value of that field
 * is first read: `ls` reads the resource type and fqn of every node and none of the paths, names,
 * dependencies… (most of the index's bytes).
 */
interface Columns {
  readonly bytes: Buffer;
  /** Where each column's JSON text starts and ends in `bytes` (two offsets per field). */
  readonly bounds: readonly number[];
  readonly parsed: (readonly unknown[] | undefined)[];
}

let parsedColumns = 0;

function columnOf(c: Columns, i: number): readonly unknown[] {
  const known = c.parsed[i];
  if (known) return known;
  parsedColumns++;
  return (c.parsed[i] = JSON.parse(c.bytes.toString('utf8', c.bounds[2 * i], c.bounds[2 * i + 1])) as unknown[]);
}

/** One node as read back: where its index row and blob are, the node once decoded. */
interface Holder {
  readonly id: string;
  readonly row: number;
  readonly columns: Columns;
  readonly blobs: Blobs;
  readonly offset: number;
  readonly length: number;
  /** Bit 1: dbt's node.empty (a blank model/test/snapshot/analysis file); bit 2: its SQL holds no statement. Known without decoding. */
  readonly flags: number;
  /** The config and relation index (parsed on first use), shared by the nodes of one read. */
  readonly more: More;
  full: ManifestNode | undefined;
  /** Written to through the proxy (nodes are readonly data, but then its blob no longer holds it). */
  changed?: boolean;
  /** `node.config` before decoding: a proxy answering scalar keys from the config index. */
  config?: object;
}

/**
 * The index's tail — each blob's CRC-32, and each node's scalar config values and relation — as bytes,
 * given or read when first needed (a warm start keeps it in a section of its own: `ls` reads none of
 * it, ~40 % of the index's bytes). Its lines: the CRCs, the end offset of each cell, then the cells
 * (JSON texts, the N configs then the N relations, nothing between): a command that reads a few
 * nodes' configs parses those cells only, not 25,000 of each (an edited model's update read one
 * parent's config and parsed the whole 4 MB).
 */
interface Tail {
  bytes: Buffer | undefined;
  readonly read: (() => Uint8Array) | undefined;
  /** Where the cells start in `bytes`, and each one's end offset from there (parsed when a cell is first read). */
  cells?: { readonly at: number; readonly ends: readonly number[] };
}

function tailBytes(t: Tail): Buffer {
  if (!t.bytes) {
    const read = t.read!();
    t.bytes = Buffer.from(read.buffer, read.byteOffset, read.byteLength);
  }
  return t.bytes;
}

/** The tail's first line: each blob's CRC-32. */
function crcsOf(t: Tail): number[] {
  const bytes = tailBytes(t);
  const cut = bytes.indexOf(10);
  if (cut < 0) throw new Error('the node index is incomplete');
  return JSON.parse(bytes.toString('latin1', 0, cut)) as number[];
}

/** Cell `k` of the tail (a config: k < N; a relation: N + row). */
function cellOf(t: Tail, k: number): unknown {
  const bytes = tailBytes(t);
  if (!t.cells) {
    const first = bytes.indexOf(10);
    const second = first < 0 ? -1 : bytes.indexOf(10, first + 1);
    if (second < 0) throw new Error('the node index is incomplete');
    t.cells = { at: second + 1, ends: JSON.parse(bytes.toString('latin1', first + 1, second)) as number[] };
  }
  const { at, ends } = t.cells;
  if (k >= ends.length) throw new Error('the node index is incomplete');
  return JSON.parse(bytes.toString('utf8', at + (k === 0 ? 0 : ends[k - 1]!), at + ends[k]!));
}

/** The config and relation cells of one read's nodes: each parsed when first read, relations kept. */
interface More {
  readonly tail: Tail;
  /** How many nodes (the relations' cells follow the configs'). */
  readonly count: number;
  readonly relations: unknown[];
}

let parsedCells = 0;
/** A node's relation cell (ABSENT: the blob holds it). */
function relationCell(h: Holder): unknown {
  const { more } = h;
  if (!(h.row in more.relations)) {
    parsedCells++;
    more.relations[h.row] = cellOf(more.tail, more.count + h.row);
  }
  return more.relations[h.row];
}

/** A config index cell: [scalar values, keys whose values are not scalars] (0: the blob answers). */
type ConfigCell = [Record<string, unknown>, string[]] | 0;

/** `node.config` of an undecoded node: scalar keys from the index, anything else (or a key listing) decodes the node. */
const configHandler: ProxyHandler<{ h: Holder; cell: [Record<string, unknown>, string[]] }> = {
  get({ h, cell }, key) {
    if (h.full) return (h.full.config as unknown as Record<PropertyKey, unknown>)[key as string];
    if (typeof key === 'string' && Object.hasOwn(cell[0], key)) return cell[0][key];
    // Not set at all (and no Object.prototype member such as toString): undefined, without decoding.
    if (typeof key === 'string' && !cell[1].includes(key) && !(key in Object.prototype)) return undefined;
    return (decode(h).config as unknown as Record<PropertyKey, unknown>)[key as string];
  },
  has: ({ h }, key) => key in decode(h).config,
  ownKeys: ({ h }) => Reflect.ownKeys(decode(h).config),
  getOwnPropertyDescriptor({ h }, key) {
    const d = Reflect.getOwnPropertyDescriptor(decode(h).config, key);
    return d && { ...d, configurable: true };
  },
  set: ({ h }, key, value) => ((h.changed = true), Reflect.set(decode(h).config, key, value)),
  defineProperty: ({ h }, key, d) => ((h.changed = true), Reflect.defineProperty(decode(h).config, key, d)),
  deleteProperty: ({ h }, key) => ((h.changed = true), Reflect.deleteProperty(decode(h).config, key)),
};

/** A node's config before decoding (a proxy over the config index), or undefined when the index has none for it. */
function configOf(h: Holder): object | undefined {
  if (h.config) return h.config;
  parsedCells++;
  const cell = cellOf(h.more.tail, h.row) as ConfigCell;
  if (cell === 0) return undefined;
  return (h.config = new Proxy({ h, cell }, configHandler));
}

/** Calls each read's release function once none of its nodes is reachable (a long-running process keeps no file open for nothing). */
const released = new FinalizationRegistry<() => void>((release) => {
  try {
    release();
  } catch {
    // already closed: nothing to release
  }
});

/** The key a lazy node answers with its holder (no WeakMap lookups for 25,000 nodes). */
const HOLDER = Symbol('lazy node');
let decodedCount = 0;

function blobOf(h: Holder): Uint8Array {
  const blobs = h.blobs;
  if (!blobs.bytes && blobs.readOne && blobs.ones < READ_ALONE) {
    blobs.ones++;
    blobs.crcs ??= crcsOf(blobs.tail);
    return blobs.readOne(h.offset, h.length, blobs.crcs[h.row]!);
  }
  return (blobs.bytes ??= blobs.read()).subarray(h.offset, h.offset + h.length);
}

const decode = (h: Holder): ManifestNode => {
  if (h.full) return h.full;
  decodedCount++;
  return (h.full = deserialize(blobOf(h)) as ManifestNode);
};

const handler: ProxyHandler<Holder> = {
  get(h, key) {
    if (key === HOLDER) return h;
    if (h.full) return (h.full as unknown as Record<PropertyKey, unknown>)[key as string];
    if (key === 'uniqueId') return h.id;
    if (key === 'config') return configOf(h) ?? decode(h).config;
    if (key === 'relation') {
      const relation = relationCell(h);
      return relation === null ? undefined : relation !== ABSENT ? relation : decode(h).relation;
    }
    const column = COLUMN.get(key);
    const cell = column === undefined ? ABSENT : columnOf(h.columns, column)[h.row];
    return cell === null ? undefined : cell !== ABSENT ? cell : (decode(h) as unknown as Record<PropertyKey, unknown>)[key as string];
  },
  has: (h, key) => key in decode(h),
  ownKeys: (h) => Reflect.ownKeys(decode(h)),
  getOwnPropertyDescriptor(h, key) {
    const d = Reflect.getOwnPropertyDescriptor(decode(h), key);
    // The target (the holder) is extensible and has none of these: report them configurable, as proxies must.
    return d && { ...d, configurable: true };
  },
  set: (h, key, value) => ((h.changed = true), Reflect.set(decode(h), key, value)),
  defineProperty: (h, key, d) => ((h.changed = true), Reflect.defineProperty(decode(h), key, d)),
  deleteProperty: (h, key) => ((h.changed = true), Reflect.deleteProperty(decode(h), key)),
};

const holderOf = (node: ManifestNode): Holder | undefined => (node as unknown as { [HOLDER]?: Holder })[HOLDER];

/** dbt's node.empty: a model, singular test, snapshot or analysis whose file is blank (a generic test's code is generated). */
export function isEmptyNode(node: ManifestNode): boolean {
  const h = holderOf(node);
  if (h && !h.full) return (h.flags & 1) !== 0;
  // A decoded node read as itself: each field through the proxy's trap cost a resident process's compile ~40 ms (25,000 nodes).
  if (h) node = h.full!;
  if (node.resourceType === 'test' && node.testType === 'generic') return false;
  return 'rawCode' in node && typeof node.rawCode === 'string' && node.rawCode.trim() === '';
}

/** Whether a node's rendered SQL holds nothing but comments and whitespace (rendered at load: not one rendered again at run time). */
export function holdsNoSql(node: ManifestNode): boolean {
  const h = holderOf(node);
  if (h && !h.full) return (h.flags & 2) !== 0;
  if (h) node = h.full!;
  return !('renderAtRuntime' in node && node.renderAtRuntime) && 'renderedCode' in node && typeof node.renderedCode === 'string' && isEmptySql(node.renderedCode);
}

/** The node itself (decoded when lazy): what may be serialized or sent to another thread. */
export function plainNode(node: ManifestNode): ManifestNode {
  const h = holderOf(node);
  return h ? decode(h) : node;
}

/** How many lazy nodes were decoded in this process so far (tests check a command decodes only what it needs). */
export function decodedNodes(): number {
  return decodedCount;
}

/** How many config and relation cells of the index's tail were parsed in this process so far (tests). */
export function tailCellsParsed(): number {
  return parsedCells;
}

/** How many index columns (one per listed field and read of a warm start) were parsed in this process so far. */
export function indexColumnsParsed(): number {
  return parsedColumns;
}

/** A value as an index cell: strings and arrays of strings as they are, anything else left to the blob. */
function cell(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return ABSENT;
}

/** A plain config as a config index cell: scalar values kept, other keys named. */
function configCell(config: unknown): ConfigCell {
  if (config === null || typeof config !== 'object' || Object.getPrototypeOf(config) !== Object.prototype) return 0;
  const scalars: Record<string, unknown> = {};
  const more: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    // What JSON gives back exactly: strings, booleans, null, finite numbers other than -0.
    const scalar = typeof v === 'string' || typeof v === 'boolean' || v === null || (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0));
    if (scalar && k !== '__proto__') scalars[k] = v;
    else more.push(k);
  }
  return [scalars, more];
}

/** A relation as an index cell: a plain object of strings as it is (null: none). */
function relationIndexCell(relation: unknown): unknown {
  if (relation === undefined) return null;
  if (relation === null || typeof relation !== 'object' || Object.getPrototypeOf(relation) !== Object.prototype) return ABSENT;
  return Object.values(relation).every((v) => typeof v === 'string') ? relation : ABSENT;
}

/** Nodes in order, as two byte strings: the index (JSON columns: ids, blob lengths, emptiness, listed fields) and the blobs. */
export function encodeNodes(nodes: ReadonlyMap<string, ManifestNode>): { index: Buffer; blobs: Buffer } {
  const blobs: Uint8Array[] = [];
  const index = encodeNodeStream(nodes, (blob) => blobs.push(blob));
  return { index, blobs: Buffer.concat(blobs) };
}

/**
 * The nodes' blobs handed to `onBlob` in order as each is made (a writer writes them at once and
 * keeps none: a 10k-model project's ~60 MB of blobs are never held together), and their index.
 */
export function encodeNodeStream(nodes: ReadonlyMap<string, ManifestNode>, onBlob: (blob: Uint8Array) => void): Buffer {
  const ids: string[] = [];
  const lengths: number[] = [];
  const flags: number[] = [];
  const columns: unknown[][] = FIELDS.map(() => []);
  const configs: ConfigCell[] = [];
  const relations: unknown[] = [];
  const crcs: number[] = [];
  for (const [id, node] of nodes) {
    const h = holderOf(node);
    // An unchanged node read back keeps its blob (nodes are readonly: decoding does not change it).
    // Written in JavaScript (shared/v8-wire.ts): 25,000 v8.serialize calls left ~100-200 MB of native serializers for the GC.
    const blob = h && h.id === id && !h.changed ? blobOf(h) : serializeValue(plainNode(node));
    onBlob(blob);
    ids.push(id);
    lengths.push(blob.length);
    crcs.push(crc32(blob));
    flags.push((isEmptyNode(node) ? 1 : 0) | (holdsNoSql(node) ? 2 : 0));
    FIELDS.forEach((f, i) => columns[i]!.push(cell((node as unknown as Record<string, unknown>)[f])));
    configs.push(configCell(node.config));
    relations.push(relationIndexCell(node.relation));
  }
  // JSON texts one per line: every read parses the first (ids, blob lengths, flags), each listed field's
  // column when that field is first read; then the tail (Tail): each blob's CRC-32, read when a blob
  // is read alone, and the config and relation cells, each parsed when its node's is read.
  const cells = [...configs, ...relations].map((c) => JSON.stringify(c));
  let end = 0;
  const ends = cells.map((c) => (end += Buffer.byteLength(c)));
  const lines = [JSON.stringify({ fields: FIELDS, ids, lengths, flags }), ...columns.map((c) => JSON.stringify(c)), JSON.stringify(crcs), JSON.stringify(ends), cells.join('')];
  return Buffer.from(lines.join('\n'));
}

/** encodeNodes' index as what listing reads (ids, flags, the listed fields) and its tail (blob CRCs, configs, relations: decodeNodes' `readTail`). */
export function splitIndex(index: Buffer): [Buffer, Buffer] {
  let at = -1;
  for (let n = 0; n <= FIELDS.length; n++) {
    at = index.indexOf(10, at + 1);
    if (at < 0) throw new Error('the node index is incomplete');
  }
  return [index.subarray(0, at), index.subarray(at + 1)];
}

/**
 * The nodes of encodeNodes' bytes, each decoded on first use of a field the index does not hold;
 * `readBlobs` is called once, when the blobs are read whole (or throws there: e.g. a damaged file),
 * `readOne`, when given, for each of the first nodes decoded; `release` once no node of this read is
 * reachable any more.
 */
export function decodeNodes(index: Uint8Array, blobBytes: number, readBlobs: () => Uint8Array, release?: () => void, readOne?: BlobReader, readTail?: () => Uint8Array): Map<string, ManifestNode> {
  const bytes = Buffer.from(index.buffer, index.byteOffset, index.byteLength);
  // The line ends: the head, a column per field, then (unless `readTail` gives it: splitIndex) the tail.
  const ends: number[] = [];
  const lines = readTail ? FIELDS.length : FIELDS.length + 1;
  for (let at = bytes.indexOf(10); at >= 0 && ends.length < lines; at = bytes.indexOf(10, at + 1)) ends.push(at);
  if (ends.length < lines) throw new Error('the node index is incomplete');
  if (readTail) ends.push(bytes.length);
  const { fields, ids, lengths, flags } = JSON.parse(bytes.toString('utf8', 0, ends[0])) as { fields: string[]; ids: string[]; lengths: number[]; flags: number[] };
  if (fields.join() !== FIELDS.join()) throw new Error('the node index has other fields');
  const bounds = FIELDS.flatMap((_, i) => [ends[i]! + 1, ends[i + 1]!]);
  const columns: Columns = { bytes, bounds, parsed: FIELDS.map(() => undefined) };
  const tail: Tail = readTail ? { bytes: undefined, read: readTail } : { bytes: bytes.subarray(ends[FIELDS.length]! + 1), read: undefined };
  const more: More = { tail, count: ids.length, relations: [] };
  const blobs: Blobs = { bytes: undefined, read: readBlobs, readOne, crcs: undefined, tail, ones: 0 };
  // `release` (e.g. closing the file the blobs would be read from) when no node of this read is left.
  if (release) released.register(blobs, release);
  const nodes = new Map<string, ManifestNode>();
  let offset = 0;
  for (let row = 0; row < ids.length; row++) {
    const length = lengths[row]!;
    const holder: Holder = { id: ids[row]!, row, columns, blobs, offset, length, flags: flags[row]!, more, full: undefined };
    offset += length;
    nodes.set(holder.id, new Proxy(holder, handler) as unknown as ManifestNode);
  }
  if (offset !== blobBytes) throw new Error('the node index does not match its blobs');
  return nodes;
}
