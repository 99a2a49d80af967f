import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { ManifestNode } from '../manifest/nodes.js';

/*
 * A warm `compile` again, compiling only what changed. The compiled SQL is a function of the loaded
 * project (a warm start's identity: same files, options, environment) and of the compile's
 * selection. target/.tsdbt-compile-memo keeps the last compile's result: which nodes, their SQL,
 * the hash of each compiled file's text, the key of each SQL in manifest.json and manifest.json's
 * content key.
 * - The same warm start and selection: the result as it was — no node decoded, no SQL rendered.
 * - A later state of the same warm start (deltas appended: load/warm-changes.ts): each node keeps
 *   its SQL unless something it compiles from was set since — itself, a parent (its relation name),
 *   or, through an ephemeral parent, what that one compiles from (staleNodes) —, and nodes rendered
 *   again with final names at compile time are always compiled again.
 * Files and manifest.json are still written as a compile writes them. Anything else (no warm
 * identity, --defer/--state/--empty, a node compiled with the warehouse, secrets) compiles as before
 * and forgets the memo.
 */

const MEMO_FILE = '.tsdbt-compile-memo';

/** One compile's result, as saved. */
export interface CompileMemo {
  /** The build and the compile's options other than its selection (compileMemoKey). */
  readonly key: string;
  /** The warm start compiled (LoadedProject.warmIdentity). */
  readonly identity: string;
  /** The selection (compileMemoKey). */
  readonly selection: string;
  readonly ids: readonly string[];
  readonly sqls: readonly string[];
  /** Hash of each compiled file's text (compile/write-compiled.ts). */
  readonly hashes: readonly string[];
  /** Key of each SQL as manifest.json's record has it (report/manifest-reuse.ts sqlKey). */
  readonly sqlKeys: readonly string[];
  /** Of `ids`: the nodes rendered again with final names (final-render.ts), and the ephemeral models. */
  readonly named: readonly string[];
  readonly ephemeral: readonly string[];
  /** manifest.json's content key (report/manifest-reuse.ts). */
  readonly manifestKey: string;
}

/** The memo keys of a compile with these options and selection (undefined: not memoised). */
export function compileMemoKey(engine: string, options: Readonly<Record<string, unknown>>, selection: Readonly<Record<string, unknown>>): { key: string; selection: string } | undefined {
  // Only a plain selection: --defer, --state, --empty… read more than the loaded project.
  const known = new Set(['write', ...Object.keys(selection)]);
  if (Object.entries(options).some(([k, v]) => !known.has(k) && v !== undefined && v !== false)) return undefined;
  const hash = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64');
  return { key: hash([engine]), selection: hash(Object.entries(selection).filter(([, v]) => v !== undefined)) };
}

/** The memo in `targetDir` when it was saved under `key`. */
export function readCompileMemo(targetDir: string, key: string): CompileMemo | undefined {
  try {
    const bytes = readFileSync(join(targetDir, MEMO_FILE));
    if (bytes.readUInt32BE(0) !== crc32(bytes.subarray(4))) return undefined;
    const memo = deserialize(bytes.subarray(4)) as CompileMemo;
    const n = memo.ids.length;
    return memo.key === key && memo.sqls.length === n && memo.hashes.length === n && memo.sqlKeys?.length === n ? memo : undefined;
  } catch {
    return undefined;
  }
}

/** The children of each of `ids` (one pass over the nodes: no graph built for a few changed nodes). */
export type ChildrenOf = (ids: readonly string[]) => ReadonlyMap<string, readonly string[]>;

/** ChildrenOf over `nodes`: the nodes whose dependencies name each one. */
export function childrenAmong(nodes: ReadonlyMap<string, ManifestNode>): ChildrenOf {
  return (ids) => {
    const wanted = new Set(ids);
    const out = new Map<string, string[]>();
    for (const n of nodes.values())
      for (const p of n.dependsOn) {
        if (!wanted.has(p)) continue;
        const list = out.get(p) ?? out.set(p, []).get(p)!;
        if (!list.includes(n.uniqueId)) list.push(n.uniqueId);
      }
    return out;
  };
}

/**
 * The nodes whose compiled SQL may differ from the last compile's when `changed` were set since:
 * those, their children (a parent's relation name is in their SQL) and, below an ephemeral model
 * among them, its children in turn (its SQL is inlined there).
 */
export function staleNodes(changed: Iterable<string>, childrenOf: ChildrenOf, isEphemeral: (id: string) => boolean): Set<string> {
  const stale = new Set<string>(changed);
  // Nodes whose children are stale: the changed ones, then each stale ephemeral model found below them.
  let frontier = [...stale];
  while (frontier.length) {
    const children = childrenOf(frontier);
    const next: string[] = [];
    for (const id of frontier)
      for (const child of children.get(id) ?? []) {
        if (stale.has(child)) continue;
        stale.add(child);
        if (isEphemeral(child)) next.push(child);
      }
    frontier = next;
  }
  return stale;
}

/**
 * Of the memo's nodes, those whose SQL holds now (by id: its index in the memo), when the warm
 * start changed only in `changed` since; `select`: ephemeral models are compiled (dbt compiles them
 * only when selected by name).
 */
export function reusableNodes(memo: CompileMemo, changed: ReadonlySet<string>, childrenOf: ChildrenOf, isEphemeral: (id: string) => boolean, select: boolean): Map<string, number> {
  const ephemeral = new Set(memo.ephemeral);
  const stale = staleNodes(changed, childrenOf, (id) => ephemeral.has(id) || isEphemeral(id));
  for (const id of memo.named) stale.add(id);
  if (!select) for (const id of ephemeral) stale.add(id);
  const out = new Map<string, number>();
  memo.ids.forEach((id, i) => {
    if (!stale.has(id)) out.set(id, i);
  });
  return out;
}

/** Saves a compile's result (or, without a key, removes the last one). */
export function writeCompileMemo(targetDir: string, memo: CompileMemo | undefined): void {
  const file = join(targetDir, MEMO_FILE);
  try {
    if (!memo) return rmSync(file, { force: true });
    const payload = serialize(memo);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(crc32(payload), 0);
    writeFileSync(file, Buffer.concat([head, payload]));
  } catch {
    // only a shortcut for the next compile
  }
}
