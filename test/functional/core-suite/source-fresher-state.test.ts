import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DbtResult } from '../adapter-suite/dbt-project.js';
import { assertFreshnessResults, successful, withVars, type Fresh } from './source-freshness-harness.js';
import * as F from './sources-fixtures.js';

/*
 * dbt-core tests/functional/sources/test_source_fresher_state.py (branch 1.10.latest): `source_status:fresher`
 * (+ `state:modified`, `result:error`) against a previous state's sources.json, with run / test / build
 * and --defer. Node names are read from run_results.json where upstream reads run_dbt's results.
 */
const SOURCE_TESTS = [
  'relationships_descendant_model_favorite_color__favorite_color__source_test_source_test_table_',
  'source_not_null_test_source_test_table_id',
  'source_relationships_test_source_test_table_favorite_color__favorite_color__ref_descendant_model_',
  'source_unique_test_source_test_table_id',
];
const MODEL_TESTS = ['unique_descendant_model_id', 'not_null_descendant_model_id'];

const names = (r: DbtResult) => new Set(r.results.map((x) => x.unique_id.split('.')[2]));

/** copy_to_previous_state: the target's manifest and run results beside the kept sources.json. */
function copyToPreviousState(f: Fresh) {
  mkdirSync(join(f.p.dir, 'previous_state'), { recursive: true });
  for (const file of ['manifest.json', 'run_results.json']) copyFileSync(join(f.p.dir, 'target', file), join(f.p.dir, 'previous_state', file));
}

/** Freshness into previous_state/ (with `status`), the state copied, a fresher row, freshness into target/. */
async function twoStates(f: Fresh, first: { hours?: number; status: string }, second: { hours: number; status: string }, copyBeforeSecond = true) {
  if (first.hours !== undefined) await f.insertAt(first.hours);
  const prev = await f.freshness(['-o', 'previous_state/sources.json'], first.status !== 'error', 'previous_state/sources.json');
  assertFreshnessResults(f, prev.data, first.status, new Date(0));
  if (copyBeforeSecond) copyToPreviousState(f);
  await f.insertAt(second.hours);
  const cur = await f.freshness(['-o', 'target/sources.json'], second.status !== 'error', 'target/sources.json');
  assertFreshnessResults(f, cur.data, second.status, new Date(0));
  expect(Date.parse(prev.results[0].max_loaded_at)).toBeLessThan(Date.parse(cur.results[0].max_loaded_at));
}

const dbt = (f: Fresh, args: string[], expectPass: boolean | null = true) => f.p.dbt(withVars(f.p, args), { expectPass });
const STATE = ['--defer', '--state', 'previous_state'];

