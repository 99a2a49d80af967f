import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/schema_tests/test_schema_v2_tests.py, the cases about test naming and
 * schema files: tests of two models whose names collide get one name and two ids (dbt's hash);
 * tests that differ only in their config collide ("dbt found two data_tests with the name");
 * custom names (both YAML forms) give dbt's ids; `models:` that is not a list; a schema file of
 * comments only; a model entry naming a seed.
 */
const ids = (p: ReturnType<typeof dbtProject>) => Object.keys(p.readJson('target/manifest.json').nodes).filter((id) => id.startsWith('test.')).sort();

describe('schema tests (schema_tests/test_schema_v2_tests.py)', () => {
  it('TestSchemaTestNameCollision: one test name, two ids', async () => {
    const p = dbtProject({
      models: {
        'schema.yml': '\nversion: 2\nmodels:\n- name: base\n  columns:\n  - name: extension_id\n    data_tests:\n    - not_null\n- name: base_extension\n  columns:\n  - name: id\n    data_tests:\n    - not_null\n\n',
        'base.sql': "\nSELECT 'hello_world' AS extension_id\n",
        'base_extension.sql': "\nSELECT 'NOT_NULL' AS id\n",
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const tests = await p.dbt(['test']);
    expect(tests.results.map((r) => r.unique_id).sort()).toEqual(['test.test.not_null_base_extension_id.922d83a56c', 'test.test.not_null_base_extension_id.c8d18fe069']);
  });

  it('TestGenericTestsCollide: tests that differ only in config collide', async () => {
    const yml = '\nversion: 2\nmodels:\n- name: model_a\n  columns:\n  - name: id\n    data_tests:\n    - not_null:\n        config:\n          where: "1=1"\n    - not_null:\n        config:\n          where: "1=2"\n\n';
    const r = await dbtProject({ models: { 'schema.yml': yml, 'model_a.sql': "\nSELECT 'NOT_NULL' AS id\n" } }).dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain('dbt found two data_tests with the name');
  });

  for (const [label, tests] of [
    ['TestGenericTestsCustomNames', '    - not_null:\n        name: not_null_where_1_equals_1\n        config:\n          where: "1=1"\n    - not_null:\n        name: not_null_where_1_equals_2\n        config:\n          where: "1=2"\n'],
    ['TestGenericTestsCustomNamesAltFormat', '    - name: not_null_where_1_equals_1\n      test_name: not_null\n      config:\n        where: "1=1"\n    - name: not_null_where_1_equals_2\n      test_name: not_null\n      config:\n        where: "1=2"\n'],
  ] as const) {
    it(`${label}: custom names propagate to the unique id`, async () => {
      const p = dbtProject({ models: { 'schema.yml': `\nversion: 2\nmodels:\n- name: model_a\n  columns:\n  - name: id\n    data_tests:\n${tests}\n`, 'model_a.sql': "\nSELECT 'NOT_NULL' AS id\n" } });
      expect((await p.dbt(['run'])).results).toHaveLength(1);
      const r = await p.dbt(['test']);
      expect(r.results.map((x) => x.unique_id).sort()).toEqual(['test.test.not_null_where_1_equals_1.7b96089006', 'test.test.not_null_where_1_equals_2.8ae586e17f']);
      expect(ids(p)).toHaveLength(2);
    });
  }

  it("TestInvalidSchema: 'models' is not a list", async () => {
    const yml = '\nversion: 2\n\nmodels:\n  name: model\n  columns:\n    - name: Id\n      quote: true\n      data_tests:\n        - unique\n        - not_null\n\n';
    const r = await dbtProject({ models: { 'schema.yml': yml, 'model.sql': '\nselect 1 as "Id"\n\n' } }).dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/'models' is not a list/);
  });

  it('TestCommentedSchema: a schema file of comments only parses', async () => {
    const yml = '# models/schema.yml\n# only comments here, which should be okay!\n# https://github.com/dbt-labs/dbt-core/issues/3568';
    await dbtProject({ models: { 'schema.yml': yml, 'model.sql': '\nselect 1 as "Id"\n\n' } }).dbt(['parse']);
  });

  it('TestWrongSpecificationBlock: a seed described under models: warns; ls prints its name and empty description', async () => {
    const p = dbtProject({ models: { 'schema.yml': '\nversion: 2\nmodels:\n  - name: some_seed\n    description: "This is my seed under a model"\n' }, seeds: { 'some_seed.csv': '\ncol_int,col_str\n1,hello\n2,goodbye\n' } });
    const r = await p.dbt(['ls', '-s', 'some_seed', '--output', 'json', '--output-keys', 'name', 'description']);
    expect(r.out).toContain('{"name":"some_seed","description":""}');
    expect(r.out.join('\n')).toMatch(/some_seed/i);
  });
});

describe('hooks in tests (schema_tests/test_schema_v2_tests.py)', () => {
  const models = { 'schema.yml': '\nversion: 2\nmodels:\n    - name: ephemeral\n      columns:\n          - name: id\n            data_tests:\n                - unique\n\n', 'ephemeral.sql': "\n\n{{ config(materialized='ephemeral') }}\n\nselect 1 as id\n\n" };
  const passes = (r: { results: { status: string; failures: number | null }[] }) => {
    expect(r.results).toHaveLength(3);
    for (const x of r.results) {
      expect(['pass', 'success']).toContain(x.status);
      expect(x.failures).toBe(0);
    }
  };

  it('TestHooksInTests: on-run-start/end run for `test` (rows of run_results)', async () => {
    const hook = `"{{ log('hooks called in tests -- good!') if execute }}"`;
    const p = dbtProject({ models, projectConfig: `on-run-start: [${hook}]\non-run-end: [${hook}]\n` });
    const r = await p.dbt(['test', '--model', 'ephemeral']);
    passes(r);
    expect(r.results.map((x) => x.unique_id.split('.')[0])).toEqual(['operation', 'test', 'operation']);
  });

  it("TestHooksForWhich: flags.WHICH is 'test' in the hooks", async () => {
    const hook = `"{{exceptions.raise_compiler_error('hooks called in tests -- error') if (execute and flags.WHICH != 'test') }}"`;
    passes(await dbtProject({ models, projectConfig: `on-run-start: [${hook}]\non-run-end: [${hook}]\n` }).dbt(['test', '--model', 'ephemeral']));
  });
});

/* TestDefaultBoolType, TestOtherBoolType, TestNonBoolType: a project's own get_test_sql makes each test's query (execute/test-sql-override.ts). */
describe('get_test_sql overrides (schema_tests/test_schema_v2_tests.py)', () => {
  const yml = `
version: 2

models:
    - name: my_model_pass
      columns:
        - name: id
          data_tests:
            - not_null:
                error_if: '>1'
                warn_if: '>1'

    - name: my_model_warning
      columns:
        - name: id
          data_tests:
            - not_null:
                error_if: '>1'

    - name: my_model_failure
      columns:
        - name: id
          data_tests:
            - not_null:
                error_if: '>1'
`;
  const models = {
    'schema.yml': yml,
    'my_model_warning.sql': "\nselect * from {{ ref('my_model_pass') }}\n",
    'my_model_pass.sql': '\nselect 1 as id\nUNION ALL\nselect null as id\n',
    'my_model_failure.sql': "\nselect * from {{ ref('my_model_pass') }}\nUNION ALL\nselect null as id\n",
  };
  const getTestSql = (yes: string, no: string) => `
{% macro get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    select
      {{ fail_calc }} as failures,
      case when {{ fail_calc }} {{ warn_if }} then ${yes} else ${no} end as should_warn,
      case when {{ fail_calc }} {{ error_if }} then ${yes} else ${no} end as should_error
    from (
      {{ main_sql }}
      {{ "limit " ~ limit if limit != none }}
    ) dbt_internal_test
{%- endmacro %}
`;
  const checkStatuses = (r: { results: { unique_id: string; status: string; failures: number | null }[] }) => {
    expect(r.results).toHaveLength(3);
    for (const x of r.results) {
      const expected = x.unique_id.includes('failure') ? 'fail' : x.unique_id.includes('warning') ? 'warn' : 'pass';
      expect(x.status, x.unique_id).toBe(expected);
      if (expected === 'pass') expect(x.failures).toBe(0);
      else expect(x.failures).toBeGreaterThan(0);
    }
    // warnings are also counted as failures
    expect(r.results.reduce((n, x) => n + (x.failures ?? 0), 0)).toBe(3);
  };

  it("TestDefaultBoolType: dbt's get_test_sql", async () => {
    const p = dbtProject({ models });
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    checkStatuses(await p.dbt(['test'], { expectPass: false }));
  });

  it('TestOtherBoolType: a get_test_sql giving 0/1', async () => {
    const p = dbtProject({ models, files: { 'macros-v2/override_get_test_macros/get_test_sql.sql': getTestSql('1', '0') }, projectConfig: 'macro-paths: ["macros-v2/override_get_test_macros"]\n' });
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    checkStatuses(await p.dbt(['test'], { expectPass: false }));
  });

  it("TestNonBoolType: a get_test_sql giving 'x'/'y' is dbt's error for the test (it is called: its flags are read)", async () => {
    const p = dbtProject({
      models: {
        'schema.yml': 'version: 2\n\nmodels:\n    - name: my_model\n      columns:\n        - name: id\n          data_tests:\n            - not_null\n',
        'my_model.sql': '\nselect 1 as id\nUNION ALL\nselect null as id\n',
      },
      files: { 'macros-v2/override_get_test_macros_fail/get_test_sql.sql': getTestSql("'x'", "'y'") },
      projectConfig: 'macro-paths: ["macros-v2/override_get_test_macros_fail"]\n',
    });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    const r = await p.dbt(['test'], { expectPass: false });
    expect(r.results).toHaveLength(1);
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toMatch(/'get_test_sql' returns 'x'/);
  });

  it('a default__get_test_sql override makes the query too (its own failures column counts what it says)', async () => {
    const own = `{% macro default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    select count(*) + 7 as failures, true as should_warn, false as should_error from ({{ main_sql }}) t
{%- endmacro %}`;
    const p = dbtProject({
      models: { 'schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\n', 'm.sql': 'select 1 as id' },
      macros: { 'own_test_sql.sql': own },
    });
    await p.dbt(['run']);
    const r = await p.dbt(['test'], { expectPass: null });
    expect(r.results.map((x) => [x.status, x.failures])).toEqual([['warn', 7], ['warn', 7]]);
  });
});
