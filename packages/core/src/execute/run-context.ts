import type { ClickHouseAdapter } from '../adapter/clickhouse-adapter.js';
import type { RelationIndex } from '../compile/compile-sql.js';
import type { CompiledWriter } from '../compile/write-compiled.js';
import type { ProjectGraph } from '../graph/project-graph.js';
import type { Manifest } from '../manifest/manifest.js';
import type { TargetConfig } from '../load/profiles.js';
import type { Renderer } from '../render/renderer.js';
import type { EventHandler } from '../report/events.js';
import type { QueryComment } from '../adapter/query-comment.js';
import type { ManifestNode, Relation } from '../manifest/nodes.js';
import type { PreviousBatches } from '../state/retry-plan.js';

/** Everything a node runner needs; built once per run. */
export interface RunContext {
  readonly manifest: Manifest;
  readonly graph: ProjectGraph;
  readonly index: RelationIndex;
  readonly renderer: Renderer;
  readonly adapter: ClickHouseAdapter;
  readonly target: TargetConfig;
  /** Absolute path of target/. */
  readonly targetDir: string;
  readonly fullRefresh: boolean;
  readonly storeFailures: boolean;
  readonly warnError: boolean;
  /** A test that warns fails (--warn-error, or warn_error_options naming dbt's LogTestResult). */
  readonly testsWarnError?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent: EventHandler;
  /** Where runners put the compiled SQL of the nodes they run (flushed at the end of the run). */
  readonly compiled: CompiledWriter;
  /** --event-time-start / --event-time-end (UTC), for microbatch models. */
  readonly eventTime?: { readonly start?: Date; readonly end?: Date };
  /** dbt's `--sample` window (sample-window.ts): refs and sources with an event_time are read within it. */
  readonly sample?: { readonly start: Date; readonly end: Date };
  /** When the run started (dbt's invocation time): a microbatch model's batches end there by default. */
  readonly runStartedAt?: Date;
  /** dbt's query comment of a node's statements (execute/query-comments.ts); unset: none set per node. */
  readonly queryComment?: (node: ManifestNode) => QueryComment | undefined;
  /** `clone`: each node's relation in the --state manifest (clone's source); unset for other commands. */
  readonly clone?: ReadonlyMap<string, Relation>;
  /** dbt_project.yml `flags:` of the root project (behaviour flags read while nodes run). */
  readonly projectFlags?: Readonly<Record<string, unknown>>;
  /** `retry`: microbatch models' batches in the retried run (by unique id): only the failed ones run again. */
  readonly previousBatches?: Readonly<Record<string, PreviousBatches>>;
  /** The nodes this run builds (unset outside a run). */
  readonly selected?: ReadonlySet<string>;
}
