import { randomUUID } from 'node:crypto';
import { noteInvocationStarted } from './shared/invocation-started.js';
import { resolve } from 'node:path';
import type { ClickHouseAdapter } from './adapter/clickhouse-adapter.js';
import { debugReport, type DebugReport } from './adapter/debug-checks.js';
import { openWarehouseAhead } from './adapter/warehouse-client.js';
import type { ProjectAnalysis } from './analyze/analysis.js';
import { validateProject } from './analyze/validate-project.js';
import type { ColumnTrace, TraceOptions } from './analyze/lineage-graph.js';
import { traceColumn } from './analyze/trace-column.js';
import { compileInline } from './compile/compile-inline.js';
import { RelationIndex } from './compile/compile-sql.js';
import { compileProject } from './execute/compile-command.js';
import { RESOURCE_TYPES, runCommand } from './execute/run-command.js';
import type { DeferOptions } from './execute/deferral.js';
import type { Preview } from './execute/show-rows.js';
import type { RunContext } from './execute/run-context.js';
import { ProjectGraph } from './graph/project-graph.js';
import { installPackages, type DepsOptions, type DepsResult } from './deps/install-packages.js';
import { loadInternals, type LoadedProject, type LoadTimings } from './load/load-project.js';
import { packagesYamlRenderer, readProjectFileRendered } from './load/yaml-values.js';
import type { TargetConfig } from './load/profiles.js';
import type { Manifest } from './manifest/manifest.js';
import type { ManifestNode } from './manifest/nodes.js';
import { nodeContext, nodeDict } from './manifest/node-dict.js';
import { previews } from './execute/previews.js';
import { runOperation } from './execute/run-operation.js';
import { sourceFreshness } from './execute/source-freshness-run.js';
import type { ProjectHost } from './project-host.js';
import { loadHoldingLines } from './project-load.js';
import { runContextOf } from './project-run-context.js';
import { ProjectWarehouse } from './project-warehouse.js';
import { writeManifest } from './report/artifacts.js';
import { writePerfInfo } from './report/perf-info-file.js';
import { manifestContentKey, manifestSourceOf, type ManifestSource } from './report/manifest-reuse.js';
import { guardListener, type Command, type EventHandler } from './report/events.js';
import { selectNodes, type SelectionOptions, type StateArtifacts } from './select/select-nodes.js';
import { readFreshness, readPreviousState, type PreviousState } from './state/previous-state.js';
import { retryPlan, type RetryPlan } from './state/retry-plan.js';
import { runArgs, runOptionsOfArgs, type RunArgs } from './report/run-args.js';
import { UsageError } from './shared/errors.js';
import { checkCloneState } from './execute/run-clone.js';
import { scrubEvent } from './report/scrub-events.js';
import { queryCommenter, type QueryCommenter } from './execute/query-comments.js';
import { reportWarning, warnErrorPolicyOf, type WarnErrorPolicy } from './report/warn-error.js';
import type { CompiledNode, FreshnessRunResult, FromLoadedOptions, OpenOptions, RetryOptions, RunOptions, RunResult, ValidateOptions } from './tsdbt-options.js';

export type { OpenOptions, RunOptions, RunResult, CompiledNode, FromLoadedOptions, ValidateOptions, RetryOptions, FreshnessRunResult } from './tsdbt-options.js';

/**
 * A loaded project and, once needed, its warehouse connection: the library's main entry.
 * The CLI is a thin shell over this class; nothing here prints or exits.
 */
export class TsdbtProject {
  readonly invocationId: string;
  readonly loaded: LoadedProject;
  readonly graph: ProjectGraph;
  private readonly index: RelationIndex;
  private readonly onEvent: EventHandler;
  private readonly warehouse: ProjectWarehouse;
  private previousStates: Map<string, PreviousState> | undefined;
  private logStatements = false;
  private commenter: QueryCommenter | undefined;
  /** How dbt's warnings are treated (report/warn-error.ts): set by open(), else the project's `flags:`. */
  private warnPolicy: WarnErrorPolicy | undefined;

  /** The --vars given to open() (run_results.json args). */
  private cliVars?: Readonly<Record<string, unknown>>;
  /** open()'s --target: given (a name) or not (undefined); absent for a project made otherwise (fromLoaded). */
  private cliTarget?: { readonly name: string | undefined };

