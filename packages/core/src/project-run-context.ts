import type { ClickHouseAdapter } from './adapter/clickhouse-adapter.js';
import type { RelationIndex } from './compile/compile-sql.js';
import { CompiledWriter } from './compile/write-compiled.js';
import { eventTimeOf } from './execute/event-time-flags.js';
import type { QueryCommenter } from './execute/query-comments.js';
import type { RunContext } from './execute/run-context.js';
import { sampleWindowOf } from './execute/sample-window.js';
import type { ProjectGraph } from './graph/project-graph.js';
import type { LoadedProject } from './load/load-project.js';
import type { EventHandler } from './report/events.js';
import { warnErrorDecision, type WarnErrorPolicy } from './report/warn-error.js';
import type { RunOptions } from './tsdbt-options.js';

/** What a run's context is built from: the loaded project and the parts TsdbtProject holds for it. */
export interface RunContextSource {
  readonly loaded: LoadedProject;
  readonly graph: ProjectGraph;
  readonly index: RelationIndex;
  readonly targetDir: string;
  readonly secrets: readonly string[];
  readonly onEvent: EventHandler;
  readonly policy: WarnErrorPolicy;
  readonly queryComments: () => QueryCommenter;
}

/** Everything a run's node runners read (execute/run-context.ts), from the project and the command's options. */
export function runContextOf(project: RunContextSource, adapter: ClickHouseAdapter, options: RunOptions): RunContext {
  const { loaded } = project;
  return {
    manifest: loaded.manifest,
    graph: project.graph,
    index: options.empty ? project.index.withEmptyInputs() : project.index,
    renderer: loaded.renderer,
    adapter,
    target: loaded.target,
    targetDir: project.targetDir,
    fullRefresh: options.fullRefresh ?? false,
    storeFailures: options.storeFailures ?? false,
    warnError: options.warnError ?? false,
    // dbt's LogTestResult: a test that warns fails under --warn-error or when warn_error_options names it.
    testsWarnError: (options.warnError ?? false) || warnErrorDecision('LogTestResult', project.policy.options, false) === 'error',
    signal: options.signal,
    onEvent: project.onEvent,
    compiled: new CompiledWriter(project.targetDir, project.secrets),
    queryComment: (node) => project.queryComments().forNode(node),
    eventTime: options.eventTimeStart instanceof Date && options.eventTimeEnd instanceof Date ? { start: options.eventTimeStart, end: options.eventTimeEnd } : eventTimeOf(options),
    ...(options.sample !== undefined && options.sample !== '' ? { sample: sampleWindowOf(options.sample) } : {}),
    // dbt's default end of a microbatch model's batches: the invocation's start (a retry's: the retried run's).
    runStartedAt: options.originalInvocationStartedAt ?? new Date(),
    ...(options.previousBatches ? { previousBatches: options.previousBatches } : {}),
    projectFlags: loaded.projectFile.flags ?? {},
  };
}
