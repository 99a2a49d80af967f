// `tsdbt compile` of a project: the selected nodes' SQL (from the compile memo where it still holds), target/compiled/, manifest.json (TsdbtProject.compile).
import { withRunSettings } from './dbt-semantics/run-settings.js';
import { deferral, type DeferOptions } from './deferral.js';
import { runtimeEphemeralSql, runtimeRendered } from './node-sql.js';
import type { RunContext } from './run-context.js';
import { unitTestCompiledSql } from './run-unit-test.js';
import { engineFingerprint } from '../load/parse-cache-key.js';
import type { CompiledCode, ManifestNode, SqlNode } from '../manifest/nodes.js';
import type { ProjectHost } from '../project-host.js';
import { writeManifest } from '../report/artifacts.js';
import { sqlKey } from '../report/manifest-reuse.js';
import type { SelectionOptions } from '../select/select-nodes.js';
import type { CompiledNode } from '../tsdbt-options.js';
import { childrenAmong, compileMemoKey, memoCompiled, memoPathsAgain, pathsOfMemo, readCompileMemo, reusableNodes, withPaths, writeCompileMemo } from '../compile/compile-memo.js';
import { compileSqlWithCtes } from '../compile/compile-sql.js';
import { ephemeralWithNames, renderedWithNames } from '../compile/final-render.js';
import { writeCompiledFiles } from '../compile/write-compiled.js';

