import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import * as F from './unit-test-list-fixtures.js';

/*
 * dbt-core tests/functional/unit_testing/test_ut_list.py (TestUnitTestList: `ls` of unit tests, test_type:unit,
 * --output json and --output-keys) and test_ut_resource_types.py (TestUnitTestResourceTypes:
 * --resource-type / --exclude-resource-types unit_test, test, model with ls, test and build).
 * ls lines are read from the command's output where upstream reads run_dbt's list.
 */
const lines = (out: string[]) => out.flatMap((l) => l.split('\n')).map((l) => l.trim()).filter((l) => l !== '' && !/^\d\d:\d\d:\d\d/.test(l));

describe('unit tests listed (unit_testing/test_ut_list.py)', () => {
  it('TestUnitTestList: ls names unit tests, test_type:unit selects them, --output json / --output-keys', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': F.my_model_vars_sql,
        'my_model_a.sql': F.my_model_a_sql,
        'my_model_b.sql': F.my_model_b_sql,
        'test_my_model.yml': F.test_my_model_yml + F.datetime_test,
        'test_disabled_my_model.yml': F.test_disabled_my_model_yml,
      },
      projectConfig: 'vars:\n  my_test: my_test_var\n',
    });
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    expect((await p.dbt(['test'], { expectPass: false })).results).toHaveLength(5);
    expect(lines((await p.dbt(['list'])).out).sort()).toEqual(
      ['test.my_model', 'test.my_model_a', 'test.my_model_b', 'unit_test:test.test_my_model', 'unit_test:test.test_my_model_datetime', 'unit_test:test.test_my_model_empty', 'unit_test:test.test_my_model_overrides', 'unit_test:test.test_my_model_string_concat'].sort(),
    );
    expect(lines((await p.dbt(['list', '--select', 'test_type:unit'])).out)).toHaveLength(5);
    const json = lines((await p.dbt(['list', '--select', 'test_type:unit', '--output', 'json'])).out).map((l) => JSON.parse(l));
    expect(json.find((j) => j.name === 'test_my_model')).toEqual({
      name: 'test_my_model',
      resource_type: 'unit_test',
      package_name: 'test',
      original_file_path: 'models/test_my_model.yml',
      unique_id: 'unit_test.test.my_model.test_my_model',
      depends_on: { macros: [], nodes: ['model.test.my_model'] },
      config: { tags: [], meta: {}, enabled: true },
    });
    const keyed = lines((await p.dbt(['list', '--select', 'test_type:unit', '--output', 'json', '--output-keys', 'unique_id', 'model'])).out).map((l) => JSON.parse(l));
    expect(keyed).toHaveLength(5);
    for (const j of keyed) expect(j.model).toBe('my_model');
  });
});

describe('unit tests by resource type (unit_testing/test_ut_resource_types.py)', () => {
  it('TestUnitTestResourceTypes: --resource-type and --exclude-resource-types with ls, test and build', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': F.my_model_sql,
        'my_model_a.sql': F.my_model_a_sql,
        'my_model_b.sql': F.my_model_b_sql,
        'test_my_model.yml': F.test_my_model_pass_yml,
        'test_my_model_a.yml': F.test_my_model_a_yml,
      },
    });
    await p.dbt(['run']);
    const MODELS = ['test.my_model', 'test.my_model_a', 'test.my_model_b'];
    const DATA_TESTS = ['test.not_null_my_model_a_a', 'test.not_null_my_model_a_id'];
    const UNIT_TESTS = ['unit_test:test.test_my_model'];
    const ls = async (...args: string[]) => lines((await p.dbt(['list', ...args])).out).sort();
    const count = async (...args: string[]) => (await p.dbt(args)).results.length;
    expect(await ls('--resource-type', 'unit_test')).toEqual(UNIT_TESTS);
    expect(await ls('--exclude-resource-types', 'model', 'test')).toEqual(UNIT_TESTS);
    expect(await count('test', '--resource-type', 'unit_test')).toBe(1);
    expect(await count('test', '--exclude-resource-types', 'model', 'test')).toBe(1);
    expect(await ls('--resource-type', 'test')).toEqual(DATA_TESTS);
    expect(await ls('--exclude-resource-types', 'unit_test', 'model')).toEqual(DATA_TESTS);
    expect(await count('test', '--resource-type', 'test')).toBe(2);
    expect(await count('test', '--exclude-resource-types', 'unit_test', 'model')).toBe(2);
    expect(await count('build', '--resource-type', 'test')).toBe(2);
    expect(await count('build', '--exclude-resource-types', 'unit_test', 'model')).toBe(2);
    expect(await ls('--resource-type', 'model')).toEqual(MODELS);
    expect(await ls('--exclude-resource-type', 'unit_test', 'test')).toEqual(MODELS);
    expect(await count('test', '--resource-type', 'model')).toBe(0);
    expect(await count('test', '--exclude-resource-types', 'unit_test', 'test')).toBe(0);
    expect(await count('build', '--resource-type', 'model')).toBe(3);
    expect(await count('build', '--exclude-resource-type', 'unit_test', 'test')).toBe(3);
  });
});
