import type { ManifestNode, SourceNode } from '../manifest/nodes.js';
import type { FreshnessResult } from './freshness-results.js';

/** dbt's statuses; `partial success` is a microbatch model some of whose batches failed; `no-op` an exposure or saved query `build` passes through. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'partial success' | 'no-op';

export interface NodeTiming {
  readonly name: 'compile' | 'execute';
  readonly startedAt: string;
  readonly completedAt: string;
}

/** The outcome of one node in a run (one row of run_results.json). */
export interface NodeResult {
  readonly uniqueId: string;
  readonly node: ManifestNode;
  readonly status: NodeStatus;
  /** dbt's status slot: `OK 1,234 rows`, `CREATE VIEW`, `Got 3 results, configured to fail if != 0`, an error… */
  readonly message: string;
  readonly rowsAffected?: number;
  /** The query_id of the node's main statement (dbt-clickhouse's adapter_response.query_id). */
  readonly queryId?: string;
  /** Tests: the number of failing rows (per fail_calc). */
  readonly failures?: number;
  readonly executionTime: number;
  readonly timing: readonly NodeTiming[];
  readonly compiledCode?: string;
  readonly warnings: readonly string[];
  /** Where the node's compiled SQL was written (absolute), when it was. */
  readonly compiledPath?: string;
  /** Tests with store_failures: the relation holding the failing rows. */
  /** For errors: the file and line to look at. */
  readonly file?: string;
  readonly line?: number;
  /** For errors: what to do (the error's hint: e.g. where a failed write left rows and how to get them back). */
  readonly hint?: string;
  /** A microbatch model's batches (run_results' batch_results): [start, end] as ISO UTC strings. */
  readonly batchResults?: { readonly successful: readonly (readonly [string, string])[]; readonly failed: readonly (readonly [string, string])[] };
  /** For errors: the TsdbtError code (`cancelled` when a statement was stopped by the run's signal). */
  readonly errorCode?: string;
  /**
   * For skipped nodes, why: a node it depends on did not succeed (`upstream`), it was cancelled by
   * --fail-fast while running (`cancelled`), or it never started because the run stopped (`not_run`).
   */
  /** `ephemeral`: an ephemeral model it inlines failed to compile (dbt skips the node, and the run fails). */
  /** `on_run_start`: an on-run-start hook failed and dbt_project.yml's `flags: {skip_nodes_if_on_run_start_fails: true}` skips every node. */
  readonly skipReason?: 'upstream' | 'cancelled' | 'not_run' | 'ephemeral' | 'on_run_start';
  /** The run thread that ran the node (dbt's `Thread-N`). */
  readonly threadId?: string;
  /** A test that stored its failures: the relation holding them (run_results' relation_name). */
  readonly relationName?: string;
}

/**
 * Whether a run succeeded, from the results' typed statuses (never their messages): no node errored
 * or failed (a microbatch model's partial success counts as failed, as in dbt), none was left unrun,
 * and the run was not interrupted. Warnings and upstream skips of a
 * failed node do not count on their own (the failure does).
 */
export function runSucceeded(results: readonly NodeResult[], interrupted: boolean): boolean {
  return !interrupted && results.every((r) => r.status !== 'error' && r.status !== 'fail' && r.status !== 'partial success' && r.skipReason !== 'not_run' && r.skipReason !== 'ephemeral');
}

/** The outcome of one `on-run-start` / `on-run-end` hook (a row of run_results.json, as dbt writes it). */
export interface HookResult {
  /** `operation.<package>.<package>-on-run-start-<i>`. */
  readonly uniqueId: string;
  /** dbt's hook name in messages: `<package>.on-run-start.<i>`. */
  readonly name: string;
  readonly which: 'on-run-start' | 'on-run-end';
  readonly status: 'success' | 'error' | 'skipped';
  /** `<name> passed`, `<name> failed, error: …`, `<name> skipped`. */
  readonly message: string;
  readonly executionTime: number;
  readonly timing: readonly NodeTiming[];
  /** The SQL it ran. */
  readonly sql?: string;
}

