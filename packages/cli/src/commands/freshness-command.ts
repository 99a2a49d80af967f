import type { Command } from 'commander';
import { NUMERIC_RULES } from '@tsdbt/core';
import { createFreshnessPrinter } from '../printer/freshness-printer.js';
import { interruptSignal, numericFlag, openProject, printerFor, selection, type GlobalFlags, type Io, type SelectFlags } from './common.js';

interface FreshnessFlags extends GlobalFlags, SelectFlags {
  threads?: string;
  output?: string;
}

/**
 * `tsdbt source freshness` (dbt's): exit 0 when every source passes or warns, 1 when one is stale
 * past error_after or its query fails.
 */
export async function freshnessCommand(flags: FreshnessFlags, io: Io): Promise<number> {
  const threads = numericFlag('--threads', flags.threads, NUMERIC_RULES.threads);
  const printer = createFreshnessPrinter({ color: flags.color !== false && io.isTty, json: flags.logFormat === 'json', write: io.out }, printerFor(flags, io));
  const project = openProject(flags, io, { onEvent: (e) => printer.onEvent(e) });
  try {
    const result = await project.sourceFreshness({ ...selection(flags), threads, output: flags.output, signal: interruptSignal() });
    printer.summary(result.results, result.elapsed, result.path);
    return result.success ? 0 : 1;
  } finally {
    await project.close();
  }
}

/** Registers `source freshness` under the `source` command. */
export function registerFreshnessCommand(
  source: Command,
  wrap: (cmd: Command) => Command,
  action: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>,
  io: Io,
): void {
  wrap(source.command('freshness').alias('snapshot-freshness').description("check how old each source's newest row is against its warn_after / error_after (writes target/sources.json)"))
    .option('--threads <n>', 'how many sources are checked at once')
    .option('-o, --output <path>', 'write the JSON results here instead of target/sources.json')
    .action(action((flags: FreshnessFlags) => freshnessCommand(flags, io)));
}
