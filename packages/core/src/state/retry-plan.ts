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
  return { which, args, uniqueIds };
}
