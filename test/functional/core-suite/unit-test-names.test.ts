import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/unit_testing/test_ut_names.py (TestUnitTestDuplicateTestNamesAcrossModels,
 * TestUnitTestDuplicateTestNamesWithinModel): one unit test name on two models, selected by
 * test_name: and by model; twice on one model is dbt's duplicate error. The tested model is read from
 * the unit test's unique id (unit_test.<project>.<model>.<name>) where upstream reads
 * result.node.tested_node_unique_id.
 */
const MY_MODEL_A = "\nSELECT\n1 as a,\n1 as id,\n2 as not_testing,\n'a' as string_a,\nDATE '2020-01-02' as date_a\n";
const MY_MODEL_B = "\nSELECT\n2 as b,\n1 as id,\n2 as c,\n'b' as string_b\n";
const TEST_A = '  - name: my_test_name\n    model: my_model_a\n    given: []\n    expect:\n      rows:\n        - {a: 1, id: 1, not_testing: 2, string_a: "a", date_a: "2020-01-02"}\n';
const TEST_B = '  - name: my_test_name\n    model: my_model_b\n    given: []\n    expect:\n      rows:\n        - {b: 2, id: 1, c: 2, string_b: "b"}\n';

const tested = (results: { unique_id: string }[]) => new Set(results.map((r) => `model.test.${r.unique_id.split('.')[2]}`));

describe('unit test names (unit_testing/test_ut_names.py)', () => {
  it('TestUnitTestDuplicateTestNamesAcrossModels: one name on two models, selected by test_name: and by model', async () => {
    const p = dbtProject({ models: { 'my_model_a.sql': MY_MODEL_A, 'my_model_b.sql': MY_MODEL_B, 'test_model_a_b.yml': `\nunit_tests:\n${TEST_A}\n${TEST_B}` } });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const all = await p.dbt(['test']);
    expect(all.results).toHaveLength(2);
    expect(tested(all.results)).toEqual(new Set(['model.test.my_model_a', 'model.test.my_model_b']));
    const log = all.out.join('\n');
    expect(log).toContain('my_model_a::my_test_name');
    expect(log).toContain('my_model_b::my_test_name');
    const byName = await p.dbt(['test', '--select', 'test_name:my_test_name']);
    expect(tested(byName.results)).toEqual(new Set(['model.test.my_model_a', 'model.test.my_model_b']));
    for (const model of ['my_model_a', 'my_model_b']) {
      const both = await p.dbt(['test', '--select', `${model},test_name:my_test_name`]);
      expect(tested(both.results)).toEqual(new Set([`model.test.${model}`]));
      const one = await p.dbt(['test', '--select', model]);
      expect(tested(one.results)).toEqual(new Set([`model.test.${model}`]));
    }
  });

  it('TestUnitTestDuplicateTestNamesWithinModel: the same name twice on one model is an error', async () => {
    const p = dbtProject({ models: { 'my_model_a.sql': MY_MODEL_A, 'test_model_a.yml': `\nunit_tests:\n${TEST_A}\n${TEST_A}` } });
    const r = await p.dbt(['run'], { expectPass: false });
    // dbt's DuplicateResourceNameError.
    expect(r.out.join('\n')).toContain('dbt found two unit_tests with the name "my_test_name"');
  });
});
