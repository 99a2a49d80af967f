// The library's option and result types (TsdbtProject's methods take and return these); re-exported by tsdbt.ts.
import type { DeferOptions } from './execute/deferral.js';
import type { SampleWindow } from './execute/sample-window.js';
import type { ProjectGraph } from './graph/project-graph.js';
import type { LoadOptions } from './load/load-project.js';
import type { ManifestNode } from './manifest/nodes.js';
import type { Command, EventHandler, HookResult, NodeResult } from './report/events.js';
import type { FreshnessResult } from './report/freshness-results.js';
import type { SelectionOptions } from './select/select-nodes.js';
import type { PreviousBatches } from './state/retry-plan.js';
import type { TsdbtProject } from './tsdbt.js';

export interface OpenOptions extends LoadOptions {
  /** Receives progress events (node started/finished, warnings, logs). */
  readonly onEvent?: EventHandler;
  /** Every statement sent is a debug `log` event (`On <node id>: <sql>`, dbt's --debug SQL log). */
  readonly logStatements?: boolean;
  /** dbt's --warn-error: dbt's warnings (DeprecatedModel, UnusedResourceConfigPath, NoNodesForSelectionCriteria…) fail the command. */
  readonly warnError?: boolean;
  /** dbt's --warn-error-options (a mapping of error / warn / silence to dbt event names); over dbt_project.yml's `flags:`. */
  readonly warnErrorOptions?: unknown;
}

export interface RunOptions extends SelectionOptions, DeferOptions {
  readonly threads?: number;
  readonly failFast?: boolean;
  readonly fullRefresh?: boolean;
  readonly storeFailures?: boolean;
  readonly warnError?: boolean;
  /**
   * `--empty` (dbt 1.8): every ref() and source() reads zero rows (`(select * from … where false
   * limit 0)`), so models build with their real shape and no data, against the real target.
   */
  readonly empty?: boolean;
  /** Answer column tests of one relation from one scan (default true). */
  readonly batchTests?: boolean;
  readonly signal?: AbortSignal;
  /** Run exactly these nodes (unique ids), instead of a selection; ids not in the project are ignored. */
  readonly uniqueIds?: readonly string[];
  /** `retry`: a microbatch model's batches in the retried run (by unique id); only its failed ones run again (dbt's batch_map). */
  readonly previousBatches?: Readonly<Record<string, PreviousBatches>>;
  /** `retry`: when the retried run started — microbatch models' batches end there by default, not now (dbt 1.11). */
  readonly originalInvocationStartedAt?: Date;
  /** When to write target/manifest.json: after the run (default: once, with the SQL the run compiled), or 'before' the first statement too (as dbt's write at parse). */
  readonly writeManifest?: 'before' | 'after';
  /** dbt's --event-time-start / --event-time-end: the window microbatch models build (UTC; both or neither). */
  readonly eventTimeStart?: Date | string;
  readonly eventTimeEnd?: Date | string;
  /** dbt 1.10's --sample: `"3 days"` or `{start, end}` (execute/sample-window.ts). */
  readonly sample?: string | SampleWindow;
}

/** `tsdbt retry`: the folder of the run to retry (default target/), and flags that may differ from that run's. */
export interface RetryOptions {
  readonly state?: string;
  readonly threads?: number;
  readonly warnError?: boolean;
  readonly signal?: AbortSignal;
}

/** `tsdbt source freshness`: each source's result, where sources.json went, and whether none was an error. */
export interface FreshnessRunResult {
  readonly results: readonly FreshnessResult[];
  readonly elapsed: number;
  readonly path: string;
  readonly success: boolean;
}

/** Options of `TsdbtProject.fromLoaded`. */
export interface FromLoadedOptions {
  readonly onEvent?: EventHandler;
  readonly invocationId?: string;
  /** The DAG of `loaded.manifest`, when already built (incremental re-load). */
  readonly graph?: ProjectGraph;
  /**
   * Use this project's warehouse connection (same target) instead of opening one; closing the new
   * project leaves it open. Watch mode hands one connection from each re-load to the next.
   */
  readonly shareWarehouseWith?: TsdbtProject;
  /** As OpenOptions.logStatements. */
  readonly logStatements?: boolean;
}

export interface RunResult {
  readonly command: Command;
  readonly results: readonly NodeResult[];
  readonly elapsed: number;
  readonly interrupted: boolean;
  /** True when no node (and no on-run-start / on-run-end hook) errored or failed. */
  readonly success: boolean;
  /** The `on-run-start` and `on-run-end` hooks that ran (run, build, seed, snapshot and test run them, as dbt). */
  readonly hooks: readonly HookResult[];
}

export interface ValidateOptions extends SelectionOptions {
  /** Compute column lineage too (default true). */
  readonly lineage?: boolean;
  /** Write target/manifest.json (columns typed, compiled SQL) and target/lineage.json (default true). */
  readonly write?: boolean;
}

export interface CompiledNode {
  readonly node: ManifestNode;
  readonly sql: string;
  readonly path: string;
}