describe('source_status:fresher (sources/test_source_fresher_state.py)', () => {
  it('TestSourceFresherNothingToDo: the same max_loaded_at selects nothing', async () => {
    const f = await successful();
    await dbt(f, ['run']);
    await f.insertAt(-2);
    const prev = await f.freshness(['-o', 'previous_state/sources.json'], true, 'previous_state/sources.json');
    assertFreshnessResults(f, prev.data, 'pass', new Date(0));
    copyToPreviousState(f);
    const cur = await f.freshness(['-o', 'target/sources.json'], true);
    assertFreshnessResults(f, cur.data, 'pass', new Date(0));
    expect(prev.results[0].max_loaded_at).toBe(cur.results[0].max_loaded_at);
    expect((await dbt(f, ['test', '-s', 'source_status:fresher+', ...STATE])).results).toEqual([]);
  });

  for (const [status, first, second] of [
    ['error', undefined, -20],
    ['warn', -17, -11],
    ['pass', -2, -1],
  ] as const) {
    it(`TestSourceFresherRun (${status}): run -s source_status:fresher runs nothing, fresher+ the descendant model`, async () => {
      const f = await successful();
      await dbt(f, ['run']);
      await twoStates(f, { hours: first, status }, { hours: second, status });
      expect((await dbt(f, ['run', '-s', 'source_status:fresher', ...STATE])).results).toEqual([]);
      expect(names(await dbt(f, ['run', '-s', 'source_status:fresher+', ...STATE]))).toEqual(new Set(['descendant_model']));
    });

    it(`TestSourceFresherTest (${status}): test -s source_status:fresher runs the source's tests, fresher+ the model's too`, async () => {
      const f = await successful();
      await dbt(f, ['run']);
      await twoStates(f, { hours: first, status }, { hours: second, status });
      expect(names(await dbt(f, ['test', '-s', 'source_status:fresher', ...STATE]))).toEqual(new Set(SOURCE_TESTS));
      expect(names(await dbt(f, ['test', '-s', 'source_status:fresher+', ...STATE]))).toEqual(new Set([...SOURCE_TESTS, ...MODEL_TESTS]));
    });

    it(`TestSourceFresherBuild (${status}): build -s source_status:fresher / fresher+`, async () => {
      const f = await successful();
      await dbt(f, ['build']);
      await twoStates(f, { hours: first, status }, { hours: second, status });
      expect(names(await dbt(f, ['build', '-s', 'source_status:fresher', ...STATE]))).toEqual(new Set(SOURCE_TESTS));
      expect(names(await dbt(f, ['build', '-s', 'source_status:fresher+', ...STATE]))).toEqual(new Set(['descendant_model', ...SOURCE_TESTS, ...MODEL_TESTS]));
    });
  }

  it('TestSourceFresherBuildStateModified: source_status:fresher+ with state:modified+ builds a new model too', async () => {
    const f = await successful();
    await dbt(f, ['run']);
    await twoStates(f, { hours: -2, status: 'pass' }, { hours: -1, status: 'pass' }, false);
    f.p.write({ 'models/newly_added_model.sql': 'select 2 as id' });
    copyToPreviousState(f);
    const r = await dbt(f, ['build', '--select', 'source_status:fresher+', 'state:modified+', ...STATE]);
    expect(names(r)).toEqual(new Set(['newly_added_model', 'descendant_model', ...SOURCE_TESTS, ...MODEL_TESTS]));
  });

  it('TestSourceFresherRuntimeError: runtime errors in both states select nothing', async () => {
    const f = await successful({ models: { 'schema.yml': F.ERROR_MODELS_SCHEMA_YML } });
    await dbt(f, ['run']);
    const prev = await f.freshness(['-o', 'previous_state/sources.json'], false, 'previous_state/sources.json');
    expect(prev.results.map((r) => r.status)).toEqual(['runtime error']);
    copyToPreviousState(f);
    await f.insertAt(-1);
    const cur = await f.freshness(['-o', 'target/sources.json'], false);
    expect(cur.results.map((r) => r.status)).toEqual(['runtime error']);
    expect(prev.results[0]).not.toHaveProperty('max_loaded_at');
    expect(cur.results[0]).not.toHaveProperty('max_loaded_at');
    expect((await dbt(f, ['test', '-s', 'source_status:fresher', ...STATE])).results).toEqual([]);
  });

  it('TestSourceFresherNoPreviousState: no previous sources.json is an error', async () => {
    const f = await successful();
    await dbt(f, ['run']);
    // tsdbt refuses a --state folder that does not exist ("no such folder") before selecting: the
    // folder is there, without a sources.json.
    mkdirSync(join(f.p.dir, 'previous_state'));
    const r = await dbt(f, ['run', '-s', 'source_status:fresher', '--state', 'previous_state'], false);
    expect(r.out.join('\n')).toContain('No previous state comparison freshness results in sources.json');
  });

  it('TestSourceFresherNoCurrentState: no current sources.json is an error', async () => {
    const f = await successful();
    await dbt(f, ['run']);
    const prev = await f.freshness(['-o', 'previous_state/sources.json'], false, 'previous_state/sources.json');
    assertFreshnessResults(f, prev.data, 'error', new Date(0));
    copyToPreviousState(f);
    expect(prev.results[0].max_loaded_at).toBeTruthy();
    const r = await dbt(f, ['run', '-s', 'source_status:fresher', ...STATE], false);
    expect(r.out.join('\n')).toContain('No current state comparison freshness results in sources.json');
  });

  it('TestSourceFresherBuildResultSelectors: source_status:fresher+ with result:error+', async () => {
    const f = await successful();
    f.p.write({ 'models/newly_added_error_model.sql': 'select error from fake_table' });
    await dbt(f, ['run'], false);
    await f.insertAt(-2);
    const prev = await f.freshness(['-o', 'previous_state/sources.json'], true, 'previous_state/sources.json');
    assertFreshnessResults(f, prev.data, 'pass', new Date(0));
    copyToPreviousState(f);
    await f.insertAt(-1);
    await f.freshness(['-o', 'target/sources.json'], true);
    const r = await dbt(f, ['build', '--select', 'source_status:fresher+', 'result:error+', ...STATE], false);
    expect(names(r)).toEqual(new Set(['newly_added_error_model', 'descendant_model', ...SOURCE_TESTS, ...MODEL_TESTS]));
  });
});
