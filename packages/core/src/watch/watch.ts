import type { FSWatcher } from 'chokidar';
import { randomUUID } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ProjectGraph } from '../graph/project-graph.js';
import { toPosix } from '../load/discover-files.js';
import { reloadProject, type FileChange } from '../load/incremental-load.js';
import { loadProject, type LoadedProject, type LoadOptions } from '../load/load-project.js';
import type { ProjectFile } from '../load/project-file.js';
import type { ResourceType } from '../manifest/nodes.js';
import type { RunEvent } from '../report/events.js';
import type { SelectionOptions } from '../select/select-nodes.js';
import { TsdbtError } from '../shared/errors.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import { TsdbtProject, type OpenOptions, type RunOptions, type RunResult } from '../tsdbt.js';
import { diffManifests, type ManifestDiff } from './diff.js';
import type { WatchEvent, WatchEventHandler } from './events.js';

/** Quiet period after an edit before re-running; editors write a save within a few ms. */
const DEFAULT_DEBOUNCE_MS = 50;
/** Quiet period when files appear or disappear: a rename is an add and an unlink, in either order. */
const RENAME_WINDOW_MS = 150;

export interface WatchOptions extends Omit<OpenOptions, 'onEvent'>, Omit<SelectionOptions, 'resourceTypes' | 'onWarning'>, Pick<RunOptions, 'threads' | 'failFast' | 'fullRefresh' | 'storeFailures' | 'warnError' | 'batchTests'> {
  /** Also run the tests of what is rebuilt (`build` semantics). Default false. */
  readonly test?: boolean;
  /** `run`: models only (`tsdbt run --watch`); `build` (default): models and seeds, plus tests with `test`. */
  readonly command?: 'run' | 'build';
  /** Run the whole selection once before watching (default true). */
  readonly initialRun?: boolean;
  /** Quiet period that groups a burst of saves into one re-run (ms, default 50; 150 when files were added or deleted). */
  readonly debounceMs?: number;
  /** Poll the file system instead of native events (network drives, some containers). */
  readonly usePolling?: boolean;
  /** Receives the watcher's events and the events of every run it starts. */
  readonly onEvent?: WatchEventHandler;
}

export interface Watcher {
  /** The project as last loaded without error (undefined while the first load fails). */
  readonly project: TsdbtProject | undefined;
  /** Resolves once nothing is pending or running (tests and scripts wait on this after an edit). */
  idle(): Promise<void>;
  /** Stops watching, aborts a running run and closes the connection. Idempotent. */
  close(): Promise<void>;
}

const WATCHED_EXTENSIONS = ['.sql', '.csv', '.yml', '.yaml'];

/**
 * Watches a project's models, macros, tests, seeds and YAML, and on every change re-loads the
 * project (incrementally when only SQL files changed), works out what changed and builds the
 * changed nodes and their descendants inside the selection. Runs never overlap: changes made
 * during a run are gathered into exactly one follow-up run. Errors are reported, never thrown.
 */
export async function watch(options: WatchOptions = {}): Promise<Watcher> {
  // Checked before any file is watched or the project loaded: a bad value is the caller's error.
  optionalInteger('debounceMs', options.debounceMs, NUMERIC_RULES.debounce);
  optionalInteger('threads', options.threads, NUMERIC_RULES.threads);
  const w = new ProjectWatcher(options);
  await w.start();
  return w;
}

class ProjectWatcher implements Watcher {
  project: TsdbtProject | undefined;
  private graph: ProjectGraph | undefined;
  /** The project whose warehouse connection the others borrow. */
  private owner: TsdbtProject | undefined;
  private fsWatcher: FSWatcher | undefined;
  private readonly emit: WatchEventHandler;
  private readonly projectRoot: string;
  private readonly debounceMs: number;
  private pending = new Map<string, FileChange>();
  /** Changes since the last successful load: retried on the next change, used by the diff. */
  private unapplied = new Map<string, FileChange>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Aborts the run in progress on close(); one per run, so that no listeners pile up on a shared signal. */
  private abort = new AbortController();
  private closing: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private watchedDirs: string[] = [];

