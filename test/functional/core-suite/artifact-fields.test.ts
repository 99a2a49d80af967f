import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/artifacts/test_run_results.py (TestRunResultsTimingSuccess,
 * TestRunResultsTimingFailure, TestRunResultsSerializableInContext) and test_artifact_fields.py
 * (TestRelationNameInTests): fields of run_results.json and manifest.json a tool reads.
 */
describe('run_results.json (artifacts/test_run_results.py)', () => {
  it('TestRunResultsTimingSuccess: a built model has timing', async () => {
    const p = dbtProject({ models: { 'model.sql': '\nselect 1 as id\n' } });
    const { results } = await p.dbt(['run']);
    expect(results).toHaveLength(1);
    expect((results[0] as any).timing.length).toBeGreaterThan(0);
  });

  it('TestRunResultsTimingFailure: a failed model has timing too', async () => {
    const p = dbtProject({ models: { 'model.sql': '\nsomething bad\n' } });
    const { results } = await p.dbt(['run'], { expectPass: false });
    expect(results).toHaveLength(1);
    expect((results[0] as any).timing.length).toBeGreaterThan(0);
  });

  it('TestRunResultsSerializableInContext: on-run-end logs result.to_dict() of each result', async () => {
    const p = dbtProject({
      models: { 'model.sql': '\nselect 1 as id\n' },
      projectConfig: 'on-run-end: ["{% for result in results %}{{ log(result.to_dict(), info=true) }}{% endfor %}"]\n',
    });
    const { results, out } = await p.dbt(['run']);
    // The model and the on-run-end hook.
    expect(results).toHaveLength(2);
    // Python's str() of the dict, as dbt's log prints it.
    const text = out.join('\n');
    expect(text).toMatch(/\{'node': \{.*'unique_id': 'model\.test\.model'/);
    expect(text).toMatch(/'status': 'success'/);
    expect(text).not.toContain('[object Object]');
  });
});

describe('manifest.json fields (artifacts/test_artifact_fields.py)', () => {
  it("TestRelationNameInTests: a test's relation_name is null in manifest.json, the stored relation's after test --store-failures", async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': 'select 1 as fun',
        'schema.yml': 'version: 2\nmodels:\n  - name: my_model\n    columns:\n      - name: fun\n        data_tests:\n          - not_null\n',
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    const testId = 'test.test.not_null_my_model_fun.bf3b032a01';
    const manifest = p.readJson('target/manifest.json');
    expect(Object.keys(manifest.nodes)).toContain(testId);
    expect(manifest.nodes[testId].relation_name).toBeNull();
    const tested = await p.dbt(['test', '--store-failures']);
    expect(tested.results).toHaveLength(1);
    // manifest.json written by the command holds the stored relation's name (dbt's compile sets it), as run_results.json.
    const relationName = p.readJson('target/manifest.json').nodes[testId].relation_name;
    expect(relationName).toBeTruthy();
    // ClickHouse quotes with backticks where Postgres writes "not_null_my_model_fun".
    expect(relationName).toContain('`not_null_my_model_fun`');
    expect((tested.results[0] as any).relation_name).toBe(relationName);
    // A command without the flag (a warm start: the last manifest's pieces reused) writes null again.
    await p.dbt(['test']);
    expect(p.readJson('target/manifest.json').nodes[testId].relation_name).toBeNull();
  });

  it("a test's schema and alias are its audit relation's (expected_manifest.py: `<schema>_dbt_test__audit`); relation_name is set at parse when its config stores failures", async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': 'select 1 as fun',
        'schema.yml': 'version: 2\nmodels:\n  - name: my_model\n    columns:\n      - name: fun\n        data_tests:\n          - not_null\n          - unique:\n              config: {store_failures: true}\n',
      },
      tests: { 'my_singular.sql': "select * from {{ ref('my_model') }} where fun > 1" },
    });
    await p.dbt(['parse']);
    const nodes = p.readJson('target/manifest.json').nodes;
    const audit = `${p.schema}_dbt_test__audit`;
    const of = (id: string) => [nodes[id].schema, nodes[id].alias, nodes[id].relation_name];
    expect(of('test.test.not_null_my_model_fun.bf3b032a01')).toEqual([audit, 'not_null_my_model_fun', null]);
    expect(of('test.test.my_singular')).toEqual([audit, 'my_singular', null]);
    const uniqueId = Object.keys(nodes).find((id) => id.startsWith('test.test.unique_my_model_fun.'))!;
    expect(of(uniqueId)).toEqual([audit, 'unique_my_model_fun', `\`${audit}\`.\`unique_my_model_fun\``]);
    // The relation named is where the run stores the failing rows.
    await p.dbt(['run']);
    const tested = await p.dbt(['test', '--select', 'unique_my_model_fun']);
    expect((tested.results[0] as any).relation_name).toBe(nodes[uniqueId].relation_name);
  });

  it("relation_name (parser/base.py _update_node_relation_name): set for what is a relation; null for ephemeral models, analyses and tests", async () => {
    const p = dbtProject({
      models: { 'my_model.sql': 'select 1 as fun', 'eph.sql': "{{ config(materialized='ephemeral') }}select 1 as fun", 'uses_eph.sql': "select * from {{ ref('eph') }}" },
      seeds: { 'my_seed.csv': 'id\n1\n' },
      analyses: { 'my_analysis.sql': "select * from {{ ref('my_model') }}" },
    });
    await p.dbt(['parse']);
    const nodes = p.readJson('target/manifest.json').nodes;
    const names = Object.fromEntries(['model.test.my_model', 'model.test.eph', 'model.test.uses_eph', 'seed.test.my_seed', 'analysis.test.my_analysis'].map((id) => [id, nodes[id].relation_name]));
    expect(names).toEqual({
      'model.test.my_model': `\`${p.schema}\`.\`my_model\``,
      'model.test.eph': null,
      'model.test.uses_eph': `\`${p.schema}\`.\`uses_eph\``,
      'seed.test.my_seed': `\`${p.schema}\`.\`my_seed\``,
      'analysis.test.my_analysis': null,
    });
  });
});
