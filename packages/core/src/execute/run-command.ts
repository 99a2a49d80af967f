// run, test, build, seed, snapshot, clone and source load of a project: flags checked, the selection, the
// project hooks around the scheduler (execute.ts), run_results.json (TsdbtProject's commands that run nodes).
import { pinViewsBeforeRun } from '../adapter/mv/dbt-views-into.js';
import { materializedViews } from '../adapter/mv/mv-listing.js';
import { sweepEachDatabaseAgain } from '../adapter/prepare-target.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { ProjectHost } from '../project-host.js';
import { writeManifest } from '../report/artifacts.js';
import { writeRunResults } from '../report/run-results-file.js';
import { runSucceeded, type Command } from '../report/events.js';
import { scrubHook, scrubResult } from '../report/scrub-events.js';
import { allWarningsAreErrors } from '../report/warn-error.js';
import type { SelectionOptions } from '../select/select-nodes.js';
import { UsageError } from '../shared/errors.js';
import { NUMERIC_RULES, optionalInteger } from '../shared/numeric-option.js';
import { requireStateManifest } from '../state/previous-state.js';
import type { RunOptions, RunResult } from '../tsdbt-options.js';
import { userFunctions } from './dbt-semantics/user-functions.js';
import { deferral } from './deferral.js';
import { eventTimeOf } from './event-time-flags.js';
import { execute } from './execute.js';
import { onRunEndContext, runProjectHooks } from './project-hooks.js';
import { cloneSources } from './run-clone.js';
import { sampleWindowOf } from './sample-window.js';

/** Commands that run the project's on-run-start / on-run-end hooks (dbt's RunTask and its subclasses). */
const HOOK_COMMANDS: ReadonlySet<Command> = new Set(['run', 'build', 'seed', 'snapshot', 'test']);

/** dbt's `is_relational and not is_ephemeral_model`: the nodes whose schemas a run creates first. */
export const isRelational = (n: ManifestNode) =>
  n.resourceType === 'seed' || n.resourceType === 'snapshot' || (n.resourceType === 'model' && n.config.materialized !== 'ephemeral');

export const RESOURCE_TYPES: Record<Command, SelectionOptions['resourceTypes']> = {
  run: ['model'],
  test: ['test', 'unit_test'],
  seed: ['seed'],
  snapshot: ['snapshot'],
  build: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'exposure', 'saved_query', 'function'],
  compile: ['model', 'snapshot', 'test', 'unit_test', 'analysis', 'function'],
  'source load': ['source'],
  clone: ['model', 'seed', 'snapshot'],
};

/**
 * An empty selection, as dbt: the warning "Nothing to do", empty run results, exit 0 (an error under
 * --warn-error); the warehouse is not opened.
 */
function nothingToDo(p: ProjectHost, command: Command, options: RunOptions, threads: number): RunResult {
  const message = 'Nothing to do. Try checking your model configs and model specification args';
  if (options.warnError) throw new UsageError('nothing_to_do', message, { hint: 'The selection picked no node (--warn-error makes this warning an error).' });
  p.warn(message);
  if (options.writeManifest !== 'after') writeManifest(p.targetDir, p.manifest, p.graph, p.invocationId, undefined, p.secrets, undefined, undefined, p.manifestSource(), undefined, options.storeFailures);
  writeRunResults(p.targetDir, [], 0, p.invocationId, p.runArgs(command, options, threads), p.secrets);
  return { command, results: [], elapsed: 0, interrupted: false, success: true, hooks: [] };
}

