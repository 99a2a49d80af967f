import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Manifest } from '../manifest/manifest.js';
import type { Renderer } from '../render/renderer.js';
import { readValue } from '../render/render-reads.js';
import { secretValues } from '../shared/secrets.js';
import { scanInputs, type InputSpec } from './input-fingerprint.js';
import type { LoadedProject, LoadOptions } from './load-project.js';
import { engineFingerprint } from './parse-cache-key.js';
import type { ProjectRoot } from './project-roots.js';
import { BUILTIN_MACROS_DIR, PACKAGE_MACROS_DIR } from './builtin-package.js';
import { readProjectFile, type ProjectFile } from './project-file.js';
import { readWarmStart, recordingEnv, removeWarmStart, writeWarmStart, type SavedLoad } from './warm-start.js';

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
    targetPath: options.targetPath ?? '',
    vars: digest(options.vars ?? {}),
    flags: digest([options.fullRefresh === true, options.versionCheck !== false]),
  };
}

/** Where the warm start of a project lives (undefined when its project file cannot be read: the load says why). */
function warmStartFile(options: LoadOptions, projectRoot: string): string | undefined {
  try {
    return join(resolve(projectRoot, options.targetPath ?? readProjectFile(projectRoot).targetPath), WARM_START_FILE);
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
 * The saved load for `options` when it still holds, as a LoadedProject (its warnings said again
 * through onLog; `renderer(manifest)` builds the Jinja renderer when first used), else why not.
 */
export function warmLoad(options: LoadOptions, renderer: (loaded: LoadedProject) => Renderer): LoadedProject | string {
  const started = performance.now();
  const projectRoot = resolve(options.projectDir ?? '.');
  const env = options.env ?? process.env;
  const file = warmStartFile(options, projectRoot);
  if (!file) return 'no project file';
  if (secretValues(env, options.vars ?? {}).length) return 'secret environment variables are set';
  const saved = readWarmStart(file, warmStartKey(options, projectRoot), env);
  if (typeof saved === 'string') return saved;
  for (const [message, level] of saved.logs) options.onLog?.(message, level);
  let built: Renderer | undefined;
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
    partialParse: { mode: 'warm', rendered: [], reused: saved.renders, workerRendered: 0, warmStart: true },
    graphHints: { acyclic: true, depths: new Map(saved.depths) },
    // perf_info.json: the whole load was reading the warm start
    timings: { readProjectElapsed: 0, loadMacrosElapsed: 0, parseProjectElapsed: 0, processManifestElapsed: 0, loadAllElapsed: (performance.now() - started) / 1000, projects: [] },
  };
  return loaded;
}

/** What a running load records for its warm start. */
export interface WarmRecorder {
  /** The environment the load must read (through it, reads are recorded). */
  readonly env: NodeJS.ProcessEnv;
  /** Scans the inputs of the project roots, before their files are read. */
  scan(roots: readonly ProjectRoot[]): void;
  /** Saves the finished load (or removes an old warm start when this load must not be saved). */
  save(loaded: LoadedProject, extra: { readonly volatile: boolean; readonly envRead: Iterable<string>; readonly logs: SavedLoad['logs']; readonly renders: number }): void;
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
      for (const p of [...pf.modelPaths, ...pf.macroPaths, ...pf.testPaths, ...pf.seedPaths, ...pf.snapshotPaths, ...pf.docsPaths, ...pf.analysisPaths]) trees.add(resolve(projectRoot, p));
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
      if (!spec || !depths) return removeWarmStart(file);
      const names = new Set([...recording.read, ...extra.envRead]);
      const envValues = new Map([...names].sort().map((n) => [n, readValue(env[n])] as const));
      const { yaml: _yaml, ...projectFile } = loaded.projectFile;
      writeWarmStart(file, warmStartKey(options, projectRoot), { spec, scan, env: envValues }, {
        projectRoot: loaded.projectRoot,
        projectFile,
        target: loaded.target,
        manifest: loaded.manifest,
        vars: loaded.vars,
        files: loaded.files,
        renders: extra.renders,
        logs: extra.logs,
        depths: [...depths],
      });
    },
  };
}

/** Every profiles.yml the load may read (present or not: one appearing is a change). */
function profileCandidates(options: LoadOptions): string[] {
  return options.profilesDir ? [join(resolve(options.profilesDir), 'profiles.yml')] : [join(homedir(), '.tsdbt', 'profiles.yml')];
}

/**
 * Each node's generation — its longest path from a node without parents, as graph/project-graph.ts
 * counts it — or undefined when the dependencies have a cycle (Kahn's algorithm; graph/ reports the
 * cycle when the project's graph is built).
 */
function generations(manifest: Manifest): Map<string, number> | undefined {
  const nodes = manifest.nodes;
  const waiting = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const [id, node] of nodes) {
    const parents = new Set(node.dependsOn.filter((p) => nodes.has(p)));
    waiting.set(id, parents.size);
    for (const p of parents) (children.get(p) ?? children.set(p, []).get(p)!).push(id);
  }
  const depth = new Map<string, number>();
  const ready: string[] = [];
  for (const [id, n] of waiting) if (n === 0) (ready.push(id), depth.set(id, 0));
  while (ready.length) {
    const id = ready.pop()!;
    const d = depth.get(id)! + 1;
    for (const c of children.get(id) ?? []) {
      if ((depth.get(c) ?? -1) < d) depth.set(c, d);
      const left = waiting.get(c)! - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  return [...waiting.values()].every((n) => n === 0) ? depth : undefined;
}
