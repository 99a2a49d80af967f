import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * run_results.json `args` as dbt 1.10 writes them (dbt/utils/utils.py args_to_dict): a flag left unset
 * (None) is absent — `threads` and `target` unless given; full_refresh, fail_fast, warn_error and
 * store_failures are absent when false; `indirect_selection` is 'eager' by default; `empty` is written by
 * the commands that take --empty (run, build, compile, snapshot) only.
 */
const TSDBT_ONLY = ['batch_tests'];
const DEFAULT_FALSE = ['full_refresh', 'fail_fast', 'warn_error', 'store_failures'];

describe('run_results.json args (dbt args_to_dict)', () => {
  it('a run without flags: the defaults dbt writes, none of the unset or default-false flags', async () => {
    const p = dbtProject({ models: { 'm.sql': 'select 1 as id', 'schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null]\n' }, seeds: { 's.csv': 'a\n1\n' } });
    await p.dbt(['run']);
    const run = p.readJson('target/run_results.json').args;
    expect(run).toMatchObject({ which: 'run', select: [], exclude: [], indirect_selection: 'eager', defer: false, favor_state: false, empty: false, vars: {} });
    for (const key of [...DEFAULT_FALSE, ...TSDBT_ONLY, 'threads', 'target']) expect(run, key).not.toHaveProperty(key);

    for (const [command, empty] of [['test', false], ['seed', false], ['build', true]] as const) {
      await p.dbt([command]);
      const args = p.readJson('target/run_results.json').args;
      expect(args.which).toBe(command);
      expect('empty' in args, `${command}: empty`).toBe(empty);
      for (const key of [...DEFAULT_FALSE, ...TSDBT_ONLY, 'threads', 'target']) expect(args, `${command}: ${key}`).not.toHaveProperty(key);
    }
  });

  it('flags given are written: --threads, --target, --full-refresh, --fail-fast, --store-failures', async () => {
    const p = dbtProject({ models: { 'm.sql': 'select 1 as id' } });
    await p.dbt(['build', '--threads', '2', '--target', 'default', '--full-refresh', '--fail-fast', '--store-failures', '--select', 'm']);
    expect(p.readJson('target/run_results.json').args).toMatchObject({ which: 'build', threads: 2, target: 'default', full_refresh: true, fail_fast: true, store_failures: true, select: ['m'], empty: false });
  });
});
