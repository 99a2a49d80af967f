import type { Command } from 'commander';
import type { ResourceType, RunResult } from '@tsdbt/core';
import { addResourceTypeOptions, resourceTypesOfFlags } from './resource-types.js';
import { formatTable } from '../printer/result-table.js';
import { interruptSignal, openProject, runOptions, selection, type Io, type RunFlags } from './common.js';

/** Exit code of a finished run: 0 when everything passed, 1 when a node failed, 2 when stopped (Ctrl-C), as dbt. */
export function exitCodeOf(result: RunResult): number {
  if (result.interrupted) return 2;
  return result.success ? 0 : 1;
}

/** run, test, build, seed, snapshot and `source load`: one shape, one implementation. */
export async function runCommand(verb: 'run' | 'test' | 'build' | 'seed' | 'snapshot' | 'source load' | 'clone', flags: RunFlags, io: Io): Promise<number> {
  // Flags are checked before the project loads: `--threads abc` exits 2 at once.
  const types = verb === 'build' || verb === 'test' || verb === 'clone' ? resourceTypesOfFlags(verb, flags) : undefined;
  // No type left (`test --resource-type model`): dbt's command selects nothing.
  const fromFlags = { ...selection(flags), ...runOptions(flags), ...(types ? (types.length ? { resourceTypes: types as ResourceType[] } : { uniqueIds: [] }) : {}) };
  const project = openProject(flags, io, { fullRefresh: flags.fullRefresh });
  try {
    const options = { ...fromFlags, signal: interruptSignal() };
    const result =
      verb === 'run' ? await project.run(options)
      : verb === 'test' ? await project.test(options)
      : verb === 'build' ? await project.build(options)
      : verb === 'seed' ? await project.seed(options)
      : verb === 'snapshot' ? await project.snapshot(options)
      : verb === 'clone' ? await project.clone(options)
      : await project.sourceLoad(options);
    // dbt seed --show: a sample of each loaded seed (dbt prints five rows of its agate table).
    if (verb === 'seed' && (flags as { show?: boolean }).show)
      for (const r of result.results.filter((x) => x.status === 'success')) {
        io.out(`Random sample of table: ${r.node.relation.schema}.${r.node.relation.identifier}`);
        io.out(formatTable(await project.show({ inline: `select * from ${'`'}${r.node.relation.schema}${'`'}.${'`'}${r.node.relation.identifier}${'`'}`, limit: 5 }), { width: io.columns || 120 }));
      }
    return exitCodeOf(result);
  } finally {
    await project.close();
  }
}

export function addRunFlags(cmd: Command, verb: string): Command {
  cmd
    .option('--threads <n>', 'how many nodes run at once')
    .option('-x, --fail-fast', 'stop at the first failure')
    .option('--no-fail-fast', "run on after a failure (over dbt_project.yml's flags: {fail_fast: true})");
  // As dbt: snapshots are never rebuilt from scratch (that would lose their history).
  if (verb !== 'test' && verb !== 'snapshot') cmd.option('-f, --full-refresh', 'rebuild incremental models and seeds from scratch');
  if (verb === 'run' || verb === 'build') {
    cmd.option('--event-time-start <datetime>', 'microbatch models: build the batches from this datetime (inclusive, UTC; env DBT_EVENT_TIME_START)');
    cmd.option('--event-time-end <datetime>', 'microbatch models: build the batches up to this datetime (exclusive, UTC; env DBT_EVENT_TIME_END)');
    cmd.option('--sample <window>', "dbt's sample mode: refs and sources with an event_time are read within '3 days' (back from now) or \"{'start': '2025-01-01', 'end': '2025-01-03'}\"");
  }
  if (verb === 'clone') {
    addResourceTypeOptions(cmd, 'model, seed, snapshot (or all, default)');
  }
  if (verb === 'test' || verb === 'build') {
    // dbt 1.8: e.g. `build --exclude-resource-type unit_test`, `test --resource-type unit_test`.
    addResourceTypeOptions(cmd, verb === 'build' ? 'model, seed, snapshot, test, unit_test (or all, default)' : 'test, unit_test (or all, default)');
    cmd.option('--store-failures', 'keep failing rows in <schema>_dbt_test__audit');
    cmd.option('--no-batch-tests', 'run every test as its own query (dbt behaviour)');
  }
  // As dbt 1.8 (snapshot since 1.9): refs and sources read zero rows; the real target gets the shapes.
  if (verb === 'run' || verb === 'build' || verb === 'snapshot' || verb === 'seed') cmd.option('--empty', 'limit every ref() and source() to zero rows, and load seeds without rows (build the shapes, no data)');
  if (verb === 'seed') cmd.option('--show', 'print a sample of the rows of each loaded seed');
  return cmd;
}

