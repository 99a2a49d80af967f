import { isAbsolute, relative } from 'node:path';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { readValue } from '../render/render-reads.js';
import type { Renderer } from '../render/renderer.js';
import { toPosix } from './discover-files.js';
import { planChanges, updateNodes, type FileChange, type NodesUpdate } from './incremental-load.js';
import type { ResourcePatch } from './schema-yaml.js';
import { yamlEntryChanges, type YamlEntryChanges } from './warm-yaml-update.js';
import { testContextOf, type LoadOptions } from './load-project.js';
import { updateContext } from './load-context.js';
import { nodeWarnings } from './node-warnings.js';
import { recordingEnv, type SavedInternals, type SavedLoad, type StaleLoad, type WarmDelta } from './warm-start.js';
import { cliVarHashes, updatedVarReads, varsPlan, withVarReads } from './warm-vars-update.js';

/*
 * A changed input, without a full load: when the files that changed since the warm start are model
 * or singular test SQL files (edited or deleted), their nodes are parsed again over the saved
 * manifest — watch mode's incremental re-load (load/incremental-load.ts updateNodes), one mechanism
 * — and the change is appended to warm_start.bin (load/warm-start.ts) instead of saving it all
 * again. A schema YAML file edited in its model entries only parses again the models whose entry
 * changed (load/warm-yaml-update.ts); changed --vars parse again the nodes
 * whose render read one (load/warm-vars-update.ts). Anything an update cannot reproduce exactly as a full load
 * would (any other YAML edit, a macro, project or profile file; a new file or node, which a full load
 * would put elsewhere in the manifest; a node a warning is about; a render that reads something per
 * run; any error) loads in full instead.
 */

/** A saved load brought up to date: the load as a full one would give it, the renderer that parsed it, the delta to append. */
export interface UpdatedLoad {
  readonly load: SavedLoad;
  readonly renderer: Renderer;
  /** The nodes parsed again (or gone), and the project files that changed. */
  readonly parsed: readonly string[];
  readonly changedFiles: readonly string[];
  readonly delta: WarmDelta;
  /** The saved internals with the update's (patches, var reads): what a rewrite of the whole file saves. */
  readonly internals: SavedInternals;
  /** The environment variables read, as the next warm start checks them. */
  readonly env: ReadonlyMap<string, string | undefined>;
}

