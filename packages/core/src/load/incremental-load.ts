import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ProjectGraph } from '../graph/project-graph.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { buildGenericTest } from './build-tests.js';
import { toPosix } from './discover-files.js';
import { duplicateNode, loadInternals, loadProject, type LoadedProject, type LoadInternals, type LoadOptions } from './load-project.js';
import { loadModels, loadSingularTests } from './load-nodes.js';
import { isVersionPatch } from './model-versions.js';
import { nameIndex, resolveDependencies, type NameIndex } from './resolve-dependencies.js';
import { withJoinUseNulls } from './dbt-semantics.js';
import { checkContracts } from './contract-rules.js';
import { checkGroupsAndAccess } from './access-check.js';
import { builtRelation, checkRelationClashes } from './relation-clash.js';
import { noteConfigKeys } from './node-config.js';
import type { ProjectFile } from './project-file.js';
import { isMicrobatch } from '../manifest/microbatch-config.js';

/** The ref/source name index of each manifest's node map, kept so the next re-load can extend it. */
const nameIndexOf = new WeakMap<ReadonlyMap<string, ManifestNode>, NameIndex>();

/** Whether `after` is found under the names `before` was (manifest/node-lookup.ts reads these fields). */
function sameLookupKeys(before: ManifestNode | undefined, after: ManifestNode): boolean {
  if (!before) return false;
  const key = (n: ManifestNode) => {
    const { version, latestVersion, sourceName } = n as { version?: unknown; latestVersion?: unknown; sourceName?: unknown };
    return [n.resourceType, n.name, n.packageName, version, latestVersion, sourceName];
  };
  const [a, b] = [key(before), key(after)];
  return a.every((v, i) => v === b[i]);
}

/** One file event, with a project-relative POSIX path. */
export interface FileChange {
  readonly path: string;
  readonly kind: 'add' | 'change' | 'unlink';
}

export interface ReloadResult {
  readonly loaded: LoadedProject;
  /** The DAG of the new manifest (derived from the previous one when incremental). */
  readonly graph: ProjectGraph;
  /** `incremental`: only the changed SQL files were parsed again; `full`: the whole project was. */
  readonly mode: 'incremental' | 'full';
  /** Why a full re-load was needed (incremental mode only handles model, singular test and seed CSV edits). */
  readonly fullReason?: string;
  /** Time spent loading and parsing (ms), graph included. */
  readonly parseMs: number;
  /** Incremental mode: the nodes parsed again or new, and the nodes gone (all others are the previous objects). */
  readonly touched?: readonly string[];
  readonly removed?: readonly string[];
}

type Kind = 'model' | 'singular' | 'seed';

