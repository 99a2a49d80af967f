import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/unit_testing/test_ut_versions.py: a unit test of a versioned model runs
 * once per version (unit_test.<pkg>.<model>.<test>_v<N>), `versions: include / exclude` pick some,
 * both at once is dbt's parse error, either on an unversioned model too, and a fixture's input may be
 * `ref('m', version=2)`. dbt's fixtures (unit_testing/fixtures.py); the contract's data types are
 * ClickHouse's types of the models' literals (`1` is UInt8, `a+b` UInt16, `string` is `String`).
 */
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
const MY_MODEL_SQL = `
SELECT
a+b as c,
concat(string_a, string_b) as string_c,
not_testing, date_a
FROM {{ ref('my_model_a')}} my_model_a
JOIN {{ ref('my_model_b' )}} my_model_b
ON my_model_a.id = my_model_b.id
`;
const MY_MODEL_V1_SQL = `
SELECT
a,
b,
a+b as c,
concat(string_a, string_b) as string_c,
not_testing, date_a
FROM {{ ref('my_model_a')}} my_model_a
JOIN {{ ref('my_model_b' )}} my_model_b
ON my_model_a.id = my_model_b.id
`;
const MY_MODEL_V2_SQL = `
SELECT
a,
b,
a+b as c,
concat(string_a, string_b) as string_c,
date_a
FROM {{ ref('my_model_a')}} my_model_a
JOIN {{ ref('my_model_b' )}} my_model_b
ON my_model_a.id = my_model_b.id
`;
const MY_MODEL_V3_SQL = `
SELECT
a,
b,
a+b as c,
concat(string_a, string_b) as string_c
FROM {{ ref('my_model_a')}} my_model_a
JOIN {{ ref('my_model_b' )}} my_model_b
ON my_model_a.id = my_model_b.id
`;
const MY_MODEL_VERSION_REF_SQL = `
   select * from {{ ref('my_model', version=2) }}
`;
const MY_MODEL_VERSIONED_YML = `
models:
  - name: my_model
    latest_version: 1
    access: public
    config:
      contract:
        enforced: true
    columns:
      - name: a
        data_type: UInt8
      - name: b
        data_type: UInt8
      - name: c
        data_type: UInt16
      - name: string_c
        data_type: String
      - name: not_testing
        data_type: UInt8
      - name: date_a
        data_type: date
    versions:
      - v: 1
      - v: 2
        columns:
          # This means: use the 'columns' list from above, but exclude not_testing
          - include: "all"
            exclude:
            - not_testing
      - v: 3
        # now exclude another column
        columns:
          - include: all
            exclude:
            - not_testing
            - date_a
`;
const MY_MODEL_VERSIONED_NO_2_YML = `
models:
  - name: my_model
    latest_version: 1
    access: public
    config:
      contract:
        enforced: true
    columns:
      - name: a
        data_type: UInt8
      - name: b
        data_type: UInt8
      - name: c
        data_type: UInt16
      - name: string_c
        data_type: String
      - name: not_testing
        data_type: UInt8
      - name: date_a
        data_type: date
    versions:
      - v: 1
      - v: 3
        # now exclude another column
        columns:
          - include: all
            exclude:
            - not_testing
            - date_a
`;
const TEST_MY_MODEL_ALL_VERSIONS_YML = `
unit_tests:
  - name: test_my_model
    model: my_model
    given:
      - input: ref('my_model_a')
        format: csv
        rows: |
          id,a
          1,1
          2,3
      - input: ref('my_model_b')
        format: csv
        rows: |
          id,b
          1,2
          2,2
    expect:
      format: csv
      rows: |
          a,b,c
          1,2,3
          3,2,5
`;
const TEST_MY_MODEL_EXCLUDE_VERSIONS_YML = `
unit_tests:
  - name: test_my_model
    model: my_model
    versions:
      exclude:
        - 2
    given:
      - input: ref('my_model_a')
        format: csv
        rows: |
          id,a
          1,1
          2,3
      - input: ref('my_model_b')
        format: csv
        rows: |
          id,b
          1,2
          2,2
    expect:
      format: csv
      rows: |
          a,b,c
          1,2,3
          3,2,5
`;
const TEST_MY_MODEL_INCLUDE_VERSIONS_YML = `
unit_tests:
  - name: test_my_model
    model: my_model
    versions:
      include:
        - 2
    given:
      - input: ref('my_model_a')
        format: csv
        rows: |
          id,a
          1,1
          2,3
      - input: ref('my_model_b')
        format: csv
        rows: |
          id,b
          1,2
          2,2
    expect:
      format: csv
      rows: |
          a,b,c
          1,2,3
          3,2,5
`;
const TEST_MY_MODEL_INCLUDE_EXCLUDE_VERSIONS_YML = `
unit_tests:
  - name: test_my_model
    model: my_model
    versions:
      include:
        - 2
      exclude:
        - 3
    given:
      - input: ref('my_model_a')
        format: csv
        rows: |
          id,a
          1,1
          2,3
      - input: ref('my_model_b')
        format: csv
        rows: |
          id,b
          1,2
          2,2
    expect:
      format: csv
      rows: |
          a,b,c
          1,2,3
          3,2,5
`;
const TEST_MY_MODEL_INCLUDE_UNVERSIONED_YML = `
unit_tests:
  - name: test_my_model
    model: my_model
    versions:
      include:
        - 2
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
`;
const TEST_MY_MODEL_VERSION_REF_YML = `
unit_tests:
  - name: test_my_model_version_ref
    model: my_model_version_ref
    given:
      - input: ref('my_model', version=2)
        rows:
          - {c: 2}
    expect:
      rows:
        - {c: 2}
`;

