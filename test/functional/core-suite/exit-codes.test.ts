import { describe, expect, it } from 'vitest';
import { dbtProject, statusByName } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/exit_codes/test_exit_codes.py, cycles/test_cycles.py and
 * fail_fast/test_fail_fast_run.py: exit codes of run/test/compile/snapshot/seed, a cycle in the
 * DAG failing the command with "Found a cycle", and --fail-fast (flag or dbt_project.yml
 * `flags: {fail_fast: true}`) stopping after the first error with run_results.json written.
 * TestExitCodesDeps/DepsFail clone dbt-integration-project from GitHub (no network here): not ported.
 */
const bad = '\nselect bad sql here\n';
const rows = (n: number) => Array.from({ length: n }, (_, i) => `select ${i + 1} as id, current_date as updated_at`).join('\nunion all\n');
const SCHEMA = `
version: 2
models:
- name: good
  columns:
  - name: updated_at
    data_tests:
    - not_null
- name: bad
  columns:
  - name: updated_at
    data_tests:
    - not_null
- name: dupe
  columns:
  - name: updated_at
    data_tests:
    - unique
`;
const snapshot = (updatedAt: string) => `
{% snapshot good_snapshot %}
    {{ config(target_schema=schema, target_database=database, strategy='timestamp', unique_key='id', updated_at='${updatedAt}')}}
    select * from {{ schema }}.good
{% endsnapshot %}
`;
const models = { 'bad.sql': bad, 'dupe.sql': `\n${rows(4)}\n`, 'good.sql': `\n${rows(4)}\n`, 'schema.yml': SCHEMA };

async function tableExists(p: ReturnType<typeof dbtProject>, name: string): Promise<boolean> {
  return (await p.query(`SELECT 1 FROM system.tables WHERE database = '{schema}' AND name = '${name}'`)).length === 1;
}

describe('exit codes (exit_codes/test_exit_codes.py)', () => {
  it('TestExitCodes: run, test, compile and snapshot pass or fail as dbt', async () => {
    const p = dbtProject({ models, snapshots: { 'g.sql': snapshot('updated_at') } });
    expect((await p.dbt(['run', '--model', 'good'])).results).toHaveLength(1);
    expect(await tableExists(p, 'good')).toBe(true);

    const failed = await p.dbt(['run', '--model', 'bad'], { expectPass: false });
    expect(failed.code).toBe(1);
    expect(failed.results).toHaveLength(1);
    expect(await tableExists(p, 'bad')).toBe(false);

    expect((await p.dbt(['test', '--model', 'good'])).results).toHaveLength(1);
    expect((await p.dbt(['run', '--model', 'dupe'])).results).toHaveLength(1);
    const dupe = await p.dbt(['test', '--model', 'dupe'], { expectPass: false });
    expect(dupe.code).toBe(1);
    expect(dupe.results).toHaveLength(1);

    // 3 models + 3 tests + 1 snapshot (dbt counts its results; tsdbt's compile writes no run_results.json yet: its line)
    expect((await p.dbt(['compile'])).out.join('\n')).toContain('Compiled 7 nodes');

    expect((await p.dbt(['snapshot'])).results).toHaveLength(1);
    expect(await tableExists(p, 'good_snapshot')).toBe(true);
  });

  it('TestExitCodesSnapshotFail: a snapshot whose updated_at column does not exist fails and builds nothing', async () => {
    const p = dbtProject({ models, snapshots: { 'b.sql': snapshot('updated_at_not_real') } });
    expect((await p.dbt(['run', '--model', 'good'])).results).toHaveLength(1);
    const r = await p.dbt(['snapshot'], { expectPass: false });
    expect(r.code).toBe(1);
    expect(r.results).toHaveLength(1);
    expect(await tableExists(p, 'good_snapshot')).toBe(false);
  });

  it('TestExitCodesSeed / SeedFail: a good seed passes, a malformed one fails', async () => {
    expect((await dbtProject({ seeds: { 'good.csv': 'a,b,c\n1,2,3\n' } }).dbt(['seed'])).results).toHaveLength(1);
    const r = await dbtProject({ seeds: { 'bad.csv': 'a,b,c\n1,\\2,3,a,a,a\n' } }).dbt(['seed'], { expectPass: false });
    expect(r.code).not.toBe(0);
  });
});

describe('cycles (cycles/test_cycles.py)', () => {
  it('TestSimpleCycle: a ref cycle fails the run with "Found a cycle"', async () => {
    const r = await dbtProject({ models: { 'model_a.sql': "\nselect * from {{ ref('model_b') }}\n", 'model_b.sql': "\nselect * from {{ ref('model_a') }}\n" } }).dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Found a cycle');
  });

  it('TestComplexCycle: a cycle through a self-reference fails with "Found a cycle"', async () => {
    const r = await dbtProject({
      models: {
        'model_a.sql': '\nselect 1 as id\n',
        'model_b.sql': "\nselect * from {{ ref('model_a') }}s\nunion all\nselect * from {{ ref('model_e') }}\n",
        'model_c.sql': "\nselect * from {{ ref('model_b') }}\n",
        'model_d.sql': "\nselect * from {{ ref('model_c') }}\n",
        'model_e.sql': "\nselect * from {{ ref('model_e') }}\n",
      },
    }).dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Found a cycle');
  });
});

describe('fail fast (fail_fast/test_fail_fast_run.py)', () => {
  const failing = { 'one.sql': '\nselect 1\n', 'two.sql': "\n-- depends_on: {{ ref('one') }}\nselect 1 /failed\n" };

  it('TestFastFailingDuringRun: --fail-fast stops at the error; run_results.json has both nodes', async () => {
    const p = dbtProject({ models: failing });
    const r = await p.dbt(['run', '--fail-fast', '--threads', '1'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ one: 'success', two: 'error' });
    expect(r.results.map((x) => x.status)).toEqual(['success', 'error']);
  });

  it('the nodes --fail-fast kept from running are skipped as dbt reports them (runnable.py execute_nodes)', async () => {
    // three waits on the failed node, zz only on one (one thread: dbt's order, two before zz): neither
    // runs, both 'Skipping due to fail_fast' (RunResult.from_node on the main thread), not three skipped for two's failure.
    const p = dbtProject({ models: { ...failing, 'three.sql': "select * from {{ ref('two') }}", 'zz.sql': "select * from {{ ref('one') }}" } });
    const r = await p.dbt(['run', '--fail-fast', '--threads', '1'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ one: 'success', two: 'error', three: 'skipped', zz: 'skipped' });
    const rows = p.readJson('target/run_results.json').results as Record<string, unknown>[];
    for (const name of ['three', 'zz'])
      expect(rows.find((x) => x.unique_id === `model.test.${name}`)).toMatchObject({ message: 'Skipping due to fail_fast', thread_id: 'MainThread', timing: [], execution_time: 0, failures: null });
  });

  it('TestFailFastFromConfig: flags.fail_fast in dbt_project.yml', async () => {
    const p = dbtProject({ models: failing, projectConfig: 'flags:\n  send_anonymous_usage_stats: false\n  fail_fast: true\n' });
    const r = await p.dbt(['run', '--threads', '1'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ one: 'success', two: 'error' });
  });
});
