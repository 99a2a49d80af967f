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