/** See TsdbtProject.compile; `defaultTypes`: the resource types compiled when the options name none. */
export async function compileProject(p: ProjectHost, options: SelectionOptions & DeferOptions & { write?: boolean; empty?: boolean; injectEphemeralCtes?: boolean }, defaultTypes: SelectionOptions['resourceTypes']): Promise<CompiledNode[]> {
  // Selected first (its warnings are said again), ordered only when compiled again.
  const picked = p.selectIds({ ...options, resourceTypes: options.resourceTypes ?? defaultTypes });
  // The last compile's result (compile/compile-memo.ts): all of it for the same warm start and selection, else what still holds.
  const { select, exclude, selector, resourceTypes, indirectSelection } = options;
  const identity = p.loaded.warmIdentity;
  // --no-inject-ephemeral-ctes compiles other SQL than the memo's (compileMemoKey passes false flags by).
  const memoKeys = identity === undefined || options.injectEphemeralCtes === false ? undefined : compileMemoKey(engineFingerprint(), { ...options, onWarning: undefined }, { select, exclude, selector, resourceTypes, indirectSelection });
  const memo = memoKeys === undefined ? undefined : readCompileMemo(p.targetDir, memoKeys.key);
  // dbt compiles every selected ephemeral model (its file, its compiled_code) but lists it among the
  // results only when --select was given (compile.py CompileTask._handle_result).
  const listEphemeral = options.select !== undefined && options.select.length > 0;
  // `ephemeral`: the ids of those among `items` (a memo's own list: its nodes are not decoded to ask).
  const listed = <T extends { readonly node: ManifestNode }>(items: T[], ephemeral: readonly string[]): T[] => {
    if (listEphemeral || ephemeral.length === 0) return items;
    const skip = new Set(ephemeral);
    return items.filter((i) => !skip.has(i.node.uniqueId));
  };
  if (memo && memo.identity === identity && memo.selection === memoKeys!.selection) {
    // Each SQL decoded only when read: the files and manifest.json are known unchanged by their keys.
    const items = memo.ids.map((id, k) => memoCompiled({ node: p.graph.node(id), path: '' }, memo, k));
    if (options.write === false) return listed(items, memo.ephemeral);
    const { paths } = writeCompiledFiles(p.targetDir, items, p.secrets, memo.hashes, pathsOfMemo(p.targetDir, memo));
    const sqlKeys = new Map(memo.ids.map((id, k) => [id, memo.sqlKeys[k]!]));
    const at = new Map(memo.ids.map((id, k) => [id, k]));
    writeManifest(p.targetDir, p.manifest, p.graph, p.invocationId, { get: (id) => (at.has(id) ? memoCode(p, items[at.get(id)!]!) : undefined) }, p.secrets, undefined, memo.manifestKey, p.manifestSource(), sqlKeys);
    return listed(withPaths(items, (k) => paths[k]!), memo.ephemeral);
  }
  const ids = p.graph.order(picked);
  const changed = memo && p.loaded.warmChanges?.(memo.identity);
  const isEphemeral = (id: string) => isEphemeralNode(p.graph.node(id));
  const reusable = memo && changed ? reusableNodes(memo, changed, childrenAmong(p.manifest.nodes), isEphemeral) : undefined;
  const deferred = await deferral(options, p.manifest, picked, (dir) => p.stateArtifacts(dir).state, () => p.adapter());
  const index = (options.empty ? p.index.withEmptyInputs() : p.index).withDeferred(deferred);
  const items: { node: ManifestNode; sql: string }[] = [];
  // What each node compiled now inlined (dbt's extra_ctes), by unique id.
  const inlined = new Map<string, CompiledCode>();
  // Per item: the memo's index when its SQL was taken from there.
  const fromMemo: (number | undefined)[] = [];
  // Nodes compiled with the warehouse: unit tests, and nodes that read it while they render.
  let runCtx: RunContext | undefined;
  let fromWarehouse = false;
  for (const id of ids) {
    const node = p.graph.node(id);
    const at = reusable?.get(id);
    if (at !== undefined) {
      items.push(memoCompiled({ node }, memo!, at));
      fromMemo.push(at);
      continue;
    }
    if (node.resourceType === 'unit_test') {
      // dbt's compile leaves a unit test as parsed: an input it cannot resolve errors when the test runs.
      if (node.inputError) continue;
      // As dbt's compile: a unit test's SQL needs its inputs' and model's columns, described by the warehouse.
      runCtx ??= { ...p.runContext(await p.adapter(), {}), index };
      items.push({ node, sql: await unitTestCompiledSql(runCtx, node) });
      fromMemo.push(undefined);
      fromWarehouse = true;
      continue;
    }
    if (node.resourceType !== 'model' && node.resourceType !== 'test' && node.resourceType !== 'snapshot' && node.resourceType !== 'analysis' && node.resourceType !== 'function') continue;
    fromMemo.push(undefined);
    const named = p.index.withDeferred(deferred);
    // An inlined ephemeral that reads the warehouse while it renders: the node is compiled again with it.
    let runtimeEphemeral = false;
    const atParse = node.renderAtRuntime ? undefined : compileSqlWithCtes(index, node, renderedWithNames(() => p.loaded.renderer, named, node), {
      injectEphemeralCtes: options.injectEphemeralCtes,
      ephemeralSql: ephemeralWithNames(() => p.loaded.renderer, named, () => (runtimeEphemeral = true)),
    });
    if (atParse !== undefined && !runtimeEphemeral) {
      items.push({ node, sql: atParse.sql });
      inlined.set(id, atParse);
      continue;
    }
    // dbt's compile renders with `execute` true: run_query answers from the warehouse, and an
    // unknown macro or a missing var deferred at parse raises now (not the parse-time text); the
    // ephemeral models it inlines are rendered as a run renders them (execute/node-sql.ts).
    const ctx = (runCtx ??= { ...p.runContext(await p.adapter(), {}), index });
    // Its run_query answers as at run time: with the node's dbt_semantics settings (run-settings.ts).
    const rendered = node.renderAtRuntime ? runtimeRendered(ctx, await withRunSettings(ctx.adapter, node, p.manifest.nodes)) : renderedWithNames(() => p.loaded.renderer, named, node);
    const compiled = compileSqlWithCtes(index, node, rendered, { injectEphemeralCtes: options.injectEphemeralCtes, ephemeralSql: (e) => runtimeEphemeralSql(ctx, node, e) });
    items.push({ node, sql: compiled.sql });
    inlined.set(id, compiled);
    fromWarehouse = true;
  }
  const memoEphemeral = new Set(memo?.ephemeral);
  // Read off the nodes compiled now; the memo's own list for the others (not decoded).
  const ephemeral = items.filter((i, k) => (fromMemo[k] === undefined ? isEphemeral(i.node.uniqueId) : memoEphemeral.has(i.node.uniqueId))).map((i) => i.node.uniqueId);
  if (options.write === false) return listed(withPaths(items, () => ''), ephemeral);
  // A node taken from the memo keeps its file (its path reads fields of nodes not decoded otherwise: a generic test's relation).
  const memoFiles = memo && pathsOfMemo(p.targetDir, memo);
  const { paths, hashes } = writeCompiledFiles(
    p.targetDir,
    items,
    p.secrets,
    fromMemo.map((at) => (at === undefined ? undefined : memo!.hashes[at])),
    memoFiles && fromMemo.map((at) => (at === undefined ? undefined : memoFiles[at])),
  );
  const sqlKeys = items.map((i, k) => (fromMemo[k] === undefined ? sqlKey(i.sql) : memo!.sqlKeys[fromMemo[k]!]!));
  const manifestKey = p.manifestContentKey(items, sqlKeys);
  // The SQL of a node taken from the memo is decoded only if its manifest dict is made again.
  const itemAt = new Map(items.map((i, k) => [i.node.uniqueId, k]));
  const compiled = {
    get: (id: string) => {
      const k = itemAt.get(id);
      if (k === undefined) return undefined;
      const code = inlined.get(id);
      return code ? { ...code, sql: items[k]!.sql } : fromMemo[k] === undefined ? items[k]!.sql : memoCode(p, items[k]!);
    },
  };
  const compiledKeys = { get: (id: string) => (itemAt.has(id) ? sqlKeys[itemAt.get(id)!] : undefined) };
  writeManifest(p.targetDir, p.manifest, p.graph, p.invocationId, compiled, p.secrets, undefined, manifestKey, p.manifestSource(), compiledKeys);
  const memoable = memoKeys !== undefined && identity !== undefined && manifestKey !== undefined && !fromWarehouse;
  const memoNamed = new Set(memo?.named);
  writeCompileMemo(
    p.targetDir,
    memoable
      ? {
          ...memoKeys,
          identity,
          ids: items.map((i) => i.node.uniqueId),
          // The memo's bytes read only when it is written whole (an edit's record holds the nodes compiled again).
          sqls: items.map((i, k) => (fromMemo[k] === undefined ? i.sql : () => memo!.sqlBytes(fromMemo[k]!))),
          hashes,
          sqlKeys,
          // Read off the nodes compiled now; the memo's own lists for the others (not decoded).
          named: items.filter((i, k) => (fromMemo[k] === undefined ? 'needsNames' in i.node && i.node.needsNames === true : memoNamed.has(i.node.uniqueId))).map((i) => i.node.uniqueId),
          ephemeral,
          manifestKey,
          paths: memoPathsAgain(p.targetDir, paths, memo),
        }
      : undefined,
    memo,
  );
  return listed(withPaths(items, (k) => paths[k]!), ephemeral);
}

function isEphemeralNode(n: ManifestNode): boolean {
  return n.resourceType === 'model' && n.config.materialized === 'ephemeral';
}

/**
 * The compiled code of a node taken from the compile memo (its SQL the memo's): one that reads an
 * ephemeral model is compiled again for the CTEs it inlined (dbt's extra_ctes) — a memo holds only
 * compiles of the loaded project without the warehouse, --defer or --empty, so it compiles the same.
 */
function memoCode(p: ProjectHost, item: { readonly node: ManifestNode; readonly sql: string }): string | CompiledCode {
  const { node } = item;
  const readsEphemeral = node.dependsOn.some((id) => {
    const parent = p.manifest.nodes.get(id);
    return parent?.resourceType === 'model' && parent.config.materialized === 'ephemeral';
  });
  if (!readsEphemeral || !('renderedCode' in node)) return item.sql;
  const sqlNode = node as SqlNode;
  const again = compileSqlWithCtes(p.index, sqlNode, renderedWithNames(() => p.loaded.renderer, p.index, sqlNode), { ephemeralSql: ephemeralWithNames(() => p.loaded.renderer, p.index, () => {}) });
  return { ...again, sql: item.sql };
}