  private constructor(loaded: LoadedProject, invocationId: string, listener: EventHandler, graph?: ProjectGraph) {
    this.loaded = loaded;
    this.invocationId = invocationId;
    // Its command's start: artifacts' invocation_started_at.
    noteInvocationStarted(invocationId);
    // A listener that throws is reported once and never breaks a run (report/events.ts).
    const onEvent = guardListener(listener);
    // Events carry messages and SQL: DBT_ENV_SECRET_* values are scrubbed before any listener sees them.
    this.onEvent = loaded.secrets.length ? (event) => onEvent(scrubEvent(event, loaded.secrets)) : onEvent;
    this.graph = graph ?? new ProjectGraph(loaded.manifest, loaded.graphHints);
    this.index = new RelationIndex(loaded.manifest);
    this.warehouse = new ProjectWarehouse({
      invocationId,
      target: loaded.target,
      manifest: loaded.manifest,
      onEvent: this.onEvent,
      queryComments: () => this.queryComments(),
      logStatements: () => this.logStatements,
    });
  }

  /** A project over an already loaded (or incrementally re-loaded) manifest. */
  static fromLoaded(loaded: LoadedProject, options: FromLoadedOptions = {}): TsdbtProject {
    const project = new TsdbtProject(loaded, options.invocationId ?? randomUUID(), options.onEvent ?? (() => {}), options.graph);
    project.warehouse.sharedWith = options.shareWarehouseWith;
    project.logStatements = options.logStatements === true;
    return project;
  }

  /**
   * `tsdbt deps`: installs what packages.yml / dependencies.yml ask for into packages-install-path
   * (dbt_packages/), through package-lock.yml, as dbt deps does. Needs no loaded project (its
   * packages may be missing); packages.yml values may use env_var() and var() (--vars).
   */
  static deps(options: DepsOptions & { readonly vars?: Readonly<Record<string, unknown>> } = {}): Promise<DepsResult> {
    const env = options.env ?? process.env;
    return installPackages({ ...options, env, renderValue: options.renderValue ?? packagesYamlRenderer(env, options.vars ?? {}) });
  }

  /**
   * The run `retry` would replay, read before the project loads (loading may need the --vars that run
   * used): its command, stored flags and the nodes to run again.
   */
  static previousRun(options: { readonly projectDir?: string; readonly targetPath?: string; readonly state?: string; readonly warnError?: boolean } = {}): RetryPlan {
    const root = resolve(options.projectDir ?? '.');
    const targetPath = options.targetPath ?? readProjectFileRendered(root, process.env, {}).targetPath;
    return retryPlan(resolve(root, options.state ?? targetPath), options.state ?? targetPath, options.warnError);
  }

  /** Loads and parses a project (no warehouse connection yet). */
  static open(options: OpenOptions = {}): TsdbtProject {
    const invocationId = options.invocationId ?? randomUUID();
    noteInvocationStarted(invocationId); // before the load, as dbt's invocation context
    const onEvent = guardListener(options.onEvent ?? (() => {}));
    const { loaded, release } = loadHoldingLines({ ...options, invocationId }, onEvent);
    // The CLI's command will open the warehouse: chDB starts opening on another thread now (adapter/chdb-ahead.ts).
    openWarehouseAhead(loaded.target);
    const project = new TsdbtProject(loaded, invocationId, onEvent);
    try {
      release((project.warnPolicy = warnErrorPolicyOf(options, loaded.projectFile.flags ?? {})));
    } catch (error) {
      void project.close();
      throw error;
    }
    project.logStatements = options.logStatements === true;
    project.cliVars = options.vars;
    project.cliTarget = { name: options.target };
    return project;
  }

  /** dbt's query comments of this project (dbt_project.yml `query-comment`), rendered per node on first use. */
  private queryComments(): QueryCommenter {
    const target = this.loaded.target;
    const macroKeys = () => this.manifest.macros.keys();
    return (this.commenter ??= queryCommenter(() => this.loaded.renderer, this.loaded.projectFile, {
      profileName: target.profileName,
      targetName: target.name,
      // A macro named tojson or return (any package) could change how dbt's default comment renders.
      macroOverrides: () => [...macroKeys()].some((id) => id.endsWith('.tojson') || id.endsWith('.return')),
    }));
  }

