import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Renderer } from '../render/renderer.js';
import { readValue } from '../render/render-reads.js';
import { secretValues } from '../shared/secrets.js';
import { encodeScan, scanInputs, type InputSpec } from './input-fingerprint.js';
import { loadInternals, type LoadedProject, type LoadOptions } from './load-project.js';
import { readProjectFileRendered } from './yaml-values.js';
import { engineFingerprint } from './parse-cache-key.js';
import type { ProjectRoot } from './project-roots.js';
import { BUILTIN_MACROS_DIR, PACKAGE_MACROS_DIR } from './builtin-package.js';
import { readProjectFile, type ProjectFile } from './project-file.js';
import { savedPatch } from './saved-patches.js';
import { changedSince, deltaNodeIds } from './warm-changes.js';
import { readWarmStart, recordingEnv, removeWarmStart, writeWarmStart, type DeltaNodes, type SavedLoad, type VarReads } from './warm-start.js';
import { generations, updateWarmLoad } from './warm-update.js';
import { isKeptLoad, keepingWarmStarts, keepWarmStart, statIdentity } from './warm-memory.js';
import { cliVarHashes } from './warm-vars-update.js';

/*
 * How loadProject uses the warm start (load/warm-start.ts): before loading, the saved load of the
 * same options is returned when its inputs are unchanged; a load that runs records what it read
 * (environment variables, the stat scan of its files taken before reading them) and saves itself.
 */

/** The warm start's file in the target folder. */
export const WARM_START_FILE = 'warm_start.bin';

/** The parts of the key that come from the load options (and the build running them). */
function warmStartKey(options: LoadOptions, projectRoot: string): Record<string, string> {
  const digest = (v: unknown) => readValue(v) ?? '';
  return {
    tsdbt: engineFingerprint(),
    node: process.version,
    project: projectRoot,
    profiles: options.profilesDir === undefined ? '' : resolve(options.profilesDir),
    target: options.target ?? '',
    profile: options.profile ?? '',
    targetPath: options.targetPath ?? '',
    flags: digest([options.fullRefresh === true, options.versionCheck !== false]),
  };
}

/** Where the warm start of a project lives (undefined when its project file cannot be read: the load says why). */
function warmStartFile(options: LoadOptions, projectRoot: string): string | undefined {
  try {
    return join(resolve(projectRoot, options.targetPath ?? readProjectFileRendered(projectRoot, process.env, options.vars ?? {}).targetPath), WARM_START_FILE);
  } catch {
    return undefined;
  }
}

/** A ProjectFile read back without its YAML document: the document is read again if a line is asked for. */
function withLazyYaml(pf: Omit<ProjectFile, 'yaml'>, projectRoot: string): ProjectFile {
  let yaml: ProjectFile['yaml'] | undefined;
  return Object.defineProperty({ ...pf }, 'yaml', {
    enumerable: false,
    get: () => (yaml ??= readProjectFile(projectRoot).yaml),
  }) as ProjectFile;
}

/**
 * The saved load for `options` when it still holds — or, when only a few SQL files changed, the
 * saved load updated (load/warm-update.ts) — as a LoadedProject (its warnings said again through
 * onLog; `renderer(manifest)` builds the Jinja renderer when first used), else why not.
 */
export function warmLoad(options: LoadOptions, renderer: (loaded: LoadedProject) => Renderer): LoadedProject | string {
  const started = performance.now();
  const projectRoot = resolve(options.projectDir ?? '.');
  const env = options.env ?? process.env;
  const file = warmStartFile(options, projectRoot);
  if (!file) return 'no project file';
  if (secretValues(env, options.vars ?? {}).length) return 'secret environment variables are set';
  const read = readWarmStart(file, warmStartKey(options, projectRoot), env, cliVarHashes(options));
  if (typeof read === 'string') return read;
  let saved: SavedLoad;
  let built: Renderer | undefined;
  let updated: { parsed: readonly string[]; files: readonly string[] } | undefined;
  let identity = 'changed' in read ? undefined : read.identity;
  let deltaNodes = 'changed' in read ? read.deltaNodes : (read.deltaNodes ?? []);
  if ('changed' in read) {
    // Which ids the load had before this update: a delta that adds one changes more than its nodes.
    const before = new Set(read.load().manifest.nodes.keys());
    let update;
    try {
      update = updateWarmLoad(read, options, projectRoot);
    } catch {
      return 'the warm-start file is corrupt';
    }
    if (typeof update === 'string') return update;
    saved = update.load;
    built = update.renderer;
    updated = { parsed: update.parsed, files: update.changedFiles };
    const next = update;
    identity = read.append(update.delta, () => ({ inputs: { ...read.inputs, scan: read.scan, env: next.env, cliVars: cliVarHashes(options) }, load: next.load, internals: update.internals }));
    // Appended to the saved deltas, or written whole (a new base: no deltas).
    deltaNodes = identity?.startsWith(`${read.identity},`) ? [...read.deltaNodes, deltaNodeIds(update.delta.nodes, before)] : [];
    // A resident process keeps the updated load for its next command (load/warm-memory.ts), as if read back from the file.
    if (identity !== undefined) read.keep({ ...saved, identity, deltaNodes });
  } else saved = read;
  for (const [message, level] of saved.logs) options.onLog?.(message, level);
  const loaded: LoadedProject = {
    projectRoot: saved.projectRoot,
    projectFile: withLazyYaml(saved.projectFile, projectRoot),
    target: saved.target,
    manifest: saved.manifest,
    get renderer() {
      return (built ??= renderer(loaded));
    },
    vars: saved.vars,
    files: saved.files,
    secrets: [],
    partialParse: {
      mode: 'warm',
      rendered: updated ? updated.parsed : [],
      reused: saved.renders,
      workerRendered: 0,
      warmStart: true,
      ...(updated ? { warmUpdate: updated.files } : isKeptLoad(saved) ? { warmKept: true } : {}),
    },
    graphHints: { acyclic: true, depths: saved.depths },
    ...(identity !== undefined ? { warmIdentity: identity, warmChanges: changedSinceOf(identity, deltaNodes) } : {}),
    // perf_info.json: the whole load was reading the warm start
    timings: { readProjectElapsed: 0, loadMacrosElapsed: 0, parseProjectElapsed: 0, processManifestElapsed: 0, loadAllElapsed: (performance.now() - started) / 1000, projects: [] },
  };
  return loaded;
}