  constructor(private readonly options: WatchOptions) {
    this.projectRoot = resolve(options.projectDir ?? '.');
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    const handler = options.onEvent ?? (() => {});
    // A throwing listener must not kill the watcher.
    this.emit = (event) => {
      try {
        handler(event);
      } catch {
        /* the listener's problem, not ours */
      }
    };
  }

  async start(): Promise<void> {
    try {
      this.adopt(TsdbtProject.fromLoaded(loadProject(this.loadOptions()), { onEvent: this.runEvents }));
    } catch (error) {
      this.reportError(error, []);
    }
    // Connect now, so that the first change does not pay for it.
    if (this.project) await this.project.adapter(this.options.threads).catch((error: unknown) => this.reportError(error, []));
    if (this.project && this.options.initialRun !== false) {
      try {
        const result = await this.project.build({ ...this.runOptions(), ...this.selection() });
        this.emit({ type: 'watch_run_finished', result });
      } catch (error) {
        this.reportError(error, []);
      }
    }
    this.watchedDirs = this.dirsToWatch(this.project?.loaded.projectFile);
    // Loaded here, not at every command's start (issue 17's start-up).
    const { watch: chokidarWatch } = await import('chokidar');
    if (this.closing) return;
    this.fsWatcher = chokidarWatch(this.projectRoot, {
      ignoreInitial: true,
      ignored: (path, stats) => this.ignored(path, stats),
      usePolling: this.options.usePolling,
      interval: 50,
    });
    for (const kind of ['add', 'change', 'unlink'] as const) this.fsWatcher.on(kind, (path: string) => this.onFile(kind, path));
    this.fsWatcher.on('error', (error) => this.reportError(error, []));
    await new Promise<void>((ready) => this.fsWatcher!.once('ready', () => ready()));
    this.emit({ type: 'watch_ready', projectRoot: this.projectRoot, paths: ['project.yml', '*.yml', ...this.watchedDirs] });
  }

