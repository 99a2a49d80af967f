import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's project flags and flags.WHICH:
 * - tests/functional/adapter/hooks/test_on_run_hooks.py (Test__StartHookFail__Flag{IsNone,IsFalse,IsTrue}):
 *   dbt 1.9's behaviour flag `skip_nodes_if_on_run_start_fails` in dbt_project.yml `flags:` — off,
 *   the model runs (and fails) after a failed on-run-start hook; on, it is skipped. Later hooks of
 *   the failed one are skipped either way. ClickHouse SQL: `engine = Memory`, a bad INSERT arity.
 * - `flags.WHICH` is the command while the project parses too (hooks/fixtures.py gates a run_query
 *   on `flags.WHICH in ('run', 'build')`; dbt sets the flags before it parses).
 * - `flags: {fail_fast: true}` is --fail-fast's default (dbt's ProjectFlags).
 */
const HOOKS = (flags: string) => `
on-run-start:
  - "create table {{ target.schema }}.my_hook_table ( id int ) engine = Memory"
  - "drop table {{ target.schema }}.my_hook_table"
  - "insert into {{ target.schema }}.my_hook_table (id) values (1, 2, 3)"
  - "create table {{ target.schema }}.my_hook_table ( id int ) engine = Memory"
${flags}`;
const MODEL = { 'my_model.sql': 'select * from {{ target.schema }}.my_hook_table union all select * from {{ target.schema }}.my_end_table' };
const rows = (r: { results: { unique_id: string; status: string }[] }) => r.results.map((x) => [x.unique_id, x.status]);

describe('project flags (adapter/hooks/test_on_run_hooks.py) and flags.WHICH', () => {
  for (const [name, flags, modelStatus] of [
    ['Test__StartHookFail__FlagIsNone__ModelFail', '', 'error'],
    ['Test__StartHookFail__FlagIsFalse__ModelFail', 'flags:\n  skip_nodes_if_on_run_start_fails: false\n', 'error'],
    ['Test__StartHookFail__FlagIsTrue__ModelSkipped', 'flags:\n  skip_nodes_if_on_run_start_fails: true\n', 'skipped'],
  ] as const)
    it(`${name}: the model ${modelStatus === 'error' ? 'runs and fails' : 'is skipped'} after a failed on-run-start hook`, async () => {
      const p = dbtProject({ models: MODEL, projectConfig: HOOKS(flags) });
      const r = await p.dbt(['run'], { expectPass: false });
      expect(rows(r)).toEqual([
        ['operation.test.test-on-run-start-0', 'success'],
        ['operation.test.test-on-run-start-1', 'success'],
        ['operation.test.test-on-run-start-2', 'error'],
        ['operation.test.test-on-run-start-3', 'skipped'],
        ['model.test.my_model', modelStatus],
      ]);
      expect(r.results[2]!.message).toMatch(/my_hook_table/);
      // Skipped: nothing ran for it, no view exists.
      if (modelStatus === 'skipped') expect(await p.relationTypes(['my_model'])).toEqual({ my_model: undefined });
    });

  it('the flag skips a build\'s seeds and tests too, and on-run-end still runs', async () => {
    const p = dbtProject({
      models: { 'm.sql': 'select 1 as id', 'schema.yml': 'models:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null]\n' },
      seeds: { 's.csv': 'a\n1\n' },
      projectConfig: 'on-run-start:\n  - "select * from no_such_db_x.no_such_table"\non-run-end:\n  - "create table {{ target.schema }}.end_ran engine = Memory as select 1 as x"\nflags:\n  skip_nodes_if_on_run_start_fails: true\n',
    });
    const r = await p.dbt(['build'], { expectPass: false });
    const statuses = Object.fromEntries(rows(r));
    expect(statuses).toMatchObject({ 'operation.test.test-on-run-start-0': 'error', 'seed.test.s': 'skipped', 'model.test.m': 'skipped', 'operation.test.test-on-run-end-0': 'success' });
    expect(Object.entries(statuses).filter(([id]) => id.startsWith('test.')).map(([, s]) => s)).toEqual(['skipped']);
    expect(await p.relationTypes(['m', 's', 'end_ran'])).toEqual({ m: undefined, s: undefined, end_ran: 'table' });
  });

  it('flags.WHICH is the command while the project parses (a parse-time render of run, compile, ls)', async () => {
    const p = dbtProject({
      models: {
        'which_model.sql': "select '{{ flags.WHICH }}' as w",
        // Enabled only when the project is parsed for a run (a pattern of real projects).
        'run_only.sql': "{{ config(enabled=flags.WHICH in ('run', 'build')) }}\nselect 1 as id",
      },
    });
    await p.dbt(['run']);
    expect(await p.query('SELECT w FROM {schema}.which_model')).toEqual([{ w: 'run' }]);
    expect(await p.relationTypes(['run_only'])).toEqual({ run_only: 'view' });
    const compiled = await p.dbt(['compile', '--select', 'which_model']);
    expect(compiled.out.join('\n')).toContain("select 'compile' as w");
    const ls = await p.dbt(['ls', '--resource-type', 'model']);
    expect(ls.out.join('\n').split('\n').filter((l) => l.startsWith('test.')).sort()).toEqual(['test.which_model']);
    // Again, after the warm start and parse cache of the earlier commands.
    await p.dbt(['build']);
    expect(await p.query('SELECT w FROM {schema}.which_model')).toEqual([{ w: 'build' }]);
  });

  it('flags: {fail_fast: true} in dbt_project.yml makes a run stop at the first failure, as --fail-fast', async () => {
    const p = dbtProject({
      // `bad` heads the longest chain, so one thread runs it first; `other` is independent of it.
      models: { 'bad.sql': 'select no_such_column', 'x1.sql': "select * from {{ ref('bad') }}", 'x2.sql': "select * from {{ ref('x1') }}", 'other.sql': 'select 1 as id' },
      projectConfig: 'flags:\n  fail_fast: true\n',
    });
    const r = await p.dbt(['run', '--threads', '1'], { expectPass: false });
    const statuses = Object.fromEntries(rows(r));
    expect(statuses['model.test.bad']).toBe('error');
    // The run stopped: `other` never ran (without the flag it succeeds).
    expect(statuses['model.test.other']).toBe('skipped');
    expect(await p.relationTypes(['other'])).toEqual({ other: undefined });
    // --no-fail-fast wins over the project flag.
    const again = await p.dbt(['run', '--threads', '1', '--no-fail-fast'], { expectPass: false });
    expect(Object.fromEntries(rows(again))['model.test.other']).toBe('success');
  });
});