/** Whether a project-relative POSIX path is inside the folder `dir` (as written in the project file). */
function isUnder(path: string, dir: string): boolean {
  return path.startsWith(toPosix(dir).replace(/^\.\//, '').replace(/\/?$/, '/'));
}

/** The changed inputs as file events of the project, or why they are not (a file outside it, a folder). */
function fileChanges(stale: StaleLoad, projectRoot: string): FileChange[] | string {
  const out: FileChange[] = [];
  for (const path of stale.changed) {
    const [now, before] = stale.fingerprints(path);
    const rel = toPosix(relative(projectRoot, path));
    if (rel.startsWith('..') || isAbsolute(rel)) return `${path} changed`;
    if (before === 'dir' || now === 'dir') return `folder ${rel} changed`;
    const absent = (fp: string | undefined) => fp === undefined || fp === '-';
    // A new file's node would go where a full load reads it, not at the end of the manifest: a full load.
    if (absent(before)) return `${rel} is new`;
    out.push({ path: rel, kind: absent(now) ? 'unlink' : 'change' });
  }
  return out;
}

/** The saved load with the changed files parsed again, or why it needs a full load. */
export function updateWarmLoad(stale: StaleLoad, options: LoadOptions, projectRoot: string): UpdatedLoad | string {
  const changes = fileChanges(stale, projectRoot);
  if (typeof changes === 'string') return changes;
  // Edited schema YAML files are compared entry by entry (load/warm-yaml-update.ts); planChanges takes SQL and seed files only.
  const yamlChanges = changes.filter((c) => /\.ya?ml$/.test(c.path));
  const other = changes.find((c) => !c.path.endsWith('.sql') && !c.path.endsWith('.csv') && !yamlChanges.includes(c));
  if (other) return `${other.path} (${other.kind})`;
  const gone = yamlChanges.find((c) => c.kind !== 'change');
  if (gone) return `${gone.path} (${gone.kind})`;
  const rawEnv = options.env ?? process.env;
  const recording = recordingEnv(rawEnv);
  const said: string[] = [];
  let onLog: NonNullable<LoadOptions['onLog']> = (message) => said.push(message);
  const ctx = updateContext(options, recording.env, (message, level, event) => onLog(message, level, event));
  const plan = planChanges(ctx.projectFile, changes.filter((c) => !yamlChanges.includes(c)));
  if (typeof plan === 'string') return plan;
  if (plan.some((p) => p.kind === 'seed')) return 'a seed file changed';
  const saved = stale.load();
  const nodes = saved.manifest.nodes;
  // Decoded per entry asked for; test declarations come back with their saved line as exact line (only error messages read it: an error loads in full).
  const internals = stale.internals();
  const patches = internals.patches;
  if (stale.changedVars.length) {
    const forVars = varsPlan(stale.changedVars, internals.varReads, nodes, ctx.projectFile.name);
    if (typeof forVars === 'string') return forVars;
    for (const step of forVars) if (!plan.some((p) => p.path === step.path)) plan.push(step);
  }
  let newPatches: YamlEntryChanges['patches'] = [];
  let described: YamlEntryChanges['described'] = [];
  if (yamlChanges.length) {
    const outside = yamlChanges.find((c) => !ctx.projectFile.modelPaths.some((d) => isUnder(c.path, d)));
    if (outside) return `${outside.path} changed`;
    const entries = yamlEntryChanges(
      { projectRoot, projectName: ctx.projectFile.name, renderYaml: ctx.renderYaml, schemaEntries: internals.schemaEntries, patches, nodes },
      yamlChanges.map((c) => c.path),
    );
    if (typeof entries === 'string') return entries;
    for (const [name, patch] of entries.patches) (patches as Map<string, ResourcePatch>).set(name, patch);
    for (const path of entries.models) if (!plan.some((p) => p.path === path)) plan.push({ path, kind: 'model', change: 'change' });
    newPatches = entries.patches;
    described = entries.described;
  }
  const children = new Map<string, string[]>();
  for (const node of nodes.values()) for (const p of node.dependsOn) (children.get(p) ?? children.set(p, []).get(p)!).push(node.uniqueId);
  const { renderer } = ctx;
  const reads = renderer.openTracking();
  let update: NodesUpdate | string;
  try {
    update = updateNodes(
      {
        loaded: { projectRoot, projectFile: ctx.projectFile, renderer, target: ctx.target, manifest: saved.manifest, files: saved.files },
        internals: { root: ctx.root, patches, seedPatches: new Map(), testCtx: testContextOf(ctx.root, renderer, ctx.target.schema) },
        children: (id) => children.get(id) ?? [],
      },
      plan,
    );
  } catch (error) {
    // The full load reports it, with what a full load says before it.
    return `the update failed (${(error as Error).message})`;
  } finally {
    reads.close();
  }
  if (typeof update === 'string') return update;
  const parsedAgain = update.fresh;
  // Models whose entries changed in their descriptions only: the saved node with the new ones, in place (nothing parsed;
  // one whose file changed too was parsed with its new entry).
  const { dropped } = update;
  const redescribed = described.filter(([id]) => !parsedAgain.includes(id) && !dropped.includes(id));
  if (redescribed.length) {
    for (const [id, node] of redescribed) (update.manifest.nodes as Map<string, ManifestNode>).set(id, node);
    update = { ...update, fresh: [...update.fresh, ...redescribed.map(([id]) => id)] };
  }
  const misplaced = placementChange(nodes, update);
  if (misplaced) return misplaced;
  if (said.length || update.logs.length) return 'the update has something to say';
  if (update.unknownConfigKeys.length) return `config '${update.unknownConfigKeys[0]}' is not one tsdbt knows`;
  if (reads.reads.volatile) return 'a render read something that differs per run';
  const touched = [...update.dropped, ...update.fresh].map((id) => update.manifest.nodes.get(id) ?? nodes.get(id));
  if (touched.some((n) => n?.config.contract && (n.config.contract as { enforced?: unknown }).enforced)) return 'a model with a contract changed';
  // The saved warnings other than the node warnings are of inputs that did not change, unless one names a changed file.
  const [from, to] = saved.nodeLogs;
  const kept = [...saved.logs.slice(0, from), ...saved.logs.slice(to)];
  const changedFiles = changes.map((c) => c.path);
  if (kept.some(([message]) => changedFiles.some((f) => message.includes(f)))) return 'a saved warning names a changed file';
  const warnings: [string, 'warn'][] = [];
  // Each node warning lists the nodes it is about: with none saved, only the nodes parsed again can raise one.
  const warnedNodes = from === to ? update.fresh.map((id) => update.manifest.nodes.get(id)!) : update.manifest.nodes.values();
  nodeWarnings(warnedNodes, (message, level) => warnings.push([message, level]), update.manifest.nodes);
  if (from === to && warnings.length) {
    warnings.length = 0;
    nodeWarnings(update.manifest.nodes.values(), (message, level) => warnings.push([message, level]), update.manifest.nodes);
  }
  // Same parents for every node parsed again and none gone: the saved generations hold as they are.
  const unchangedDepths = update.removed.length === 0 && sameEdges(nodes, update.manifest.nodes, update.fresh);
  const depths = unchangedDepths ? undefined : sameEdges(nodes, update.manifest.nodes, update.fresh) ? savedDepths(saved, update.removed) : generations(update.manifest);
  if (!unchangedDepths && !depths) return 'the dependencies have a cycle';
  onLog = options.onLog ?? (() => {}); // from here on the renderer's logs are the command's

  const oldDepths = depths && new Map(saved.depths);
  const logs = [...saved.logs.slice(0, from), ...warnings, ...saved.logs.slice(to)];
  const nodeLogs = [from, from + warnings.length] as const;
  const envRead = new Map(stale.inputs.env);
  const newEnv: [string, string | undefined][] = [];
  for (const name of new Set([...recording.read, ...reads.reads.env.keys()]))
    if (!envRead.has(name)) {
      const value = readValue(rawEnv[name]);
      envRead.set(name, value);
      newEnv.push([name, value]);
    }
  const fresh = new Set(update.fresh);
  const varReads = updatedVarReads(parsedAgain, update.removed, nodes, update.manifest.nodes, [...reads.reads.vars.keys()].map((k) => k.slice(k.indexOf('\0') + 1)), ctx.configVarReads);
  const delta: WarmDelta = {
    scan: stale.changed.map((path) => [path, stale.fingerprints(path)[0] ?? null] as const),
    env: newEnv,
    nodes: [...update.dropped.filter((id) => !fresh.has(id)).map((id) => [id, null] as const), ...update.fresh.map((id) => [id, update.manifest.nodes.get(id)!] as const)],
    depths: depths ? [...depths].filter(([id, d]) => oldDepths!.get(id) !== d) : [],
    ...(update.files !== saved.files ? { files: update.files } : {}),
    ...(newPatches.length ? { patches: newPatches } : {}),
    ...(stale.changedVars.length ? { cliVars: [...cliVarHashes(options)], vars: ctx.vars } : {}),
    varReads,
    logs,
    nodeLogs,
    renders: saved.renders,
  };
  const { identity: _identity, ...rest } = saved; // a new load: its identity is known once read back
  const load: SavedLoad = { ...rest, manifest: update.manifest, files: update.files, logs, nodeLogs, depths: depths ? [...depths] : saved.depths, vars: ctx.vars };
  renderer.setManifest(update.manifest);
  return { load, renderer, internals: { ...internals, varReads: withVarReads(internals.varReads, varReads) }, parsed: [...update.dropped, ...parsedAgain.filter((id) => !update.dropped.includes(id))], changedFiles, delta, env: envRead };
}

/**
 * Why the updated map's order may differ from a full load's, if it may: a node parsed again keeps
 * its place, so a node that is new (a full load puts it where its file or entry is read), a test now
 * declared on another model, or a model's tests in another order (a full load adds each model's tests
 * together, in the order declared) need a full load.
 */
function placementChange(before: ReadonlyMap<string, ManifestNode>, update: NodesUpdate): string | undefined {
  const after = update.manifest.nodes;
  // The places of the nodes parsed again only (not a map of all 25,000).
  const fresh = new Set(update.fresh);
  const position = new Map<string, number>();
  let i = 0;
  for (const id of after.keys()) {
    if (fresh.has(id)) position.set(id, i);
    i++;
  }
  const lastTest = new Map<string, number>();
  for (const id of update.fresh) {
    const old = before.get(id);
    if (!old) return `${id} is new`;
    const attached = (after.get(id) as { attachedNode?: string }).attachedNode;
    if (attached === undefined) continue;
    if ((old as { attachedNode?: string }).attachedNode !== attached) return `test ${id} moved to another node`;
    const at = position.get(id)!;
    if ((lastTest.get(attached) ?? -1) > at) return `the tests of ${attached} changed order`;
    lastTest.set(attached, at);
  }
  return undefined;
}

/** Whether every node in `ids` was there before with the same parents (then no generation changes). */
function sameEdges(before: ReadonlyMap<string, ManifestNode>, after: ReadonlyMap<string, ManifestNode>, ids: readonly string[]): boolean {
  const parents = (nodes: ReadonlyMap<string, ManifestNode>, id: string) => new Set(nodes.get(id)!.dependsOn.filter((p) => nodes.has(p)));
  return ids.every((id) => {
    if (!before.has(id)) return false;
    const [a, b] = [parents(before, id), parents(after, id)];
    return a.size === b.size && [...a].every((p) => b.has(p));
  });
}

/** The saved generations less the nodes gone (a node gone had no children: nothing else moves). */
function savedDepths(saved: SavedLoad, removed: readonly string[]): Map<string, number> {
  const depths = new Map(saved.depths);
  for (const id of removed) depths.delete(id);
  return depths;
}

/**
 * Each node's generation — its longest path from a node without parents, as graph/project-graph.ts
 * counts it — or undefined when the dependencies have a cycle (Kahn's algorithm; graph/ reports the
 * cycle when the project's graph is built). Nodes are numbered and the edges kept in typed arrays:
 * a Set of parents and a Map entry or two per node were ~5% of a cold load's allocations. The
 * Map's order is the order each node got its first depth (roots in node order, then as reached).
 */
export function generations(manifest: Manifest): Map<string, number> | undefined {
  const nodes = manifest.nodes;
  const ids = [...nodes.keys()];
  const at = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) at.set(ids[i]!, i);
  // Each node's distinct parents among the nodes (dependsOn may name one twice, or something else).
  const parents: number[] = [];
  const ends = new Int32Array(ids.length);
  let i = 0;
  for (const node of nodes.values()) {
    const from = parents.length;
    for (const id of node.dependsOn) {
      const p = at.get(id);
      if (p !== undefined && !parents.includes(p, from)) parents.push(p);
    }
    ends[i++] = parents.length;
  }
  // Children lists, as [start, end) slices of one array (counted, then filled in node order).
  const childEnds = new Int32Array(ids.length + 1);
  for (const p of parents) childEnds[p + 1]!++;
  for (let k = 0; k < ids.length; k++) childEnds[k + 1]! += childEnds[k]!;
  const children = new Int32Array(parents.length);
  const filled = childEnds.slice(0, ids.length);
  for (let c = 0, k = 0; c < ids.length; c++) for (; k < ends[c]!; k++) children[filled[parents[k]!]!++] = c;
  const waiting = new Int32Array(ids.length);
  for (let c = 0; c < ids.length; c++) waiting[c] = ends[c]! - (c === 0 ? 0 : ends[c - 1]!);
  const depth = new Int32Array(ids.length).fill(-1);
  const order: number[] = [];
  const ready: number[] = [];
  for (let c = 0; c < ids.length; c++) if (waiting[c] === 0) (ready.push(c), (depth[c] = 0), order.push(c));
  let left = ids.length;
  while (ready.length) {
    const n = ready.pop()!;
    left--;
    const d = depth[n]! + 1;
    for (let k = childEnds[n]!; k < childEnds[n + 1]!; k++) {
      const c = children[k]!;
      if (depth[c]! < 0) order.push(c);
      if (depth[c]! < d) depth[c] = d;
      if (--waiting[c]! === 0) ready.push(c);
    }
  }
  if (left > 0) return undefined;
  const out = new Map<string, number>();
  for (const c of order) out.set(ids[c]!, depth[c]!);
  return out;
}