  idle(): Promise<void> {
    if (!this.timer && !this.running && this.pending.size === 0) return Promise.resolve();
    return new Promise((done) => this.idleWaiters.push(done));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pending.clear();
      this.abort.abort();
      await this.fsWatcher?.close().catch(() => {});
      await this.running?.catch(() => {});
      const owner = this.owner;
      if (this.project && this.project !== owner) await this.project.close().catch(() => {});
      await owner?.close().catch(() => {});
      this.emit({ type: 'watch_stopped' });
      for (const done of this.idleWaiters.splice(0)) done();
    })();
    return this.closing;
  }

  // --- file events ---------------------------------------------------------------------------

  private readonly runEvents = (event: RunEvent) => this.emit(event);

  private rel(path: string): string {
    return toPosix(relative(this.projectRoot, isAbsolute(path) ? path : resolve(this.projectRoot, path)));
  }

  private dirsToWatch(pf: ProjectFile | undefined): string[] {
    // Installed packages too: `tsdbt deps` (or an edit of a linked local package) reloads the project.
    // Snapshot files too: models may ref() a snapshot (watch never runs snapshots: they record time).
    const dirs = pf
      ? [...pf.modelPaths, ...pf.macroPaths, ...pf.testPaths, ...pf.seedPaths, ...pf.snapshotPaths, pf.packagesInstallPath]
      : ['models', 'macros', 'tests', 'seeds', 'snapshots', 'dbt_packages'];
    return [...new Set(dirs.map((d) => toPosix(d).replace(/^\.\//, '').replace(/\/$/, '')))];
  }

  /** Skips everything but root YAML files and the project's folders (never node_modules or target/). */
  private ignored(path: string, stats?: { isFile(): boolean; isDirectory(): boolean }): boolean {
    const rel = this.rel(path);
    if (rel === '' || rel.startsWith('..')) return false;
    const parts = rel.split('/');
    if (parts.some((p) => p.startsWith('.'))) return true;
    const isFile = stats?.isFile() ?? WATCHED_EXTENSIONS.some((x) => rel.endsWith(x));
    if (parts.length === 1 && isFile) return !(rel.endsWith('.yml') || rel.endsWith('.yaml'));
    const inside = this.watchedDirs.some((d) => rel === d || rel.startsWith(d + '/'));
    const above = this.watchedDirs.some((d) => d.startsWith(rel + '/'));
    if (!inside) return !(above && !isFile);
    return isFile && !WATCHED_EXTENSIONS.some((x) => rel.endsWith(x));
  }

  private onFile(kind: FileChange['kind'], path: string): void {
    try {
      if (this.closing) return;
      const rel = this.rel(path);
      if (!WATCHED_EXTENSIONS.some((x) => rel.endsWith(x))) return;
      const before = this.pending.get(rel);
      // unlink then add (an editor's atomic save) is a change.
      const merged: FileChange['kind'] = before && before.kind !== kind && kind !== 'unlink' && before.kind === 'unlink' ? 'change' : kind;
      this.pending.set(rel, { path: rel, kind: merged });
      clearTimeout(this.timer);
      // A new or deleted file may be half of a rename (the other event can trail by tens of ms):
      // wait longer for its partner. Plain edits, the common case, keep the short window.
      const addOrDelete = [...this.pending.values()].some((c) => c.kind !== 'change');
      this.timer = setTimeout(() => this.fire(), addOrDelete ? Math.max(this.debounceMs, RENAME_WINDOW_MS) : this.debounceMs);
    } catch (error) {
      this.reportError(error, []);
    }
  }

  /** The debounce window closed: start a cycle, or let the running one pick the changes up after it. */
  private fire(): void {
    this.timer = undefined;
    if (this.running || this.closing || this.pending.size === 0) return;
    this.running = this.cycle().finally(() => {
      this.running = undefined;
      if (this.pending.size > 0 && !this.timer && !this.closing) this.fire();
      else if (!this.timer) for (const done of this.idleWaiters.splice(0)) done();
    });
  }

  // --- one cycle: re-load, diff, build ------------------------------------------------------------

  private async cycle(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.emit({ type: 'watch_change', files: batch });
    for (const c of batch) this.unapplied.set(c.path, c);
    const changes = [...this.unapplied.values()];
    const previous = this.project;
    let next: TsdbtProject;
    let diff: ManifestDiff;
    let mode: 'incremental' | 'full' = 'full';
    let fullReason: string | undefined;
    let parseMs: number;
    try {
      let candidates: string[] | undefined;
      if (previous && this.graph) {
        const r = reloadProject({ loaded: previous.loaded, graph: this.graph }, changes, this.loadOptions());
        ({ mode, fullReason, parseMs } = r);
        // Incremental: only model, test and seed files changed (no macro), and all other nodes are the same objects.
        if (r.touched && r.removed) candidates = [...r.touched, ...r.removed];
        next = this.projectOf(r.loaded, r.graph);
      } else {
        const t0 = performance.now();
        const loaded = loadProject(this.loadOptions());
        next = this.projectOf(loaded);
        parseMs = performance.now() - t0;
        fullReason = 'no previous project';
      }
      diff = previous
        ? diffManifests(previous.manifest, next.manifest, new Set(changes.map((c) => c.path)), candidates)
        : { changed: [], added: [...next.manifest.nodes.keys()], removed: [], renamed: [] };
    } catch (error) {
      this.reportError(error, changes.map((c) => c.path));
      return;
    }
    this.unapplied.clear();
    const pathsBefore = this.watchedDirs.join('\n');
    this.adopt(next);
    this.watchedDirs = this.dirsToWatch(next.loaded.projectFile);
    if (this.watchedDirs.join('\n') !== pathsBefore) this.fsWatcher?.add(this.watchedDirs.map((d) => resolve(this.projectRoot, d)));

    let rebuild: string[];
    try {
      rebuild = this.toRebuild(next, diff);
    } catch (error) {
      this.reportError(error, changes.map((c) => c.path));
      return;
    }
    this.emit({ type: 'watch_reloaded', mode, fullReason, parseMs, diff, rebuild });
    if (rebuild.length === 0 || this.closing) return;
    try {
      const result: RunResult = await next.build({ ...this.runOptions(), uniqueIds: rebuild, writeManifest: 'after' });
      this.emit({ type: 'watch_run_finished', result });
    } catch (error) {
      this.reportError(error, changes.map((c) => c.path));
    }
  }

  /** Changed and new nodes, and everything downstream of them, inside the user's selection. */
  private toRebuild(project: TsdbtProject, diff: ManifestDiff): string[] {
    const types = this.resourceTypes();
    const inSelection = this.selectionSet(project, types);
    const out = new Set<string>();
    for (const id of [...diff.changed, ...diff.added]) {
      if (!project.graph.has(id)) continue;
      if (inSelection(id)) out.add(id);
      if (project.node(id).resourceType === 'test') continue;
      for (const d of project.graph.descendants(id)) if (inSelection(d)) out.add(d);
    }
    return project.graph.order(out);
  }

  private selectionSet(project: TsdbtProject, types: readonly ResourceType[]): (id: string) => boolean {
    const o = this.options;
    const everything = !o.select?.length && !o.exclude?.length && o.selector === undefined && !Object.values(project.manifest.selectors).some((s) => s.default);
    if (everything) return (id) => types.includes(project.node(id).resourceType);
    const set = new Set(project.select({ ...this.selection() }));
    return (id) => set.has(id);
  }

  private resourceTypes(): ResourceType[] {
    if (this.options.command === 'run') return ['model'];
    return this.options.test ? ['model', 'seed', 'test'] : ['model', 'seed'];
  }

  private selection(): SelectionOptions {
    const o = this.options;
    return { select: o.select, exclude: o.exclude, selector: o.selector, indirectSelection: o.indirectSelection, resourceTypes: this.resourceTypes() };
  }

  private runOptions(): RunOptions {
    const o = this.options;
    this.abort = new AbortController();
    return { threads: o.threads, failFast: o.failFast, fullRefresh: o.fullRefresh, storeFailures: o.storeFailures, warnError: o.warnError, batchTests: o.batchTests, signal: this.abort.signal };
  }

  private loadOptions(): LoadOptions {
    const o = this.options;
    return {
      projectDir: this.projectRoot,
      profilesDir: o.profilesDir,
      target: o.target,
      targetPath: o.targetPath,
      vars: o.vars,
      fullRefresh: o.fullRefresh,
      env: o.env,
      partialParse: o.partialParse,
      invocationId: o.invocationId ?? randomUUID(),
      onLog: (message, level) => {
        o.onLog?.(message, level);
        if (level === 'warn') this.emit({ type: 'warning', message });
        else this.emit({ type: 'log', level, message });
      },
    };
  }

  /** A project over `loaded` that borrows the owner's connection when the target is unchanged. */
  private projectOf(loaded: LoadedProject, graph?: ProjectGraph): TsdbtProject {
    const share = this.owner && JSON.stringify(this.owner.target) === JSON.stringify(loaded.target) ? this.owner : undefined;
    return TsdbtProject.fromLoaded(loaded, { onEvent: this.runEvents, graph, shareWarehouseWith: share });
  }

  private adopt(next: TsdbtProject): void {
    const previous = this.project;
    this.project = next;
    this.graph = next.graph;
    if (!this.owner) {
      this.owner = next;
      return;
    }
    if (previous && previous !== this.owner && previous !== next) void previous.close().catch(() => {});
    // A new target (profile edited): the new project owns its own connection from now on.
    if (JSON.stringify(this.owner.target) !== JSON.stringify(next.target)) {
      const old = this.owner;
      this.owner = next;
      void old.close().catch(() => {});
    }
  }

  private reportError(error: unknown, files: readonly string[]): void {
    const e = error instanceof TsdbtError ? error : undefined;
    this.emit({
      type: 'watch_error',
      error,
      message: error instanceof Error ? error.message : String(error),
      code: e?.code,
      file: e?.file,
      line: e?.line,
      files,
    });
  }
}

export type { WatchEvent, WatchEventHandler };