/** LoadedProject.warmChanges of a warm start (made apart: the closure must not keep the load's scope alive). */
function changedSinceOf(identity: string, deltaNodes: DeltaNodes): (since: string) => ReadonlySet<string> | undefined {
  return (since) => changedSince(identity, deltaNodes, since);
}

/** What a running load records for its warm start. */
export interface WarmRecorder {
  /** The environment the load must read (through it, reads are recorded). */
  readonly env: NodeJS.ProcessEnv;
  /** Scans the inputs of the project roots, before their files are read. */
  scan(roots: readonly ProjectRoot[]): void;
  /** Saves the finished load (or removes an old warm start when this load must not be saved); its identity when saved. */
  save(
    loaded: LoadedProject,
    extra: { readonly volatile: boolean; readonly envRead: Iterable<string>; readonly logs: SavedLoad['logs']; readonly nodeLogs: SavedLoad['nodeLogs']; readonly renders: number; readonly varReads: VarReads },
  ): string | undefined;
}

/** Starts recording a load for its warm start; undefined when the warm start is off (--no-partial-parse). */
export function recordLoad(options: LoadOptions, projectRoot: string, env: NodeJS.ProcessEnv): WarmRecorder | undefined {
  const file = warmStartFile(options, projectRoot);
  if (!file) return undefined;
  const recording = recordingEnv(env);
  // Root-level files (project.yml, profiles.yml, packages.yml, selectors.yml…) before any is read.
  const early = scanInputs({ files: profileCandidates(options), shallow: [projectRoot], listed: [], trees: [] });
  let spec: InputSpec | undefined;
  let scan = early;
  return {
    env: recording.env,
    scan(roots) {
      const root = roots[0]!;
      const pf = root.projectFile;
      const trees = new Set<string>();
      for (const p of [...pf.modelPaths, ...pf.macroPaths, ...pf.testPaths, ...pf.seedPaths, ...pf.snapshotPaths, ...pf.docsPaths, ...pf.analysisPaths, ...pf.functionPaths]) trees.add(resolve(projectRoot, p));
      for (const r of roots.slice(1)) trees.add(r.dir); // an installed package: every file of it
      // tsdbt's own macro files are read at run time, not built in: an edited one is a change too.
      trees.add(BUILTIN_MACROS_DIR).add(PACKAGE_MACROS_DIR);
      const installDir = resolve(projectRoot, pf.packagesInstallPath);
      spec = { files: profileCandidates(options), shallow: [projectRoot], listed: [installDir], trees: [...trees].sort() };
      scan = new Map([...early, ...scanInputs({ files: [], shallow: [], listed: [installDir], trees: spec.trees })]);
    },
    save(loaded, extra) {
      // A project with a cycle fails when its graph is built: its load is not saved (a warm start's graph skips that check).
      const depths = spec && !extra.volatile && !secretValues(env, loaded.vars).length ? generations(loaded.manifest) : undefined;
      if (!spec || !depths) return void removeWarmStart(file);
      const names = new Set([...recording.read, ...extra.envRead]);
      const envValues = new Map([...names].sort().map((n) => [n, readValue(env[n])] as const));
      const { yaml: _yaml, ...projectFile } = loaded.projectFile;
      const patches = loadInternals.get(loaded)?.patches ?? new Map();
      const key = warmStartKey(options, projectRoot);
      const inputs = { spec, scan, env: envValues, cliVars: cliVarHashes(options) };
      const load: SavedLoad = {
        projectRoot: loaded.projectRoot,
        projectFile,
        target: loaded.target,
        manifest: loaded.manifest,
        vars: loaded.vars,
        files: loaded.files,
        renders: extra.renders,
        logs: extra.logs,
        nodeLogs: extra.nodeLogs,
        depths: [...depths],
      };
      const identity = writeWarmStart(file, key, inputs, load, { patches: new Map([...patches].map(([name, patch]) => [name, savedPatch(patch)] as const)), schemaEntries: loadInternals.get(loaded)?.schemaEntries ?? new Map(), varReads: extra.varReads });
      // A resident process keeps the load just saved for its next command (load/warm-memory.ts), as if read back from the file.
      const fileNow = identity !== undefined && keepingWarmStarts() ? statIdentity(file) : undefined;
      if (fileNow) keepWarmStart(file, { fileIdentity: fileNow, key, spec, scan: encodeScan(scan), overrides: new Map(), env: envValues, cliVars: inputs.cliVars, load: { ...load, identity, deltaNodes: [] } });
      return identity;
    },
  };
}

/** Every profiles.yml the load may read (present or not: one appearing is a change). */
function profileCandidates(options: LoadOptions): string[] {
  return options.profilesDir ? [join(resolve(options.profilesDir), 'profiles.yml')] : [join(homedir(), '.tsdbt', 'profiles.yml')];
}
