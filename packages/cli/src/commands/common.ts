import { createRequire } from 'node:module';
import { integerOption, NUMERIC_RULES, TsdbtProject, UsageError, type IntegerRule, type OpenOptions, type RunEvent } from '@tsdbt/core';
import { createPrinter, type LogLevel } from '../printer/console-printer.js';
import { onStdoutClosed } from './stdout.js';
import { stateOptions, type StateFlags } from './state-flags.js';

/** Flags every command takes, as dbt spells them. */
export interface GlobalFlags {
  projectDir?: string;
  profilesDir?: string;
  /** --profile: over dbt_project.yml's `profile:`. */
  profile?: string;
  target?: string;
  targetPath?: string;
  vars?: string;
  debug?: boolean;
  logFormat?: string;
  logLevel?: string;
  quiet?: boolean;
  printerWidth?: string;
  color?: boolean;
  /** --no-version-check: commander sets versionCheck false. */
  versionCheck?: boolean;
  /** --no-partial-parse: commander sets partialParse false. */
  partialParse?: boolean;
  /** --warn-error (env DBT_WARN_ERROR): a global flag, as dbt's. */
  warnError?: boolean;
  /** --warn-error-options (YAML text; env DBT_WARN_ERROR_OPTIONS). */
  warnErrorOptions?: string;
  /** The command's name, set by the program (dbt's flags.WHICH). */
  which?: string;
}

export interface SelectFlags extends StateFlags {
  select?: string[];
  exclude?: string[];
  selector?: string;
  resourceType?: string[];
  excludeResourceType?: string[];
  /** dbt's other spellings (`--resource-types`, `--exclude-resource-types`): resource-types.ts merges them. */
  resourceTypes?: string[];
  excludeResourceTypes?: string[];
  indirectSelection?: string;
}

/** Flags of the commands that run nodes (run, test, build, seed, source load, watch). */
export interface RunFlags extends GlobalFlags, SelectFlags {
  threads?: string;
  failFast?: boolean;
  fullRefresh?: boolean;
  eventTimeStart?: string;
  /** --sample (dbt 1.10 sample mode). */
  sample?: string;
  eventTimeEnd?: string;
  storeFailures?: boolean;
  warnError?: boolean;
  batchTests?: boolean;
  empty?: boolean;
}

/** A numeric flag's value, checked (exit 2 with a message on `--threads abc`, `0`, `2.5`…); undefined when not given. */
export function numericFlag(flag: string, value: string | undefined, rule: IntegerRule): number | undefined {
  return value === undefined ? undefined : integerOption(flag, value, rule);
}

/** RunOptions from the flags (selection and signal aside). */
export function runOptions(flags: RunFlags) {
  return {
    threads: numericFlag('--threads', flags.threads, NUMERIC_RULES.threads),
    failFast: flags.failFast,
    fullRefresh: flags.fullRefresh,
    // dbt's flags, or its environment variables.
    eventTimeStart: flags.eventTimeStart ?? (process.env.DBT_EVENT_TIME_START || undefined),
    sample: flags.sample,
    eventTimeEnd: flags.eventTimeEnd ?? (process.env.DBT_EVENT_TIME_END || undefined),
    storeFailures: flags.storeFailures,
    warnError: flags.warnError,
    batchTests: flags.batchTests !== false,
    empty: flags.empty === true,
  };
}

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly isTty: boolean;
  /** The width of the terminal stdout writes to (undefined when none: 120 for tables). */
  readonly columns?: number;
}

/** The YAML parser, loaded when --vars or --args is given (most commands never need it: start-up time). */
const parseYaml = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

export function parseVars(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UsageError('vars', `--vars is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { hint: "Write e.g. --vars '{my_var: 1}'." });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('vars', '--vars must be a YAML mapping', { hint: "Write e.g. --vars '{my_var: 1}'." });
  return value as Record<string, unknown>;
}

/** --warn-error-options: YAML (dbt's `{'error': ['DeprecatedModel']}` is YAML too). */
export function parseWarnErrorOptions(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new UsageError('warn_error_options', `--warn-error-options is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { hint: "Write e.g. --warn-error-options '{\"error\": [\"NoNodesForSelectionCriteria\"]}'." });
  }
}

/** The --vars of a command line (`--vars x` or `--vars=x`), for scrubbing secret-named vars; {} when absent or invalid. */
export function varsOfArgv(argv: readonly string[]): Record<string, unknown> {
  const i = argv.findIndex((a) => a === '--vars' || a.startsWith('--vars='));
  if (i < 0) return {};
  try {
    return parseVars(argv[i] === '--vars' ? argv[i + 1] : argv[i]!.slice('--vars='.length));
  } catch {
    return {};
  }
}

