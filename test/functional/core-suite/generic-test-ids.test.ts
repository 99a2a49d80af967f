import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

  it('a test without arguments is `<test>_<model>_`; a name of 64+ characters keeps its full name with the short one as alias', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': 'select 1 as id',
        'orders.sql': "select 'placed' as status",
        'schema.yml': `
version: 2
models:
  - name: my_model
    data_tests:
      - check_nothing
  - name: orders
    columns:
      - name: status
        data_tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
`,
      },
      macros: { 'dummy_test.sql': '{% test check_nothing(model) %}\nselect 0 where false\n{% endtest %}' },
    });
    await p.dbt(['build']);
    const nodes = p.readJson('target/manifest.json').nodes;
    // dbt-core tests/functional/artifacts/data/state/v10/manifest.json has this id.
    expect(nodes['test.test.check_nothing_my_model_.d5a5e66110']?.name).toBe('check_nothing_my_model_');
    // Computed with dbt's synthesize_generic_test_names and create_test_node.
    const full = 'accepted_values_orders_status__placed__shipped__completed__return_pending__returned';
    const long = nodes[`test.test.${full}.be6b5b5ec3`];
    expect(long?.name).toBe(full);
    expect(long?.fqn).toEqual(['test', full]);
    expect(long?.alias).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758');
    expect(existsSync(join(p.dir, 'target/compiled/test/models/schema.yml/accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758.sql'))).toBe(true);
  });

  it('the same test twice on one column is dbt\'s duplicate', async () => {
    const p = dbtProject({ models: { 'm.sql': 'select 1 as id', 'schema.yml': 'version: 2\nmodels:\n- name: m\n  columns:\n  - name: id\n    data_tests: [unique, unique]\n' } });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain('dbt found two data_tests with the name "unique_m_id"');
  });
});
