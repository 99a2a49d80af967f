import type { Command } from 'commander';
import { NUMERIC_RULES, TsdbtProject } from '@tsdbt/core';
import { interruptSignal, numericFlag, openProject, parseVars, type GlobalFlags, type Io } from './common.js';
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
  // The project renders as the previous command did: its flags.WHICH and --full-refresh (flags.FULL_REFRESH).
  const which = typeof args['which'] === 'string' ? args['which'] : undefined;
  const project = openProject({ ...flags, target, ...(which ? { which } : {}) }, io, { fullRefresh: args['full_refresh'] === true, ...(flags.vars === undefined && stored ? { vars: stored } : {}) });
  try {
    // dbt's RetryTask runs a run-operation again as it was given (its macro and --args).
    if (which === 'run-operation') {
      const text = typeof args['args'] === 'string' ? args['args'] : undefined;
      const out = await project.runOperation(String(args['macro'] ?? ''), parseVars(text) ?? {}, { argsText: text });
      if (out) io.out(out);
      return 0;
    }
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
    .action(action((flags: RetryFlags) => retryCommand(flags, io)));
}
