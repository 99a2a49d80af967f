import { deserialize, serialize } from 'node:v8';
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
const FIELDS = ['resourceType', 'name', 'packageName', 'fqn', 'tags', 'originalFilePath', 'dependsOn', 'sourceName', 'testType', 'patchPath', 'version', 'latestVersion'] as const;
const COLUMN: ReadonlyMap<PropertyKey, number> = new Map<PropertyKey, number>(FIELDS.map((f, i) => [f, i]));
/** An index cell of a value JSON cannot give back as it was (undefined, or not plain JSON data): the blob answers. */
const ABSENT = 0;

/** The blobs of a set of lazy nodes: read when the first node is decoded (`ls` reads none). */
interface Blobs {
  bytes: Uint8Array | undefined;
  readonly read: () => Uint8Array;
}

/** One node as read back: where its index row and blob are, the node once decoded. */
interface Holder {
  readonly id: string;
  readonly row: number;
  readonly columns: readonly (readonly unknown[])[];
  readonly blobs: Blobs;
  readonly offset: number;
  readonly length: number;
  readonly empty: boolean;
  full: ManifestNode | undefined;
}

/** The key a lazy node answers with its holder (no WeakMap lookups for 25,000 nodes). */
const HOLDER = Symbol('lazy node');
let decodedCount = 0;

const blobOf = (h: Holder): Uint8Array => (h.blobs.bytes ??= h.blobs.read()).subarray(h.offset, h.offset + h.length);

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
    const column = COLUMN.get(key);
    const cell = column === undefined ? ABSENT : h.columns[column]![h.row];
    return cell !== ABSENT ? cell : (decode(h) as unknown as Record<PropertyKey, unknown>)[key as string];
  },
  has: (h, key) => key in decode(h),
  ownKeys: (h) => Reflect.ownKeys(decode(h)),
  getOwnPropertyDescriptor(h, key) {
    const d = Reflect.getOwnPropertyDescriptor(decode(h), key);
    // The target (the holder) is extensible and has none of these: report them configurable, as proxies must.
    return d && { ...d, configurable: true };
  },
  set: (h, key, value) => Reflect.set(decode(h), key, value),
  defineProperty: (h, key, d) => Reflect.defineProperty(decode(h), key, d),
  deleteProperty: (h, key) => Reflect.deleteProperty(decode(h), key),
};

const holderOf = (node: ManifestNode): Holder | undefined => (node as unknown as { [HOLDER]?: Holder })[HOLDER];

/** dbt's node.empty: a model, singular test, snapshot or analysis whose file is blank (a generic test's code is generated). */
export function isEmptyNode(node: ManifestNode): boolean {
  const h = holderOf(node);
  if (h && !h.full) return h.empty;
  if (node.resourceType === 'test' && node.testType === 'generic') return false;
  return 'rawCode' in node && typeof node.rawCode === 'string' && node.rawCode.trim() === '';
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

/** A value as an index cell: strings and arrays of strings as they are, anything else left to the blob. */
function cell(value: unknown): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  return ABSENT;
}

/** Nodes in order, as two byte strings: the index (JSON columns: ids, blob lengths, emptiness, listed fields) and the blobs. */
export function encodeNodes(nodes: ReadonlyMap<string, ManifestNode>): { index: Buffer; blobs: Buffer } {
  const ids: string[] = [];
  const lengths: number[] = [];
  const empty: number[] = [];
  const columns: unknown[][] = FIELDS.map(() => []);
  const parts: Uint8Array[] = [];
  for (const [id, node] of nodes) {
    const h = holderOf(node);
    // An unchanged node read back keeps its blob (nodes are readonly: decoding does not change it).
    const blob = h && h.id === id ? blobOf(h) : serialize(node);
    parts.push(blob);
    ids.push(id);
    lengths.push(blob.length);
    empty.push(isEmptyNode(node) ? 1 : 0);
    FIELDS.forEach((f, i) => columns[i]!.push(cell((node as unknown as Record<string, unknown>)[f])));
  }
  return { index: Buffer.from(JSON.stringify({ fields: FIELDS, ids, lengths, empty, columns })), blobs: Buffer.concat(parts) };
}

/**
 * The nodes of encodeNodes' bytes, each decoded on first use of a field the index does not hold;
 * `blobs` is called once, when the first node is decoded (or throws there: e.g. a damaged file).
 */
export function decodeNodes(index: Uint8Array, blobBytes: number, readBlobs: () => Uint8Array): Map<string, ManifestNode> {
  const { fields, ids, lengths, empty, columns } = JSON.parse(Buffer.from(index.buffer, index.byteOffset, index.byteLength).toString('utf8')) as {
    fields: string[]; ids: string[]; lengths: number[]; empty: number[]; columns: unknown[][];
  };
  if (fields.join() !== FIELDS.join()) throw new Error('the node index has other fields');
  const blobs: Blobs = { bytes: undefined, read: readBlobs };
  const nodes = new Map<string, ManifestNode>();
  let offset = 0;
  for (let row = 0; row < ids.length; row++) {
    const length = lengths[row]!;
    const holder: Holder = { id: ids[row]!, row, columns, blobs, offset, length, empty: empty[row] === 1, full: undefined };
    offset += length;
    nodes.set(holder.id, new Proxy(holder, handler) as unknown as ManifestNode);
  }
  if (offset !== blobBytes) throw new Error('the node index does not match its blobs');
  return nodes;
}
