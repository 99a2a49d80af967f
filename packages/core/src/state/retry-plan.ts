import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../shared/errors.js';

/** Statuses `retry` runs again (dbt's RETRYABLE_STATUSES, with 1.9's partial success); `warn` too under --warn-error. */
const RETRYABLE = new Set(['error', 'fail', 'skipped', 'runtime error', 'partial success']);

/** Commands whose run_results `retry` can replay. */
const RETRYABLE_COMMANDS = new Set(['run', 'test', 'build', 'seed', 'snapshot', 'source load', 'run-operation']);

export interface RetryPlan {
  /** The previous invocation's command (run_results `args.which`). */
  readonly which: string;
  /** Its flags, as run_results.json stored them. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The nodes to run again, in the order the previous run reported them. */
  readonly uniqueIds: readonly string[];
  /**
   * dbt's batch_map: a microbatch model some of whose batches succeeded and some failed (run_results
   * `batch_results`) runs again only its failed batches; its successful ones are kept and reported.
   */
  readonly batches: Readonly<Record<string, PreviousBatches>>;
  /**
   * When the previous run started (run_results metadata invocation_started_at, else generated_at): a
   * microbatch model retried in full builds the batches that run had, not batches up to now (dbt 1.11's
   * original_invocation_started_at).
   */
  readonly invocationStartedAt?: Date;
}

/** A microbatch model's batches in the previous run, as run_results' batch_results lists them ([start, end], ISO). */
export interface PreviousBatches {
  readonly successful: readonly (readonly [string, string])[];
  readonly failed: readonly (readonly [string, string])[];
}

/**
 * dbt's RetryTask: the previous run's run_results.json (in `dir`, display name `shown`) → the
 * command, its flags and the nodes that did not succeed.
 */
export function retryPlan(dir: string, shown: string, warnError = false): RetryPlan {
  const path = join(dir, 'run_results.json');
  if (!existsSync(path)) {
    throw new UsageError('retry_no_results', `Could not find previous run in '${shown}' target directory`, {
      hint: 'retry re-runs what failed in the last run, from its run_results.json: run a command first (or pass --state <folder with run_results.json>).',
    });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError('retry_bad_results', `${join(shown, 'run_results.json')} is not valid JSON`, { cause: error, hint: 'Run the command again instead of retrying it.' });
  }
  const args = (json['args'] && typeof json['args'] === 'object' ? json['args'] : {}) as Record<string, unknown>;
  const which = String(args['which'] ?? '');
  if (!RETRYABLE_COMMANDS.has(which)) {
    throw new UsageError('retry_command', which ? `retry cannot replay '${which}' (the command of the previous run)` : `${join(shown, 'run_results.json')} does not say which command wrote it (no args.which)`, {
      hint: `retry replays ${[...RETRYABLE_COMMANDS].join(', ')}.`,
    });
  }
  const statuses = warnError ? new Set([...RETRYABLE, 'warn']) : RETRYABLE;
  const results = Array.isArray(json['results']) ? (json['results'] as Record<string, unknown>[]) : [];
  // Project hooks (operation.*) are not nodes to select: they run again with the command (dbt's RetryTask).
  // A run-operation's one result (macro.*) is retried by running the operation again.
  const uniqueIds = which === 'run-operation' ? [] : results.filter((r) => statuses.has(String(r?.['status'])) && !String(r['unique_id']).startsWith('operation.')).map((r) => String(r['unique_id']));
  const started = startedAt(json['metadata']);
  return { which, args, uniqueIds, batches: which === 'run' || which === 'build' ? batchMap(results) : {}, ...(started ? { invocationStartedAt: started } : {}) };
}

/** The previous invocation's start: metadata.invocation_started_at (dbt 1.11), else generated_at. */
function startedAt(metadata: unknown): Date | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  const m = metadata as Record<string, unknown>;
  for (const v of [m['invocation_started_at'], m['generated_at']]) {
    if (typeof v !== 'string' || v === '') continue;
    // dbt writes it without a zone at times (naive UTC).
    const date = new Date(/(Z|[+-]\d\d:?\d\d)$/.test(v) ? v : `${v}Z`);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return undefined;
}

/**
 * dbt's RetryTask batch_map: the batch_results of the results with both successful and failed
 * batches (none successful: the model runs all its batches again, maybe as a first build).
 */
function batchMap(results: readonly Record<string, unknown>[]): Record<string, PreviousBatches> {
  const map: Record<string, PreviousBatches> = {};
  const windows = (v: unknown) =>
    Array.isArray(v) ? v.filter((w): w is [string, string] => Array.isArray(w) && w.length === 2 && w.every((x) => typeof x === 'string' && !Number.isNaN(Date.parse(x)))) : [];
  for (const r of results) {
    const b = r?.['batch_results'] as Record<string, unknown> | null | undefined;
    if (!b || typeof b !== 'object' || String(r['unique_id']).startsWith('operation.')) continue;
    const successful = windows(b['successful']);
    const failed = windows(b['failed']);
    if (successful.length > 0 && failed.length > 0) map[String(r['unique_id'])] = { successful, failed };
  }
  return map;
}
