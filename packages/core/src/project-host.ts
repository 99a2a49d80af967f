// What the modules TsdbtProject delegates to (compile, previews, run-operation, source freshness) read of
// the project: its loaded parts and the private steps they share (adapter, run context, state). Internal.
import type { ClickHouseAdapter } from './adapter/clickhouse-adapter.js';
import type { RelationIndex } from './compile/compile-sql.js';
import type { RunContext } from './execute/run-context.js';
import type { ProjectGraph } from './graph/project-graph.js';
import type { LoadedProject } from './load/load-project.js';
import type { TargetConfig } from './load/profiles.js';
import type { Manifest } from './manifest/manifest.js';
import type { ManifestNode } from './manifest/nodes.js';
import type { Command, EventHandler } from './report/events.js';
import type { ManifestSource } from './report/manifest-reuse.js';
import type { RunArgs } from './report/run-args.js';
import type { WarnErrorPolicy } from './report/warn-error.js';
import type { SelectionOptions, StateArtifacts } from './select/select-nodes.js';
import type { RunOptions } from './tsdbt-options.js';

export interface ProjectHost {
  readonly invocationId: string;
  readonly loaded: LoadedProject;
  readonly graph: ProjectGraph;
  readonly index: RelationIndex;
  readonly manifest: Manifest;
  readonly target: TargetConfig;
  readonly targetDir: string;
  readonly secrets: readonly string[];
  readonly onEvent: EventHandler;
  /** The --vars given to open() (run_results.json args). */
  readonly cliVars: Readonly<Record<string, unknown>> | undefined;
  adapter(threads?: number): Promise<ClickHouseAdapter>;
  runContext(adapter: ClickHouseAdapter, options: RunOptions): RunContext;
  select(options: SelectionOptions): string[];
  selectIds(options: SelectionOptions): Set<string>;
  compileInline(sql: string): string;
  stateArtifacts(dir: string | undefined): StateArtifacts;
  manifestSource(): ManifestSource | undefined;
  manifestContentKey(items: readonly { node: ManifestNode }[], sqlKeys: readonly string[]): string | undefined;
  /** How dbt's warnings are treated (report/warn-error.ts). */
  policy(): WarnErrorPolicy;
  /** One of dbt's warnings: an error, silenced or a warning event, as the policy says. */
  warn(message: string): void;
  /** run_results.json `args`: this invocation's flags, for `retry`. */
  runArgs(command: Command, options: RunOptions, threads: number): RunArgs;
  /** Whether the warehouse connection is open (or shared from another project). */
  opened(): boolean;
}
