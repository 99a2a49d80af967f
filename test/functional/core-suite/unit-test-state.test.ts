import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';

/*
 * dbt-core tests/functional/unit_testing/test_state.py: unit tests under state:modified (a changed
 * fixture file, a changed unit test, a changed model), retry of a failed unit test, and --defer
 * (unit tests read their fixtures, never the deferred relations; the model's current SQL is tested).
 * dbt's fixtures (unit_testing/fixtures.py).
 */
const MY_MODEL_VARS_SQL = `
SELECT
a+b as c,
concat(string_a, string_b) as string_c,
not_testing, date_a,
{{ dbt.string_literal(type_numeric()) }} as macro_call,
{{ dbt.string_literal(var('my_test')) }} as var_call,
{{ dbt.string_literal(env_var('MY_TEST', 'default')) }} as env_var_call,
{{ dbt.string_literal(invocation_id) }} as invocation_id
FROM {{ ref('my_model_a')}} my_model_a
JOIN {{ ref('my_model_b' )}} my_model_b
ON my_model_a.id = my_model_b.id
`;
const MY_MODEL_A_SQL = `
SELECT
1 as a,
1 as id,
2 as not_testing,
'a' as string_a,
DATE '2020-01-02' as date_a
`;
const MY_MODEL_B_SQL = `
SELECT
2 as b,
1 as id,
2 as c,
'b' as string_b
`;
const TEST_MY_MODEL_SIMPLE_FIXTURE_YML = `
unit_tests:
  - name: test_my_model
    model: my_model
    given:
      - input: ref('my_model_a')
        rows:
          - {id: 1, a: 1}
      - input: ref('my_model_b')
        rows:
          - {id: 1, b: 2}
          - {id: 2, b: 2}
    expect:
      rows:
        - {c: 2}

  - name: test_depends_on_fixture
    model: my_model
    given:
      - input: ref('my_model_a')
        rows: []
      - input: ref('my_model_b')
        format: csv
        fixture: test_my_model_fixture
    expect:
      rows: []

  - name: test_my_model_overrides
    model: my_model
    given:
      - input: ref('my_model_a')
        rows:
          - {id: 1, a: 1}
      - input: ref('my_model_b')
        rows:
          - {id: 1, b: 2}
          - {id: 2, b: 2}
    overrides:
      macros:
        type_numeric: override
        invocation_id: 123
      vars:
        my_test: var_override
      env_vars:
        MY_TEST: env_var_override
    expect:
      rows:
        - {macro_call: override, var_call: var_override, env_var_call: env_var_override, invocation_id: 123}

  - name: test_has_string_c_ab
    model: my_model
    given:
      - input: ref('my_model_a')
        rows:
          - {id: 1, string_a: a}
      - input: ref('my_model_b')
        rows:
          - {id: 1, string_b: b}
    expect:
      rows:
        - {string_c: ab}
    config:
        tags: test_this
`;
const TEST_MY_MODEL_FIXTURE_CSV = `id,b
1,2
2,2
`;
const TEST_MY_MODEL_B_FIXTURE_CSV = `id,string_b
1,b
`;
const MODEL_SELECT_1_SQL = `
select 1 as id
`;
const MODEL_SELECT_2_SQL = `
select 2 as id
`;
const TEST_EXPECT_2_YML = `
unit_tests:
  - name: test_my_model
    model: my_model
    given: []
    expect:
      rows:
        - {id: 2}
`;

function unitTestState(): DbtProject {
  return dbtProject({
    models: { 'my_model.sql': MY_MODEL_VARS_SQL, 'my_model_a.sql': MY_MODEL_A_SQL, 'my_model_b.sql': MY_MODEL_B_SQL, 'test_my_model.yml': TEST_MY_MODEL_SIMPLE_FIXTURE_YML },
    tests: { 'fixtures/test_my_model_fixture.csv': TEST_MY_MODEL_FIXTURE_CSV },
    projectConfig: 'vars:\n  my_test: my_test_var\n',
  });
}

function copyState(p: DbtProject): void {
  mkdirSync(join(p.dir, 'state'), { recursive: true });
  copyFileSync(join(p.dir, 'target/manifest.json'), join(p.dir, 'state/manifest.json'));
  copyFileSync(join(p.dir, 'target/run_results.json'), join(p.dir, 'state/run_results.json'));
}

const MODIFIED = ['test', '--select', 'state:modified', '--state', 'state'];
const names = (results: { unique_id: string }[]) => results.map((r) => r.unique_id.split('.').pop()!).sort();

describe('unit tests and state (unit_testing/test_state.py)', () => {
  it('TestUnitTestStateModified', async () => {
    const p = unitTestState();
    await p.dbt(['run']);
    await p.dbt(['test'], { expectPass: false });
    copyState(p);
    // No changes.
    expect((await p.dbt(MODIFIED)).results).toHaveLength(0);
    // The fixture file a unit test reads.
    p.write({ 'tests/fixtures/test_my_model_fixture.csv': TEST_MY_MODEL_B_FIXTURE_CSV });
    expect(names((await p.dbt(MODIFIED)).results)).toEqual(['test_depends_on_fixture']);
    copyState(p);
    // One unit test's definition.
    p.write({ 'models/test_my_model.yml': TEST_MY_MODEL_SIMPLE_FIXTURE_YML.replace('{string_c: ab}', '{string_c: bc}') });
    expect(names((await p.dbt(MODIFIED, { expectPass: false })).results)).toEqual(['test_has_string_c_ab']);
    // The model's logic (dbt's step: a whitespace edit, a change of raw_code): every unit test of it.
    p.write({ 'models/test_my_model.yml': TEST_MY_MODEL_SIMPLE_FIXTURE_YML, 'models/my_model.sql': MY_MODEL_VARS_SQL.replace('a+b as c,', 'a + b as c,') });
    expect((await p.dbt(MODIFIED, { expectPass: false })).results).toHaveLength(4);
  });

  it('TestUnitTestRetry', async () => {
    const p = unitTestState();
    await p.dbt(['run']);
    await p.dbt(['test'], { expectPass: false });
    copyState(p);
    const r = await p.dbt(['retry'], { expectPass: false });
    expect(names(r.results)).toEqual(['test_my_model']);
  });

  it('TestUnitTestDeferState', async () => {
    const p = unitTestState();
    const output = (schema: string) => `      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${schema}\n      threads: 4\n`;
    p.write({ 'profiles.yml': `test:\n  target: default\n  outputs:\n    default:\n${output(p.schema)}    otherschema:\n${output(`${p.schema}_other`)}` });
    await p.dbt(['run', '--target', 'otherschema']);
    copyState(p);
    const r = await p.dbt(['test', '--defer', '--state', 'state'], { expectPass: false });
    expect(r.results).toHaveLength(4);
    expect(r.results.map((x) => x.status).sort()).toEqual(['fail', 'pass', 'pass', 'pass']);
  });

  it('TestUnitTestDeferDoesntOverwrite', async () => {
    const p = dbtProject({ models: { 'my_model.sql': MODEL_SELECT_1_SQL, 'test_my_model.yml': TEST_EXPECT_2_YML } });
    await p.dbt(['test'], { expectPass: false });
    copyState(p);
    p.write({ 'models/my_model.sql': MODEL_SELECT_2_SQL });
    const r = await p.dbt(['test', '--defer', '--state', 'state']);
    expect(r.results.map((x) => x.status)).toEqual(['pass']);
  });
});