  /** DBT_ENV_SECRET_* values of this invocation (scrubbed from every output). */
  get secrets(): readonly string[] {
    return this.loaded.secrets;
  }

  get manifest(): Manifest {
    return this.loaded.manifest;
  }

  get target(): TargetConfig {
    return this.loaded.target;
  }

  get targetDir(): string {
    return resolve(this.loaded.projectRoot, this.loaded.projectFile.targetPath);
  }

  /** One of dbt's warnings: an error, silenced or a warning event, as --warn-error(-options) say (report/warn-error.ts). */
  private warn(message: string): void {
    reportWarning(message, this.policy(), this.onEvent);
  }

  private policy(): WarnErrorPolicy {
    return (this.warnPolicy ??= warnErrorPolicyOf({}, this.loaded.projectFile.flags ?? {}));
  }

  /** Unique ids of the nodes a selection picks, in dependency order. */
  select(options: SelectionOptions = {}): string[] {
    return this.graph.order(this.selectIds(options));
  }

  /** Unique ids of the nodes a selection picks, in no particular order (`ls` sorts them by id: ordering by dependency is work it throws away). */
  selectIds(options: SelectionOptions = {}): Set<string> {
    return selectNodes(this.manifest, this.graph, {
      ...options,
      onWarning: (message) => this.warn(message),
    }, this.stateArtifacts(options.state));
  }

  private manifestContentKey(items: readonly { node: ManifestNode }[], sqlKeys: readonly string[]): string | undefined {
    return manifestContentKey(this.loaded, this.secrets, items, sqlKeys);
  }

  private manifestSource(): ManifestSource | undefined {
    return manifestSourceOf(this.loaded, this.secrets);
  }

  /** `--state DIR` read once per folder (and this target's sources.json, for `source_status:`). */
  private stateArtifacts(dir: string | undefined): StateArtifacts {
    if (dir === undefined || dir === '') return {};
    // dbt's behaviour flag state_modified_compare_more_unrendered_values (dbt_project.yml flags:).
    const compare = { unrenderedConfigCalls: this.loaded.projectFile.flags?.state_modified_compare_more_unrendered_values === true };
    const state = (this.previousStates ??= new Map()).get(dir) ?? { ...readPreviousState(dir, this.loaded.projectRoot), compare };
    this.previousStates.set(dir, state);
    return { state, currentFreshness: readFreshness(this.targetDir) };
  }

  node(uniqueId: string): ManifestNode {
    return this.graph.node(uniqueId);
  }

  /** A node with dbt's manifest keys, as target/manifest.json holds it (`ls --output json`). */
  nodeDict(uniqueId: string): Record<string, unknown> {
    return nodeDict(this.graph.node(uniqueId), undefined, nodeContext(this.manifest));
  }

  /** Renders the selected models and tests to SQL, writes target/compiled/ and target/manifest.json. */
  compile(options: SelectionOptions & DeferOptions & { write?: boolean; empty?: boolean; injectEphemeralCtes?: boolean } = {}): Promise<CompiledNode[]> {
    return compileProject(this.host(), options, RESOURCE_TYPES.compile);
  }

  /**
   * `tsdbt parse`: the loaded project as target/manifest.json, and target/perf_info.json with how
   * long each load phase took (no warehouse, no compiled SQL).
   */
  parse(): { manifestPath: string; perfInfoPath: string; timings?: LoadTimings } {
    const manifestPath = writeManifest(this.targetDir, this.manifest, this.graph, this.invocationId, undefined, this.secrets, undefined, undefined, this.manifestSource());
    const timings = this.loaded.timings;
    const none: LoadTimings = { readProjectElapsed: 0, loadMacrosElapsed: 0, parseProjectElapsed: 0, processManifestElapsed: 0, loadAllElapsed: 0, projects: [] };
    const perfInfoPath = writePerfInfo(this.targetDir, this.manifest, timings ?? none, this.loaded.files.length, this.loaded.partialParse);
    return { manifestPath, perfInfoPath, timings };
  }

  /** Renders a piece of Jinja SQL with the project's context (`compile --inline`). */
  compileInline(sql: string): string {
    return compileInline(this.index, this.loaded.renderer, this.manifest, sql);
  }

  run(options: RunOptions = {}): Promise<RunResult> {
    return this.execute('run', options);
  }

  test(options: RunOptions = {}): Promise<RunResult> {
    return this.execute('test', options);
  }