/** How the command prints: colours, JSON or text, the least severe level shown, the line width. */
export interface OutputSettings {
  readonly color: boolean;
  readonly json: boolean;
  readonly level: LogLevel;
  readonly width: number;
}

/** --no-color / NO_COLOR, --log-format, --log-level / --quiet / --debug, --printer-width. */
export function outputSettings(flags: GlobalFlags, io: Pick<Io, 'isTty'>): OutputSettings {
  const width = numericFlag('--printer-width', flags.printerWidth, NUMERIC_RULES.printerWidth) ?? 80;
  const level: LogLevel = flags.quiet ? 'error' : (flags.logLevel as LogLevel | undefined) ?? (flags.debug ? 'debug' : 'info');
  return { color: flags.color !== false && io.isTty, json: flags.logFormat === 'json', level, width };
}

export function printerFor(flags: GlobalFlags, io: Io): (e: RunEvent) => void {
  const o = outputSettings(flags, io);
  return createPrinter({ ...o, write: io.out, writeErr: io.err, debug: flags.debug });
}

export function openProject(flags: GlobalFlags, io: Io, extra: Partial<OpenOptions> = {}, quiet = false): TsdbtProject {
  // Quiet commands (show, ls, compile…) keep stdout for their output: warnings go to stderr.
  const printer = printerFor(flags, quiet ? { ...io, out: io.err } : io);
  const project = TsdbtProject.open({
    projectDir: flags.projectDir,
    profilesDir: flags.profilesDir,
    profile: flags.profile,
    target: flags.target,
    targetPath: flags.targetPath,
    vars: parseVars(flags.vars),
    versionCheck: flags.versionCheck !== false,
    ...(flags.which ? { which: flags.which } : {}),
    // Only an explicit --no-partial-parse: otherwise the loader's default (DBT_PARTIAL_PARSE, else on).
    ...(flags.partialParse === false ? { partialParse: false } : {}),
    // dbt's --warn-error / --warn-error-options: which of dbt's warnings fail the command (core's report/warn-error.ts).
    ...(flags.warnError ? { warnError: true } : {}),
    ...(flags.warnErrorOptions !== undefined ? { warnErrorOptions: parseWarnErrorOptions(flags.warnErrorOptions) } : {}),
    onEvent: quiet ? (e) => (e.type === 'warning' ? printer(e) : undefined) : printer,
    // dbt's --debug logs every statement sent, with its query comment.
    logStatements: !quiet && outputSettings(flags, io).level === 'debug',
    ...extra,
  });
  projectOpened?.(project);
  return project;
}

/** A resident process's check of each project its command opens (resident/daemon.ts: its warehouse is the one it holds). */
let projectOpened: ((project: TsdbtProject) => void) | undefined;

export function setProjectOpened(check: ((project: TsdbtProject) => void) | undefined): void {
  projectOpened = check;
}

export function selection(flags: SelectFlags) {
  return {
    select: flags.select,
    exclude: flags.exclude,
    selector: flags.selector,
    ...stateOptions(flags),
    indirectSelection: flags.indirectSelection as 'eager' | undefined,
  };
}

/** A resident process's own source of interrupts for the command it runs (resident/daemon.ts), instead of this process's signals. */
let commandInterrupts: (() => AbortSignal) | undefined;

export function setCommandInterrupts(source: (() => AbortSignal) | undefined): void {
  commandInterrupts = source;
}

/**
 * Ctrl-C, SIGTERM and a closed stdout (`tsdbt build | head -3`) stop a run cleanly, alike: the
 * signal cancels running statements, temporaries are dropped, artifacts written, exit 2. A second
 * Ctrl-C or SIGTERM exits at once (130 / 143).
 */
export function interruptSignal(): AbortSignal {
  if (commandInterrupts) return commandInterrupts();
  const controller = new AbortController();
  let count = 0;
  const stop = (exitCode: number) => () => {
    if (++count > 1) process.exit(exitCode);
    controller.abort();
  };
  process.on('SIGINT', stop(130));
  process.on('SIGTERM', stop(143));
  onStdoutClosed(() => controller.abort());
  return controller.signal;
}

/** Resolves once Ctrl-C or SIGTERM arrived and `close` finished: long-running commands end here. */
export function untilInterrupted(close: () => Promise<unknown>): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void close().then(() => done(), () => done());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
