import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/unit_testing/test_ut_dependency.py (TestUnitTestingInDependency): a
 * local package's unit tests run with the root project's, under the package's name
 * (unit_test.local_dep.dep_model.test_dep_model_id), and a root unit test's fixture stands in for a
 * package model. Selection by test_type:unit and by package name. dbt's fixtures as written.
 */
const LOCAL_DEP = {
  'local_dependency/dbt_project.yml': "\nname: 'local_dep'\nversion: '1.0'\n\nseeds:\n  quote_columns: False\n\n",
  'local_dependency/models/schema.yml': `
sources:
  - name: seed_source
    schema: "{{ var('schema_override', target.schema) }}"
    tables:
      - name: "seed"
        columns:
          - name: id
            data_tests:
              - unique

unit_tests:
  - name: test_dep_model_id
    model: dep_model
    given:
      - input: ref('seed')
        rows:
          - {id: 1, name: Joe}
    expect:
      rows:
        - {name_id: Joe_1}


`,
  'local_dependency/models/dep_model.sql': "\nselect name || '_' || id as name_id  from {{ ref('seed') }}\n\n",
  'local_dependency/seeds/seed.csv': 'id,name\n1,Mary\n2,Sam\n3,John\n',
};

const MY_MODEL_SCHEMA_YML = `
unit_tests:
  - name: test_my_model_name_id
    model: my_model
    given:
      - input: ref('dep_model')
        rows:
          - {name_id: Joe_1}
    expect:
      rows:
        - {name_id: Joe_1}
`;

describe('unit tests in a dependency (unit_testing/test_ut_dependency.py)', () => {
  it('test_unit_test_in_dependency', async () => {
    const p = dbtProject({
      models: { 'my_model.sql': "\nselect * from {{ ref('dep_model') }}\n", 'schema.yml': MY_MODEL_SCHEMA_YML },
      files: { ...LOCAL_DEP, 'packages.yml': 'packages:\n  - local: local_dependency\n' },
    });
    await p.dbt(['deps']);
    await p.dbt(['seed']);
    expect((await p.dbt(['run'])).results).toHaveLength(2);

    const all = await p.dbt(['test']);
    expect(all.results).toHaveLength(3);
    expect(all.results.map((r) => r.unique_id)).toContain('unit_test.local_dep.dep_model.test_dep_model_id');
    expect(all.results.every((r) => r.status === 'pass')).toBe(true);
    // Two unit tests: one in the root package, one in local_dep.
    expect((await p.dbt(['test', '--select', 'test_type:unit'])).results).toHaveLength(2);
    // local_dep's two tests (its source test and its unit test).
    expect((await p.dbt(['test', '--select', 'local_dep'])).results).toHaveLength(2);
    // The root package's one.
    expect((await p.dbt(['test', '--select', 'test'])).results.map((r) => r.unique_id)).toEqual(['unit_test.test.my_model.test_my_model_name_id']);
  });
});