  build(options: RunOptions = {}): Promise<RunResult> {
    return this.execute('build', options);
  }

  seed(options: RunOptions = {}): Promise<RunResult> {
    return this.execute('seed', options);
  }

  /** Snapshots (SCD type 2 history tables), as `dbt snapshot`. */
  snapshot(options: RunOptions = {}): Promise<RunResult> {
    return this.execute('snapshot', options);
  }

  /**
   * `dbt clone --state DIR`: the selected models, seeds and snapshots are cloned into this target
   * from their relations in the state manifest (execute/run-clone.ts).
   */
  clone(options: RunOptions = {}): Promise<RunResult> {
    checkCloneState(options.deferState || options.state, this.loaded.projectRoot, this.targetDir);
    return this.execute('clone', options);
  }

  /** Preview rows of one model or seed (its compiled SQL) or of inline SQL. */
  async show(options: { select?: string; inline?: string; inlineDirect?: string; limit?: number }): Promise<Record<string, unknown>[]> {
    const previews = await this.previews(options, 1);
    return previews[0]!.rows;
  }

  /**
   * dbt show: the first `limit` rows (-1: all) of each selected model, seed or source named in
   * `select` (dbt previews the selected nodes whose name the --select text holds), or of inline SQL
   * (`inline` rendered as a model, `inlineDirect` sent as written). `atMost`: fail when more match.
   */
  previews(options: { select?: string; inline?: string; inlineDirect?: string; limit?: number }, atMost = Infinity): Promise<Preview[]> {
    return previews(this.host(), options, atMost);
  }

  /**
   * Runs a macro with the warehouse attached (`run-operation`): its run_query() calls execute. As
   * dbt's RunOperationTask, run_results.json gets one result (`macro.<package>.<name>`, success or
   * error) and `args` {which: 'run-operation', macro, args} (`argsText`: the --args as given), so
   * `retry` runs a failed operation again.
   */
  runOperation(macro: string, args: Record<string, unknown> = {}, options: { readonly argsText?: string } = {}): Promise<string> {
    return runOperation(this.host(), macro, args, options);
  }

  /**
   * `tsdbt validate`: the selection's shape with no data, in a scratch warehouse of its own: every
   * model's columns and types, and every error of the selection (with file and line) in one run.
   * Reads the sources' columns from the target when it is reachable; changes nothing there.
   */
  validate(options: ValidateOptions = {}): Promise<ProjectAnalysis> {
    return validateProject(this.host(), options);
  }

  /**
   * Column lineage across the DAG of `spec` (`model.column`, `seed.column`, `source.table.column`):
   * every column it is computed from, up to the sources, and every column computed from it. Analyses
   * the node's ancestors and descendants (a scratch warehouse, as validate); writes nothing.
   */
  columnLineage(spec: string, options: TraceOptions = {}): Promise<ColumnTrace> {
    return traceColumn(this.host(), spec, options);
  }

  /**
   * Loads sources that declare `external:` files (dbt-external-tables style), through the same
   * scheduler as `run` and `seed`: threads, fail-fast, --full-refresh, --warn-error, Ctrl-C and
   * run_results.json work as there.
   */
  sourceLoad(options: RunOptions = {}): Promise<RunResult> {
    return this.execute('source load', options);
  }
  /**
   * `tsdbt source freshness`: for each selected source with a freshness threshold and a
   * loaded_at_field, how old its newest row is (max(loaded_at_field) against the server's now()),
   * judged by warn_after / error_after; writes target/sources.json (or `output`) in dbt's shape.
   */
  sourceFreshness(options: SelectionOptions & { readonly threads?: number; readonly output?: string; readonly signal?: AbortSignal } = {}): Promise<FreshnessRunResult> {
    return sourceFreshness(this.host(), options);
  }

  /** What `retry` would run: the previous command, its stored flags (run_results `args`) and the nodes to run again. */
  retryPlan(options: Pick<RetryOptions, 'state' | 'warnError'> = {}): RetryPlan {
    const dir = options.state ? resolve(this.loaded.projectRoot, options.state) : this.targetDir;
    return retryPlan(dir, options.state ?? this.loaded.projectFile.targetPath, options.warnError);
  }

