import type { Command } from 'commander';
import { NUMERIC_RULES, TsdbtProject } from '@tsdbt/core';
import { interruptSignal, numericFlag, openProject, type GlobalFlags, type Io } from './common.js';
import { exitCodeOf } from './run-commands.js';

interface RetryFlags extends GlobalFlags {
  state?: string;
  threads?: string;
  warnError?: boolean;
}

/**
 * `tsdbt retry` (dbt 1.6+): runs again, with the same command and flags, what errored, failed or
 * was skipped in the last run_results.json. The project opens with that run's target and --vars
 * unless given again here.
 */
export async function retryCommand(flags: RetryFlags, io: Io): Promise<number> {
  const threads = numericFlag('--threads', flags.threads, NUMERIC_RULES.threads);
  const { args } = TsdbtProject.previousRun({ projectDir: flags.projectDir, targetPath: flags.targetPath, state: flags.state, warnError: flags.warnError });
  const target = flags.target ?? (typeof args['target'] === 'string' ? args['target'] : undefined);
  const stored = args['vars'] && typeof args['vars'] === 'object' && !Array.isArray(args['vars']) ? (args['vars'] as Record<string, unknown>) : undefined;
  const project = openProject({ ...flags, target }, io, flags.vars === undefined && stored ? { vars: stored } : {});
  try {
    const result = await project.retry({ state: flags.state, threads, warnError: flags.warnError, signal: interruptSignal() });
    return exitCodeOf(result);
  } finally {
    await project.close();
  }
}

export function registerRetryCommand(
  program: Command,
  withGlobals: (cmd: Command) => Command,
  action: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>,
  io: Io,
): void {
  withGlobals(program.command('retry').description('run again what errored, failed or was skipped in the last run, with the same command and flags'))
    .option('--state <dir>', 'read run_results.json from this folder instead of the target path')
    .option('--threads <n>', "how many nodes run at once (default: the previous run's)")
    .option('--warn-error', 'treat warnings as errors (and retry nodes that warned)')
    .action(action((flags: RetryFlags) => retryCommand(flags, io)));
}
