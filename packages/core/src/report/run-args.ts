import type { Command } from './events.js';

/**
 * The flags of a run that `tsdbt retry` replays, as run_results.json `args` holds them: dbt's snake_case keys with
 * dbt's args_to_dict rules (dbt/utils/utils.py) — a flag left unset is absent (`threads`, `target`, `selector`…
 * unless given), full_refresh / fail_fast / warn_error / store_failures are absent when false, and `empty` is
 * written by the commands that take --empty. `batch_tests` (tsdbt's own) only when turned off.
 */
export type RunArgs = {
  readonly which: Command;
  readonly select: readonly string[];
  readonly exclude: readonly string[];
  readonly selector?: string;
  readonly indirect_selection: string;
  readonly threads?: number;
  readonly full_refresh?: true;
  readonly fail_fast?: true;
  readonly store_failures?: true;
  readonly warn_error?: true;
  readonly empty?: boolean;
  readonly batch_tests?: false;
  readonly event_time_start?: string;
  readonly event_time_end?: string;
  readonly state?: string;
  readonly defer: boolean;
  readonly defer_state?: string;
  readonly favor_state: boolean;
  /** Load-time flags: the target (when given) and --vars the project was opened with. */
  readonly target?: string;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly project_dir: string;
  readonly profiles_dir?: string;
  readonly target_path?: string;
};

/** dbt's commands with an --empty flag (dbt/cli/main.py `@p.empty`): their args hold `empty` even when false. */
const EMPTY_COMMANDS: ReadonlySet<string> = new Set(['run', 'build', 'compile', 'snapshot']);

/** What run options a RunArgs is made from (a subset of RunOptions, without the types that would import tsdbt.ts). */
export interface RunArgsSource {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly selector?: string;
  readonly indirectSelection?: string;
  readonly fullRefresh?: boolean;
  readonly failFast?: boolean;
  readonly storeFailures?: boolean;
  readonly warnError?: boolean;
  readonly empty?: boolean;
  readonly batchTests?: boolean;
  readonly eventTimeStart?: Date | string;
  readonly eventTimeEnd?: Date | string;
  readonly state?: string;
  readonly defer?: boolean;
  readonly deferState?: string;
  readonly favorState?: boolean;
  /** --threads as given (the profile's threads are not written, as dbt's). */
  readonly threads?: number;
}

export function runArgs(
  which: Command,
  options: RunArgsSource,
  load: { readonly target?: string; readonly vars: Readonly<Record<string, unknown>>; readonly projectDir: string; readonly profilesDir?: string; readonly targetPath?: string },
): RunArgs {
  const time = (v: Date | string | undefined) => (v instanceof Date ? v.toISOString() : v || undefined);
  const trueOnly = (v: boolean | undefined) => (v === true ? true : undefined);
  return {
    which,
    select: options.select ?? [],
    exclude: options.exclude ?? [],
    selector: options.selector,
    indirect_selection: options.indirectSelection ?? 'eager',
    threads: options.threads,
    full_refresh: trueOnly(options.fullRefresh),
    fail_fast: trueOnly(options.failFast),
    store_failures: trueOnly(options.storeFailures),
    warn_error: trueOnly(options.warnError),
    empty: EMPTY_COMMANDS.has(which) ? (options.empty ?? false) : options.empty || undefined,
    batch_tests: options.batchTests === false ? false : undefined,
    event_time_start: time(options.eventTimeStart),
    event_time_end: time(options.eventTimeEnd),
    state: options.state,
    defer: options.defer ?? false,
    defer_state: options.deferState,
    favor_state: options.favorState ?? false,
    target: load.target,
    vars: load.vars,
    project_dir: load.projectDir,
    profiles_dir: load.profilesDir,
    target_path: load.targetPath,
  };
}

/** Run options from a previous run's args (retry): the inverse of runArgs for the keys it wrote. */
export function runOptionsOfArgs(args: Readonly<Record<string, unknown>>): RunArgsSource & { readonly threads?: number } {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : undefined);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  return {
    select: list(args['select']),
    exclude: list(args['exclude']),
    selector: text(args['selector']),
    indirectSelection: text(args['indirect_selection']),
    threads: typeof args['threads'] === 'number' && args['threads'] > 0 ? args['threads'] : undefined,
    fullRefresh: bool(args['full_refresh']),
    failFast: bool(args['fail_fast']),
    storeFailures: bool(args['store_failures']),
    warnError: bool(args['warn_error']),
    empty: bool(args['empty']),
    batchTests: bool(args['batch_tests']),
    eventTimeStart: text(args['event_time_start']),
    eventTimeEnd: text(args['event_time_end']),
    state: text(args['state']),
    defer: bool(args['defer']),
    deferState: text(args['defer_state']),
    favorState: bool(args['favor_state']),
  };
}