  /**
   * `tsdbt retry` (dbt 1.6+): the previous invocation's command with its flags (run_results.json
   * `args`), over the nodes that errored, failed or were skipped there; the run_results it writes
   * keep those args, so a second retry continues. Reads `state` (a folder) when given, else target/.
   * Load-time flags (target, --vars) are the caller's: the CLI opens the project with the stored ones.
   */
  retry(options: RetryOptions = {}): Promise<RunResult> {
    const plan = this.retryPlan(options);
    const previous = runOptionsOfArgs(plan.args);
    // dbt builds the retried subset of the graph: a node the project no longer has is an error.
    const gone = plan.uniqueIds.find((id) => !this.graph.has(id));
    if (gone) throw new UsageError('retry_missing_node', `Couldn't find ${gone.split('.')[0]} '${gone}'`, { hint: `It failed in the previous run and is no longer in the project: run the command again instead of retrying it.` });
    return this.execute(plan.which as Command, {
      ...previous,
      indirectSelection: previous.indirectSelection as SelectionOptions['indirectSelection'],
      threads: options.threads ?? previous.threads,
      // dbt's IGNORE_PARENT_FLAGS: --warn-error is this retry's own, never the previous run's.
      warnError: options.warnError ?? false,
      signal: options.signal,
      uniqueIds: plan.uniqueIds,
      previousBatches: plan.batches,
      ...(plan.invocationStartedAt ? { originalInvocationStartedAt: plan.invocationStartedAt } : {}),
    });
  }


  /**
   * `tsdbt debug`: the resolved project and target (only the keys of its type, password masked) and
   * the checks (connection, create the target database). A failed check is reported, not thrown.
   */
  debug(): Promise<DebugReport> {
    return debugReport({ loaded: this.loaded, manifest: this.manifest, connect: () => this.adapter() });
  }


  close(): Promise<void> {
    return this.warehouse.close();
  }

  /** The warehouse adapter, connecting on first use. */
  adapter(threads?: number): Promise<ClickHouseAdapter> {
    return this.warehouse.adapter(threads);
  }

  /** run_results.json `args`: this invocation's flags, for `retry`. */
  private runArgs(command: Command, options: RunOptions, threads: number): RunArgs {
    const load = loadInternals.get(this.loaded)?.options;
    const given = load ? { name: load.target } : this.cliTarget;
    // dbt writes --threads and --target only when given (the profile's are not flags).
    return runArgs(command, { ...options, threads: options.threads === undefined ? undefined : threads }, {
      // Unknown whether --target was given (a project made from another's load): written, so that retry runs against it.
      target: given ? given.name : this.target.name,
      // A warm start keeps no load options: the --vars this project was opened with.
      vars: load?.vars ?? this.cliVars ?? {},
      projectDir: this.loaded.projectRoot,
      profilesDir: load?.profilesDir,
      targetPath: load?.targetPath,
    });
  }

  private runContext(adapter: ClickHouseAdapter, options: RunOptions): RunContext {
    const { loaded, graph, index, targetDir, secrets, onEvent } = this;
    return runContextOf({ loaded, graph, index, targetDir, secrets, onEvent, policy: this.policy(), queryComments: () => this.queryComments() }, adapter, options);
  }

  /** What the modules this class delegates to read of it (project-host.ts). */
  private host(): ProjectHost {
    return {
      invocationId: this.invocationId,
      loaded: this.loaded,
      graph: this.graph,
      index: this.index,
      manifest: this.manifest,
      target: this.target,
      targetDir: this.targetDir,
      secrets: this.secrets,
      onEvent: this.onEvent,
      cliVars: this.cliVars,
      adapter: (threads) => this.adapter(threads),
      runContext: (adapter, options) => this.runContext(adapter, options),
      select: (options) => this.select(options),
      selectIds: (options) => this.selectIds(options),
      compileInline: (sql) => this.compileInline(sql),
      stateArtifacts: (dir) => this.stateArtifacts(dir),
      manifestSource: () => this.manifestSource(),
      manifestContentKey: (items, sqlKeys) => this.manifestContentKey(items, sqlKeys),
      policy: () => this.policy(),
      warn: (message) => this.warn(message),
      runArgs: (command, options, threads) => this.runArgs(command, options, threads),
      opened: () => this.warehouse.opened,
    };
  }

  private execute(command: Command, raw: RunOptions): Promise<RunResult> {
    return runCommand(this.host(), command, raw);
  }
}

