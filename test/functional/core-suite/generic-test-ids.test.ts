import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * Generic test unique ids are dbt's: `test.<project>.<name>.<hash>`, the hash being the last 10 hex
 * digits of md5(<fqn name> + repr(test_metadata, keys sorted, leaves as str())) (dbt-core
 * parser/schema_generic_tests.py create_test_node). dbt-core's own tests name these ids:
 * schema_tests/test_schema_v2_tests.py TestGenericTestsCustomNames, partial_parsing/test_pp_vars.py,
 * duplicates/test_duplicate_model.py, defer_state/data/manifest.json.
 */
describe('generic test ids (dbt-core hashes)', () => {
  it('custom names, a source test, a package test and column tests get dbt ids', async () => {
    const p = dbtProject({
      models: {
        'model_a.sql': "\nSELECT 'NOT_NULL' AS id\n",
        'outer.sql': '\nselect 1 as id\n',
        'schema.yml': `
version: 2
models:
- name: model_a
  columns:
  - name: id
    data_tests:
    - not_null:
        name: not_null_where_1_equals_1
        config:
          where: "1=1"
    - name: not_null_where_1_equals_2
      test_name: not_null
      config:
        where: "1=2"
- name: outer
  columns:
  - name: id
    data_tests:
    - unique
    - not_null
sources:
  - name: seed_sources
    schema: "{{ target.schema }}"
    tables:
      - name: raw_customers
        columns:
          - name: id
            data_tests:
              - not_null:
                  severity: "{{ 'error' if target.name == 'prod' else 'warn' }}"
`,
      },
    });
    await p.dbt(['parse']);
    const tests = Object.keys(p.readJson('target/manifest.json').nodes).filter((id) => id.startsWith('test.')).sort();
    expect(tests).toEqual([
      'test.test.not_null_outer_id.a226f4fb36',
      'test.test.not_null_where_1_equals_1.7b96089006',
      'test.test.not_null_where_1_equals_2.8ae586e17f',
      'test.test.source_not_null_seed_sources_raw_customers_id.e39ee7bf0d',
      'test.test.unique_outer_id.2195e332d3',
    ]);
  });

  it('the same test twice on one column is dbt\'s duplicate', async () => {
    const p = dbtProject({ models: { 'm.sql': 'select 1 as id', 'schema.yml': 'version: 2\nmodels:\n- name: m\n  columns:\n  - name: id\n    data_tests: [unique, unique]\n' } });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain('dbt found two data_tests with the name "unique_m_id"');
  });
});