/** A command that runs nodes (run, test, build, seed, snapshot, clone, source load), as TsdbtProject.run etc. */
export async function runCommand(p: ProjectHost, command: Command, raw: RunOptions): Promise<RunResult> {
  // Flags checked before anything runs (or the warehouse is opened).
  const eventTime = eventTimeOf(raw);
  // dbt_project.yml `flags:` (dbt's ProjectFlags): defaults of --fail-fast and --warn-error, behaviour flags.
  const projectFlags = p.loaded.projectFile.flags ?? {};
  const flagged: RunOptions = { ...raw, failFast: raw.failFast ?? projectFlags.fail_fast === true, warnError: raw.warnError ?? allWarningsAreErrors(p.policy()) };
  const sampled: RunOptions = flagged.sample !== undefined && flagged.sample !== '' ? { ...flagged, sample: sampleWindowOf(flagged.sample) } : flagged;
  const options: RunOptions = eventTime ? { ...sampled, eventTimeStart: eventTime.start, eventTimeEnd: eventTime.end } : sampled;
  const threads = optionalInteger('threads', options.threads, NUMERIC_RULES.threads) ?? p.target.threads;
  const selected = options.uniqueIds
    ? new Set(options.uniqueIds.filter((id) => p.graph.has(id)))
    : new Set(p.select({ ...options, resourceTypes: options.resourceTypes ?? RESOURCE_TYPES[command] }));
  if (selected.size === 0) return nothingToDo(p, command, options, threads);
  const adapter = await p.adapter(threads);
  // An unreachable or refusing target fails once, before any node starts (not once per node).
  await adapter.checkConnection();
  // What an earlier run of this connection (watch mode) listed or swept is listed and swept again.
  materializedViews(adapter).forget();
  userFunctions(adapter).forget();
  sweepEachDatabaseAgain(adapter);
  await pinViewsBeforeRun(adapter, p.manifest, selected);
  const deferred = await deferral(options, p.manifest, selected, (dir) => p.stateArtifacts(dir).state, async () => adapter);
  // The run's own signal: the caller's (Ctrl-C) or --fail-fast's cancellation.
  const controller = new AbortController();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const base = p.runContext(adapter, { ...options, signal: controller.signal });
  const clone = command === 'clone' ? cloneSources(requireStateManifest(p.stateArtifacts(options.deferState || options.state).state, 'clone')) : undefined;
  const ctx = { ...base, index: base.index.withDeferred(deferred), selected, ...(clone ? { clone } : {}) };
  p.loaded.renderer.setSelectedResources(selected);
  p.loaded.renderer.setFlags({
    WHICH: command,
    FULL_REFRESH: options.fullRefresh ?? false,
    STORE_FAILURES: options.storeFailures ?? false,
    WARN_ERROR: options.warnError ?? false,
    FAIL_FAST: options.failFast ?? false,
    THREADS: threads,
    EMPTY: options.empty ?? false,
  });
  p.loaded.renderer.setInvocationArgs(p.runArgs(command, options, threads));
  const started = Date.now();
  // Written once, after the run (below), unless asked for before too: dbt writes it at parse and again after the
  // run, and a finished run's second write replaced the first; a run that dies leaves the last command's, which
  // stays consistent with the last run_results.json.
  if (options.writeManifest === 'before') writeManifest(p.targetDir, p.manifest, p.graph, p.invocationId, undefined, p.secrets, undefined, undefined, p.manifestSource(), undefined, options.storeFailures);
  const withHooks = HOOK_COMMANDS.has(command);
  // As dbt's before_run (create_schemas): the selected relations' schemas exist before the
  // on-run-start hooks and before any node renders (a model may create relations in its own
  // schema with run_query while it renders). A schema that cannot be created here is left to the
  // node that needs it, which reports the error as its own (as before this step existed).
  if (withHooks)
    for (const schema of new Set([...selected].map((id) => p.graph.node(id)).filter(isRelational).map((n) => n.relation.schema)))
      await adapter.ensureDatabase(schema).catch(() => {});
  const startHooks = withHooks ? await runProjectHooks(ctx, 'on-run-start') : [];
  // dbt 1.9's behaviour flag skip_nodes_if_on_run_start_fails (off by default: the nodes run even if a start hook fails).
  const skipAll = projectFlags.skip_nodes_if_on_run_start_fails === true && startHooks.some((h) => h.status === 'error');
  let { results, interrupted } = await execute(ctx, {
    ...(skipAll ? { skipAll: 'skipped because an on-run-start hook failed (skip_nodes_if_on_run_start_fails)' } : {}),
    command,
    selected,
    threads,
    failFast: options.failFast ?? false,
    cancelRunning: () => controller.abort(),
    // Batched tests and the unique pre-check read the tested relation itself: under --empty every
    // test reads its inputs through its own (limited) SQL, as dbt's do.
    batchTests: (options.batchTests ?? true) && !options.empty,
  });
  const endHooks = withHooks && !interrupted ? await runProjectHooks(ctx, 'on-run-end', onRunEndContext(results, startHooks, (id) => base.compiled.codeOf(id))) : [];
  const hooks = [...startHooks, ...endHooks].map((h) => scrubHook(h, p.secrets));
  const elapsed = (Date.now() - started) / 1000;
  // Written again once the run is over, as dbt's: the nodes compiled in it with their SQL (compiled_code, extra_ctes).
  writeManifest(p.targetDir, p.manifest, p.graph, p.invocationId, { get: (id) => base.compiled.codeOf(id) }, p.secrets, undefined, undefined, p.manifestSource(), undefined, options.storeFailures);
  writeRunResults(p.targetDir, results, elapsed, p.invocationId, p.runArgs(command, options, threads), p.secrets, { before: startHooks, after: endHooks });
  results = results.map((r) => scrubResult(r, p.secrets));
  const success = runSucceeded(results, interrupted) && hooks.every((h) => h.status !== 'error');
  return { command, results, elapsed, interrupted, success, hooks };
}