const under = (path: string, dirs: readonly string[]) => dirs.some((d) => path.startsWith(toPosix(d).replace(/^\.\//, '').replace(/\/?$/, '/')));

/**
 * Loads a project again after `changes`. When every change is an edit, creation or deletion of a
 * model or singular test SQL file, or an edit of a seed CSV, only those files are rendered again
 * (with the previous renderer, patches and graph); anything else (YAML, macros, project.yml, new or
 * deleted seeds) loads the whole project, as `loadProject` does. Errors propagate as from
 * `loadProject`; `previous` is never modified.
 */
export function reloadProject(previous: { loaded: LoadedProject; graph: ProjectGraph }, changes: readonly FileChange[], options: LoadOptions = {}): ReloadResult {
  const started = performance.now();
  const plan = incrementalPlan(previous, changes);
  const applied = typeof plan === 'string' ? plan : applyIncremental(previous, plan);
  if (typeof applied === 'string') {
    const loaded = loadProject(options);
    const graph = new ProjectGraph(loaded.manifest);
    return { loaded, graph, mode: 'full', fullReason: applied, parseMs: performance.now() - started };
  }
  return { ...applied, mode: 'incremental', parseMs: performance.now() - started };
}

/** One SQL file to parse again (or drop), as planned from the file events. */
export interface PlannedChange {
  readonly path: string;
  readonly kind: Kind;
  readonly change: FileChange['kind'];
}

/** The SQL changes to apply, or why the project must be loaded in full. */
function incrementalPlan(previous: { loaded: LoadedProject }, changes: readonly FileChange[]): PlannedChange[] | string {
  if (!loadInternals.has(previous.loaded)) return 'no previous load state';
  return planChanges(previous.loaded.projectFile, changes);
}

/** Which file events an incremental re-load handles (model and singular test SQL files, seed CSV edits), or the first it does not. */
export function planChanges(pf: ProjectFile, changes: readonly FileChange[]): PlannedChange[] | string {
  const out: PlannedChange[] = [];
  const genericDirs = pf.testPaths.map((p) => join(p, 'generic'));
  for (const c of changes) {
    const path = c.path;
    if (path.endsWith('.sql') && under(path, pf.macroPaths)) return `macro file ${path}`;
    if (path.endsWith('.sql') && under(path, genericDirs)) return `generic test file ${path}`;
    if (path.endsWith('.sql') && under(path, pf.modelPaths)) out.push({ path, kind: 'model', change: c.kind });
    else if (path.endsWith('.sql') && under(path, pf.testPaths)) out.push({ path, kind: 'singular', change: c.kind });
    else if (path.endsWith('.csv') && under(path, pf.seedPaths) && c.kind === 'change') out.push({ path, kind: 'seed', change: c.kind });
    else return `${path} (${c.kind})`;
  }
  return out;
}

function applyIncremental(previous: { loaded: LoadedProject; graph: ProjectGraph }, plan: PlannedChange[]): { loaded: LoadedProject; graph: ProjectGraph; touched: string[]; removed: string[] } | string {
  const { loaded: prev, graph: prevGraph } = previous;
  const internals = loadInternals.get(prev)!;
  const onLog = internals.options.onLog ?? (() => {});
  const update = updateNodes({ loaded: prev, internals, children: (id) => (prevGraph.has(id) ? prevGraph.children(id) : []) }, plan);
  if (typeof update === 'string') return update;
  for (const [message, level] of update.logs) onLog(message, level);
  const { manifest, fresh, removed, files } = update;
  prev.renderer.setManifest(manifest);
  const graph = ProjectGraph.withChanges(prevGraph, manifest, fresh, removed);
  // No longer the warm start's load: nothing may be reused as made from it (compile memo, manifest.json pieces).
  const { warmIdentity: _identity, warmChanges: _changes, ...rest } = prev;
  const loaded: LoadedProject = { ...rest, manifest, files };
  loadInternals.set(loaded, internals);
  return { loaded, graph, touched: [...fresh], removed: [...removed] };
}

/** The previous load an incremental update starts from: its result, internals and each node's children. */
export interface UpdateBase {
  readonly loaded: Pick<LoadedProject, 'projectRoot' | 'projectFile' | 'renderer' | 'target' | 'manifest' | 'files'>;
  readonly internals: Omit<LoadInternals, 'options'>;
  readonly children: (id: string) => readonly string[];
}

/** The manifest after an incremental update (load/warm-update.ts and watch mode's re-load share it). */
export interface NodesUpdate {
  readonly manifest: Manifest;
  /** Nodes parsed again or new (in the manifest's order), and nodes gone. */
  readonly fresh: readonly string[];
  readonly removed: readonly string[];
  /** Nodes deleted from the previous map before the fresh ones went in (fresh ones may reuse their ids). */
  readonly dropped: readonly string[];
  readonly files: readonly string[];
  /** What the update said (the contract rules' warnings), for the caller to pass on. */
  readonly logs: readonly (readonly [string, 'warn'])[];
  /** Config keys tsdbt does not know that the parsed files set (a full load notes them). */
  readonly unknownConfigKeys: readonly string[];
}

/**
 * Parses the planned files again over `base`'s manifest (never modified): their nodes and the
 * generic tests hanging on them are replaced, dependencies resolved, and what a full load checks
 * after resolving is checked again (dbt_semantics' join_use_nulls and the contract rules for the
 * parsed nodes; relation clashes and groups/access over all nodes). Returns why a full load is
 * needed where the update cannot give a full load's result; errors propagate as from loadProject.
 */
export function updateNodes(base: UpdateBase, plan: readonly PlannedChange[]): NodesUpdate | string {
  const { loaded: prev, internals, children } = base;
  const { projectRoot, projectFile: pf, renderer, target } = prev;
  const oldNodes = prev.manifest.nodes;

  // Old nodes defined by each changed SQL file (a file defines the node named after it), and the
  // generic tests hanging on them (children in the graph): no scan of the whole manifest.
  const fileNode = (path: string, kind: Kind): string | undefined => {
    const name = basename(path, extname(path));
    const id = kind === 'model' ? `model.${pf.name}.${name}` : `test.${pf.name}.${name}`;
    return oldNodes.get(id)?.originalFilePath === path ? id : undefined;
  };
  const testsOf = (id: string): string[] => children(id).filter((c) => (oldNodes.get(c) as { attachedNode?: string } | undefined)?.attachedNode === id);

  // Disabled nodes (manifest.disabled, refs to them) are a full load's: a changed file that was or becomes one loads in full.
  const disabledFiles = new Set([...(prev.manifest.disabled?.values() ?? [])].flat().map((n) => n.originalFilePath));
  const wasDisabled = plan.find((step) => disabledFiles.has(step.path));
  if (wasDisabled) return `disabled node file ${wasDisabled.path} changed`;
  let becameDisabled: string | undefined;
  const dropped = new Set<string>();
  const fresh = new Map<string, ManifestNode>();
  const add = (node: ManifestNode) => {
    if (!node.config.enabled) {
      becameDisabled ??= node.originalFilePath;
      return;
    }
    const clash = fresh.get(node.uniqueId) ?? (dropped.has(node.uniqueId) ? undefined : oldNodes.get(node.uniqueId));
    if (clash) throw duplicateNode(clash, node);
    fresh.set(node.uniqueId, node);
  };
  // A warm update does not read the `data_tests:` YAML patches: a singular test that has one (or a new one) loads in full.
  if (!internals.testPatches)
    for (const step of plan) {
      if (step.kind !== 'singular') continue;
      const id = fileNode(step.path, step.kind);
      if (id === undefined || (oldNodes.get(id) as { patchPath?: string } | undefined)?.patchPath) return `singular test ${step.path} (data_tests: patches)`;
    }
  for (const step of plan) {
    if (step.kind === 'seed') continue; // the manifest does not change; the watcher rebuilds the seed
    // A model version's node is not named after its file: a full load renames it.
    if (step.kind === 'model' && isVersionPatch(internals.patches.get(basename(step.path, extname(step.path))))) return `model version file ${step.path}`;
    const id = fileNode(step.path, step.kind);
    if (id === undefined) continue;
    dropped.add(id);
    for (const t of testsOf(id)) dropped.add(t);
  }
  const stopNotes = noteConfigKeys();
  try {
    for (const step of plan) {
      if (step.kind === 'seed' || step.change === 'unlink' || !existsSync(join(projectRoot, step.path))) continue;
      if (step.kind === 'model') {
        for (const node of loadModels(internals.root, renderer, internals.patches, target, [step.path])) {
          add(node);
          if (!node.config.enabled) continue;
          for (const decl of internals.patches.get(basename(node.originalFilePath, '.sql'))?.tests ?? []) add(buildGenericTest(internals.testCtx, decl, node));
        }
      } else for (const node of loadSingularTests(internals.root, renderer, internals.testPatches ?? new Map(), target.schema, [step.path])) add(node);
    }
  } finally {
    stopNotes();
  }
  const unknownConfigKeys = [...stopNotes().keys()];
  if (becameDisabled) return `${becameDisabled} is disabled now`;

  // A node that is gone for good must not leave children behind: they now fail to resolve, which
  // the full loader reports with the right file and line.
  const removed = [...dropped].filter((id) => !fresh.has(id));
  for (const id of removed)
    for (const child of children(id))
      if (!dropped.has(child)) return `${oldNodes.get(id)?.name ?? id} is gone but ${oldNodes.get(child)?.name ?? child} depends on it`;
  // A model gone whose YAML entry stays: a full load warns, and its tests may go to a seed of that name.
  const patched = removed.find((id) => oldNodes.get(id)?.resourceType === 'model' && internals.patches.has(basename(oldNodes.get(id)!.originalFilePath, '.sql')));
  if (patched) return `model ${oldNodes.get(patched)!.name} is gone but its YAML entry stays`;
  // A unit test's node is built from its model's (config, versions): those load in full.
  const unitTested = [...dropped].find((id) => children(id).some((c) => oldNodes.get(c)?.resourceType === 'unit_test'));
  if (unitTested) return `unit-tested model ${oldNodes.get(unitTested)!.name} changed`;

  // A native copy of the previous map, then the few changes (faster than rebuilding it entry by entry).
  const nodes = new Map<string, ManifestNode>(oldNodes);
  for (const id of dropped) if (!fresh.has(id)) nodes.delete(id);
  for (const [id, n] of fresh) nodes.set(id, n);
  // The name index of the previous manifest, less what is gone, plus what is new.
  // One pass over the nodes at most (a warm start's first update has no previous index: the old map's was made, then thrown away).
  // Nodes parsed again under the names they had (an edited model and its tests) replace their entries in the previous index.
  const renamed = removed.length > 0 || [...fresh].some(([id, n]) => dropped.has(id) && !sameLookupKeys(oldNodes.get(id), n));
  const index = renamed ? nameIndex(nodes) : nameIndex(fresh.values(), nameIndexOf.get(oldNodes) ?? nameIndex(oldNodes));
  for (const [id, n] of resolveDependencies(nodes, pf.name, new Set(fresh.keys()), index)) nodes.set(id, n);
  nameIndexOf.set(nodes, index); // resolution only needs each name's unique id
  // What a full load does after resolving (load-project.ts), for the nodes parsed again: dbt_semantics'
  // join_use_nulls, the contract rules. An ephemeral model passes its joins on to the nodes that inline
  // it, and doc() in a description needs the docs blocks: those load in full.
  const parsed = [...fresh.keys()].map((id) => nodes.get(id)!);
  const ephemeral = (n: ManifestNode | undefined) => n?.resourceType === 'model' && n.config.materialized === 'ephemeral';
  const changedEphemeral = [...parsed, ...[...dropped].map((id) => oldNodes.get(id))].find(ephemeral);
  if (changedEphemeral) return `ephemeral model ${changedEphemeral.name} changed`;
  const withDoc = parsed.find((n) => [n.description, ...Object.values(n.columns).map((c) => c.description)].some((d) => typeof d === 'string' && d.includes('{{')));
  if (withDoc) return `the description of ${withDoc.name} is rendered`;
  // Microbatch checks read the inputs' event_time: a change on either side loads in full.
  const batchy = [...parsed, ...[...dropped].map((id) => oldNodes.get(id))].find((n) => n && (isMicrobatch(n.config) || n.config.event_time !== undefined));
  if (batchy) return `microbatch or event_time model ${batchy.name} changed`;
  // dbt's check of names with spaces (resource-name-spaces.ts) fails or warns over the whole project.
  const spaced = parsed.find((n) => n.name.includes(' '));
  if (spaced) return `${spaced.name} has a space in its name`;
  // Over the whole map (a node inlining an unchanged ephemeral model joins through it), for the parsed nodes.
  withJoinUseNulls(nodes, fresh.keys());
  const logs: [string, 'warn'][] = [];
  checkContracts([...fresh.keys()].map((id) => nodes.get(id)!), (message, level) => logs.push([message, level]));
  // The previous map passed: only the nodes parsed again and what refs them can fail now.
  const accessChecked = new Set(fresh.keys());
  for (const id of fresh.keys()) for (const child of children(id)) accessChecked.add(child);
  checkGroupsAndAccess(nodes, prev.manifest.groups ?? new Map(), accessChecked);
  // The previous map had no clash: when every node parsed again was there and builds what it built, none can arise.
  const sameRelations = [...fresh.keys()].every((id) => oldNodes.has(id) && builtRelation(oldNodes.get(id)!) === builtRelation(nodes.get(id)!));
  if (!sameRelations) checkRelationClashes(nodes.values(), pf.flags, (message, level) => logs.push([message, level]));
  const manifest: Manifest = { ...prev.manifest, nodes };
  const gone = new Set(plan.filter((p) => p.change === 'unlink').map((p) => p.path));
  const files =
    plan.every((p) => p.change === 'change')
      ? prev.files // edits of files already read: the list is unchanged
      : [...new Set([...prev.files.filter((f) => !gone.has(f)), ...[...fresh.values()].map((n) => n.originalFilePath)])];
  return { manifest, fresh: [...fresh.keys()], removed, dropped: [...dropped], files, logs, unknownConfigKeys };
}