describe('flags: warn_error_options (configs/test_warn_error_options.py, the all-errors form)', () => {
  it('warn_error_options: {error: all} fails a warning test as --warn-error does, unless its event (LogTestResult) is kept a warning', async () => {
    const files = { models: { 'm.sql': 'select cast(null as Nullable(Int32)) as id', 'schema.yml': 'models:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              config:\n                severity: warn\n' } };
    const plain = dbtProject(files);
    const warned = await plain.dbt(['build']);
    expect(warned.results.map((x) => x.status).sort()).toEqual(['success', 'warn']);
    const viaCli = await plain.dbt(['build', '--warn-error'], { expectPass: false });
    const p = dbtProject({ ...files, projectConfig: 'flags:\n  warn_error_options:\n    error: all\n' });
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results.map((x) => x.status).sort()).toEqual(viaCli.results.map((x) => x.status).sort());
    expect(r.results.map((x) => x.status)).not.toContain('warn');
    // Another event kept a warning: the test's is still an error (dbt's WarnErrorOptionsV2).
    const other = dbtProject({ ...files, projectConfig: 'flags:\n  warn_error_options:\n    error: all\n    warn: [NoNodesForSelectionCriteria]\n' });
    expect((await other.dbt(['build'], { expectPass: false })).results.map((x) => x.status).sort()).toEqual(['fail', 'success']);
    const kept = dbtProject({ ...files, projectConfig: 'flags:\n  warn_error_options:\n    error: all\n    warn: [LogTestResult]\n' });
    expect((await kept.dbt(['build'])).results.map((x) => x.status).sort()).toEqual(['success', 'warn']);
  });

  it('test_cant_set_both_include_and_error / test_cant_set_both_exclude_and_warn: dbt refuses both names of one list', async () => {
    const models = { 'm.sql': 'select 1 as id' };
    const both = dbtProject({ models, projectConfig: 'flags:\n  warn_error_options:\n    include: all\n    error: all\n' });
    const r = await both.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Only `include` or `error` can be specified');
    const warn = dbtProject({ models, projectConfig: "flags:\n  warn_error_options:\n    include: all\n    exclude: ['DeprecatedModel']\n    warn: ['DeprecatedModel']\n" });
    expect((await warn.dbt(['run'], { expectPass: false })).out.join('\n')).toContain('Only `exclude` or `warn` can be specified');
  });
});
