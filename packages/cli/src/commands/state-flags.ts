import { Option, type Command } from 'commander';

/** Commands whose refs may resolve to the state's relations (`--defer`), as in dbt. */
const DEFER_COMMANDS = new Set(['run', 'test', 'build', 'seed', 'snapshot', 'compile', 'clone', 'generate']);

/**
 * `--state DIR` (env DBT_STATE) on every command that selects, and dbt's deferral flags on those
 * that build or compile: `--defer` (DBT_DEFER), `--defer-state DIR` (DBT_DEFER_STATE, else --state),
 * `--favor-state` (DBT_FAVOR_STATE).
 */
export function addStateFlags(cmd: Command): Command {
  cmd.addOption(new Option('--state <dir>', "a previous run's artifacts (manifest.json, run_results.json, sources.json) for state:, result: and source_status: selectors").env('DBT_STATE'));
  if (!DEFER_COMMANDS.has(cmd.name())) return cmd;
  return cmd
    .option('--defer', 'refs to unselected nodes not built in the target read the relations of the --state manifest (env DBT_DEFER)')
    .addOption(new Option('--no-defer', 'do not defer (overrides DBT_DEFER)'))
    .addOption(new Option('--defer-state <dir>', 'the manifest to defer to, when not the --state one').env('DBT_DEFER_STATE'))
    .option('--favor-state', "with --defer: unselected nodes read the state's relations even when built in the target (env DBT_FAVOR_STATE)")
    .addOption(new Option('--no-favor-state', 'do not favor the state (overrides DBT_FAVOR_STATE)'));
}

export interface StateFlags {
  state?: string;
  defer?: boolean;
  deferState?: string;
  favorState?: boolean;
}

/** The state and deferral options of the flags. */
export function stateOptions(flags: StateFlags) {
  return { state: flags.state, defer: flags.defer ?? envFlag('DBT_DEFER'), deferState: flags.deferState, favorState: flags.favorState ?? envFlag('DBT_FAVOR_STATE') };
}

/** A boolean environment variable as click reads dbt's: 1/true/yes/on (any case) are true. */
function envFlag(name: string): boolean {
  return /^(1|true|yes|y|on)$/i.test(process.env[name] ?? '');
}
