import { createHash } from 'node:crypto';
import type { ManifestNode } from '../manifest/nodes.js';

export { compileMemoReads, decodedMemoSqls, readCompileMemo, writeCompileMemo, type MemoToWrite } from './compile-memo-file.js';

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

/** One compile's result, as saved (each SQL given as its text, or as the bytes a read memo gave: sqlBytes). */
export interface CompileMemoData {
  /** The build and the compile's options other than its selection (compileMemoKey). */
  readonly key: string;
  /** The warm start compiled (LoadedProject.warmIdentity). */
  readonly identity: string;
  /** The selection (compileMemoKey). */
  readonly selection: string;
  readonly ids: readonly string[];
  /** Hash of each compiled file's text (compile/write-compiled.ts). */
  readonly hashes: readonly string[];
  /** Key of each SQL as manifest.json's record has it (report/manifest-reuse.ts sqlKey). */
  readonly sqlKeys: readonly string[];
  /** Of `ids`: the nodes rendered again with final names (final-render.ts), and the ephemeral models. */
  readonly named: readonly string[];
  readonly ephemeral: readonly string[];
  /** manifest.json's content key (report/manifest-reuse.ts). */
  readonly manifestKey: string;
  /** Each node's compiled file, relative to the target folder, joined by newlines (undefined: not kept). */
  readonly paths?: string;
}

/**
 * A memo as read back: the SQL texts stay bytes until asked for — an unchanged warm compile needs
 * none of the 25,000 (files and manifest.json are known unchanged by their keys), an edited
 * model's compile only the changed nodes', and the next memo copies the others' bytes.
 */
export interface CompileMemo extends CompileMemoData {
  sql(k: number): string;
  sqlBytes(k: number): Uint8Array;
}

/** A compiled node whose SQL is the memo's `k`th, decoded when first read (an own enumerable property: spreads and JSON see it). */
export function memoCompiled<T extends object>(fields: T, memo: CompileMemo, k: number): T & { readonly sql: string } {
  let sql: string | undefined;
  return Object.defineProperty(fields, 'sql', { enumerable: true, configurable: true, get: () => (sql ??= memo.sql(k)) }) as T & { readonly sql: string };
}

/** The memo keys of a compile with these options and selection (undefined: not memoised). */
export function compileMemoKey(engine: string, options: Readonly<Record<string, unknown>>, selection: Readonly<Record<string, unknown>>): { key: string; selection: string } | undefined {
  // Only a plain selection: --defer, --state, --empty… read more than the loaded project.
  const known = new Set(['write', ...Object.keys(selection)]);
  if (Object.entries(options).some(([k, v]) => !known.has(k) && v !== undefined && v !== false)) return undefined;
  const hash = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64');
  return { key: hash([engine]), selection: hash(Object.entries(selection).filter(([, v]) => v !== undefined)) };
}

/** Compiled files as a memo keeps them: relative to `targetDir`, joined (undefined when one is not under it). */
export function memoPaths(targetDir: string, paths: readonly string[]): string | undefined {
  const head = `${targetDir}/`;
  if (!paths.every((p) => p.startsWith(head) && !p.includes('\n'))) return undefined;
  return paths.map((p) => p.slice(head.length)).join('\n');
}

/**
 * memoPaths of a compile's `paths`: the memo's own text when they are its files in its order (an edited compile in a
 * resident process: 25,000 paths are not checked and joined again).
 */
export function memoPathsAgain(targetDir: string, paths: readonly string[], memo: CompileMemo | undefined): string | undefined {
  const known = memo && pathsOfMemo(targetDir, memo);
  if (known && memo.paths !== undefined && known.length === paths.length && paths.every((p, k) => p === known[k])) return memo.paths;
  return memoPaths(targetDir, paths);
}

/** pathsOfMemo's last answer per memo (a resident process keeps a memo for its next compiles: compile-memo-file.ts). */
const memoFiles = new WeakMap<CompileMemo, { readonly targetDir: string; readonly paths: readonly string[] | undefined }>();

/** The compiled files of a memo's nodes, when it kept them (memoPaths). Not to be changed: the same array for the same memo. */
export function pathsOfMemo(targetDir: string, memo: CompileMemo): readonly string[] | undefined {
  const known = memoFiles.get(memo);
  if (known?.targetDir === targetDir) return known.paths;
  if (memo.paths === undefined) return undefined;
  const paths = memo.ids.length === 0 ? [] : memo.paths.split('\n').map((p) => `${targetDir}/${p}`);
  const out = paths.length === memo.ids.length ? paths : undefined;
  memoFiles.set(memo, { targetDir, paths: out });
  return out;
}

/**
 * The items of a compile (made by it, owned by no one else) given their `path`, in place: a lazy
 * `sql` stays lazy, and copying 25,000 items with their property descriptors cost a tenth of a warm compile.
 */
export function withPaths<T extends object>(items: T[], pathOf: (k: number) => string): (T & { readonly path: string })[] {
  items.forEach((item, k) => ((item as { path?: string }).path = pathOf(k)));
  return items as (T & { readonly path: string })[];
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
 * start changed only in `changed` since.
 */
export function reusableNodes(memo: CompileMemo, changed: ReadonlySet<string>, childrenOf: ChildrenOf, isEphemeral: (id: string) => boolean): Map<string, number> {
  const ephemeral = new Set(memo.ephemeral);
  const stale = staleNodes(changed, childrenOf, (id) => ephemeral.has(id) || isEphemeral(id));
  for (const id of memo.named) stale.add(id);
  const out = new Map<string, number>();
  memo.ids.forEach((id, i) => {
    if (!stale.has(id)) out.set(id, i);
  });
  return out;
}
