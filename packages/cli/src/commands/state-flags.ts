import { Option, type Command } from 'commander';

/** `--state DIR` (env DBT_STATE) on every command that selects: the artifacts state-based selectors read. */
export function addStateFlags(cmd: Command): Command {
  return cmd.addOption(new Option('--state <dir>', "a previous run's artifacts (manifest.json, run_results.json, sources.json) for state:, result: and source_status: selectors").env('DBT_STATE'));
}