const VERSIONED = {
  'my_model_a.sql': MY_MODEL_A_SQL,
  'my_model_b.sql': MY_MODEL_B_SQL,
  'my_model_v1.sql': MY_MODEL_V1_SQL,
  'my_model_v2.sql': MY_MODEL_V2_SQL,
  'my_model_v3.sql': MY_MODEL_V3_SQL,
  'schema.yml': MY_MODEL_VERSIONED_YML,
};
const ids = (results: { unique_id: string }[]) => results.map((r) => r.unique_id).sort();

describe('unit tests of versioned models (unit_testing/test_ut_versions.py)', () => {
  it('TestVersions: every version, one version selected, exclude, include; a removed version is a parse error', async () => {
    const p = dbtProject({ models: { ...VERSIONED, 'unit_tests.yml': TEST_MY_MODEL_ALL_VERSIONS_YML } });
    expect((await p.dbt(['run'])).results).toHaveLength(5);
    const all = ['unit_test.test.my_model.test_my_model_v1', 'unit_test.test.my_model.test_my_model_v2', 'unit_test.test.my_model.test_my_model_v3'];
    expect(ids((await p.dbt(['test'])).results)).toEqual(all);
    expect(ids((await p.dbt(['test', '--select', 'my_model.v2'])).results)).toEqual(['unit_test.test.my_model.test_my_model_v2']);
    expect(ids((await p.dbt(['test', '--select', 'my_model'])).results)).toEqual(all);

    p.write({ 'models/unit_tests.yml': TEST_MY_MODEL_EXCLUDE_VERSIONS_YML });
    expect(ids((await p.dbt(['test'])).results)).toEqual(['unit_test.test.my_model.test_my_model_v1', 'unit_test.test.my_model.test_my_model_v3']);

    p.write({ 'models/unit_tests.yml': TEST_MY_MODEL_INCLUDE_VERSIONS_YML });
    expect(ids((await p.dbt(['test'])).results)).toEqual(['unit_test.test.my_model.test_my_model_v2']);

    p.write({ 'models/schema.yml': MY_MODEL_VERSIONED_NO_2_YML });
    const failed = await p.dbt(['test'], { expectPass: false });
    expect(failed.out.join('\n')).toContain("Unit test 'test_my_model' referenced a version of 'my_model' which was not found.");
    expect(failed.results).toEqual([]);
  });

  it('TestIncludeExcludeSpecified: include and exclude together fail the parse', async () => {
    const p = dbtProject({ models: { ...VERSIONED, 'unit_tests.yml': TEST_MY_MODEL_INCLUDE_EXCLUDE_VERSIONS_YML } });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Unit tests can not both include and exclude versions.');
  });

  it('TestIncludeUnversioned: versions include on an unversioned model fails the parse', async () => {
    const p = dbtProject({ models: { 'my_model_a.sql': MY_MODEL_A_SQL, 'my_model_b.sql': MY_MODEL_B_SQL, 'my_model.sql': MY_MODEL_SQL, 'unit_tests.yml': TEST_MY_MODEL_INCLUDE_UNVERSIONED_YML } });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Unit test 'test_my_model' should not have a versions include or exclude when referencing non-versioned model 'my_model'");
  });

  it("TestVersionedFixture: a given input ref('my_model', version=2)", async () => {
    const p = dbtProject({ models: { ...VERSIONED, 'my_model_version_ref.sql': MY_MODEL_VERSION_REF_SQL, 'unit_tests.yml': TEST_MY_MODEL_VERSION_REF_YML } });
    expect((await p.dbt(['run'])).results).toHaveLength(6);
    const r = await p.dbt(['test']);
    expect(ids(r.results)).toEqual(['unit_test.test.my_model_version_ref.test_my_model_version_ref']);
    expect(r.results[0]!.status).toBe('pass');
  });
});