export type Command = 'run' | 'test' | 'build' | 'seed' | 'snapshot' | 'compile' | 'source load' | 'clone';

/** What a run reports while it goes; the CLI turns these into dbt's console lines. */
export type RunEvent =
  | { readonly type: 'run_started'; readonly command: Command; readonly total: number; readonly threads: number; readonly targetName: string;
      /** The selected nodes by resource type. */
      readonly counts: Readonly<Record<string, number>>;
      /** dbt's Found line (FoundStats): the whole manifest's resources by type, in dbt's order (report/found-stats.ts). */
      readonly found?: readonly (readonly [string, number])[] }
  | { readonly type: 'node_started'; readonly node: ManifestNode; readonly index: number; readonly total: number }
  | { readonly type: 'node_finished'; readonly result: NodeResult; readonly index: number; readonly total: number }
  /** `name`: the dbt event the warning is (JinjaLogWarning, DeprecatedModel…; report/warn-error.ts), when it is one. */
  | { readonly type: 'warning'; readonly message: string; readonly file?: string; readonly name?: string }
  | { readonly type: 'log'; readonly level: 'info' | 'debug'; readonly message: string }
  | { readonly type: 'freshness_started'; readonly node: SourceNode; readonly index: number; readonly total: number }
  | { readonly type: 'freshness_finished'; readonly result: FreshnessResult; readonly index: number; readonly total: number }
  | { readonly type: 'hook_finished'; readonly result: HookResult; readonly index: number; readonly total: number }
  | { readonly type: 'run_finished'; readonly results: readonly NodeResult[]; readonly elapsed: number; readonly interrupted: boolean }
  /** A stopped run still waits for `running` statements it KILLed to end in the warehouse (`waited` seconds so far): once after 1 s, then every 10 s. */
  | { readonly type: 'stopping'; readonly running: number; readonly waited: number };

export type EventHandler = (event: RunEvent) => void;

const GUARDED = Symbol('tsdbt.guardedListener');

/**
 * A caller's listener that may throw: its first throw is reported to it once as a warning event
 * (later ones are ignored), and the run goes on and settles — a listener never breaks a run.
 */
export function guardListener(listener: EventHandler): EventHandler {
  if ((listener as { [GUARDED]?: boolean })[GUARDED]) return listener;
  let reported = false;
  const guarded: EventHandler = (event) => {
    try {
      listener(event);
    } catch (error) {
      if (reported) return;
      reported = true;
      const message = `The onEvent listener threw on a '${event.type}' event: ${error instanceof Error ? error.message : String(error)} (tsdbt goes on; later throws are not reported)`;
      try {
        listener({ type: 'warning', message });
      } catch {
        // It throws on warnings too: nothing more to tell it.
      }
    }
  };
  return Object.assign(guarded, { [GUARDED]: true });
}

/**
 * dbt's RunResult.message (run_results.json, on-run-end's results): None for a passing test or unit
 * test — dbt's TestRunner sets one only for warn/fail; tsdbt's own results say 'PASS' for the printer.
 */
export function dbtMessage(r: NodeResult): string | null {
  return r.status === 'pass' && (r.node.resourceType === 'test' || r.node.resourceType === 'unit_test') ? null : r.message;
}

/** dbt's adapter_response of a node (run_results.json, on-run-end's results): its main statement's message, rows and (dbt-clickhouse) query_id. */
export function adapterResponse(r: NodeResult): Record<string, unknown> {
  if (r.rowsAffected === undefined && !r.queryId) return {};
  return { _message: r.message, ...(r.rowsAffected === undefined ? {} : { rows_affected: r.rowsAffected }), ...(r.queryId ? { query_id: r.queryId } : {}) };
}
