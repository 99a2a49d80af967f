import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/*
 * dbt-adapters' unit testing cases (dbt-postgres tests/functional/unit_testing/fixtures.py and
 * dbt-tests-adapter unit_testing/), written for ClickHouse: same YAML, same expected results.
 */
const myModel = `SELECT
a+b as c,
concat(string_a, string_b) as string_c,
not_testing, date_a,
{{ dbt.string_literal(type_numeric()) }} as macro_call,
{{ dbt.string_literal(var('my_test')) }} as var_call,
{{ dbt.string_literal(env_var('MY_TEST', 'default')) }} as env_var_call,
{{ dbt.string_literal(invocation_id) }} as invocation_id
FROM {{ ref('my_model_a')}} my_model_a
JOIN {{ ref('my_model_b' )}} my_model_b
ON my_model_a.id = my_model_b.id`;

const testsYml = `unit_tests:
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

  - name: test_my_model_empty
    model: my_model
    given:
      - input: ref('my_model_a')
        rows: []
      - input: ref('my_model_b')
        rows:
          - {id: 1, b: 2}
          - {id: 2, b: 2}
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

  - name: test_my_model_string_concat
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

  - name: test_my_model_datetime
    model: my_model
    given:
      - input: ref('my_model_a')
        rows:
          - {id: 1, date_a: "2020-01-01"}
      - input: ref('my_model_b')
        rows:
          - {id: 1}
    expect:
      rows:
        - {date_a: "2020-01-01"}
`;

const project = {
  'project.yml': 'name: proj\nprofile: proj\nvars:\n  my_test: my_test_var\n',
  'models/my_model.sql': myModel,
  'models/my_model_a.sql': "SELECT\n1 as a,\n1 as id,\n2 as not_testing,\n'a' as string_a,\ntoDate('2020-01-02') as date_a",
  'models/my_model_b.sql': "SELECT\n2 as b,\n1 as id,\n2 as c,\n'b' as string_b",
  'models/test_my_model.yml': testsYml,
};

describe("dbt-adapters' unit testing cases on ClickHouse", () => {
  it('TestUnitTests: selection by model, test_name:, bare name and tag; build skips the model; a duplicate name is an error', async () => {
    const { project: p } = setup(project);
    expect((await p.run()).results).toHaveLength(3);
    // test_my_model fails (c is 3: a + b over the fixture rows); the others pass, as in dbt's suite.
    const tested = await p.test({ select: ['my_model'] });
    expectStatuses(tested, { test_my_model: 'fail', test_my_model_empty: 'pass', test_my_model_overrides: 'pass', test_my_model_string_concat: 'pass', test_my_model_datetime: 'pass' });
    const built = await p.build({ select: ['my_model'] });
    expect(built.results).toHaveLength(6);
    expect(built.results.find((r) => r.node.uniqueId === 'model.proj.my_model')!.status).toBe('skipped');
    expect((await p.test({ select: ['test_name:test_my_model_string_concat'] })).results).toHaveLength(1);
    expect((await p.test({ select: ['test_my_model_overrides'] })).results).toHaveLength(1);
    expect((await p.test({ select: ['tag:test_this'] })).results).toHaveLength(1);
    for (const n of p.manifest.nodes.values()) if (n.resourceType === 'unit_test') expect(n.dependsOn[0]).toBe('model.proj.my_model');
  });

  it('a duplicate unit test name is an error naming both', () => {
    const datetimeAgain = testsYml.slice(testsYml.indexOf('  - name: test_my_model_datetime'));
    expect(() => setup({ ...project, 'models/test_my_model.yml': testsYml + datetimeAgain })).toThrow(/test_my_model_datetime/);
  });

  it('case-insensitive fixture columns, reserved-word column names from csv fixture files, and the invalid column messages', async () => {
    const { project: p } = setup({
      'models/my_upstream_model.sql': 'select 1 as tested_column, 2 as `GROUP`',
      'models/my_model.sql': "select tested_column, `GROUP` from {{ ref('my_upstream_model')}}",
      'tests/fixtures/input_fixture.csv': 'tested_column,GROUP\n1,1\n2,2\n3,3\n',
      'tests/fixtures/expect_fixture.csv': 'tested_column,GROUP\n1,1\n2,2\n3,3\n',
      'models/unit_tests.yml': `unit_tests:
  - name: test_case_insensitive
    model: my_model
    given:
      - input: ref('my_upstream_model')
        rows:
          - {tested_column: 1}
          - {TESTED_COLUMN: 2}
          - {tested_colUmn: 3}
    expect:
      rows:
          - {tested_column: 1}
          - {TESTED_COLUMN: 2}
          - {tested_colUmn: 3}
  - name: test_reserved_word
    model: my_model
    given:
      - input: ref('my_upstream_model')
        format: csv
        fixture: input_fixture
    expect:
      format: csv
      fixture: expect_fixture
  - name: test_invalid_input_column_name
    model: my_model
    given:
      - input: ref('my_upstream_model')
        rows:
          - {invalid_column_name: 1}
    expect:
      rows:
          - {tested_column: 1}
  - name: test_invalid_expect_column_name
    model: my_model
    given:
      - input: ref('my_upstream_model')
        rows:
          - {tested_column: 1}
    expect:
      rows:
          - {invalid_column_name: 1}
`,
    });
    await p.run();
    const result = await p.test();
    const by = Object.fromEntries(result.results.map((r) => [r.node.name, r]));
    expect(by.test_case_insensitive!.status).toBe('pass');
    expect(by.test_reserved_word!.status).toBe('pass');
    expect(by.test_invalid_input_column_name!.message).toContain("Invalid column name: 'invalid_column_name' in unit test fixture for 'my_upstream_model'.");
    expect(by.test_invalid_expect_column_name!.message).toContain("Invalid column name: 'invalid_column_name' in unit test fixture for expected output.");
  });

  it('BaseUnitTestingTypes: values of each type pass through a fixture unchanged, and a FixedString input does not cut a longer value', async () => {
    const cases: [string, string][] = [
      ['1', '1'],
      ["'1'", '1'],
      ['true', 'true'],
      ["toDate('2020-01-02')", '2020-01-02'],
      ["toDateTime('2013-11-03 00:00:00', 'UTC')", "'2013-11-03 00:00:00'"],
      ['toDecimal64(1, 2)', '1'],
      ['toInt32(1)', 'null'],
    ];
    for (const [sql, yaml] of cases) {
      const { project: p } = setup({
        'models/my_upstream_model.sql': `{{ config(materialized='table') }} select ${sql} as tested_column`,
        'models/my_model.sql': "select tested_column from {{ ref('my_upstream_model')}}",
        'models/schema.yml': `unit_tests:\n  - name: test_my_model\n    model: my_model\n    given:\n      - input: ref('my_upstream_model')\n        rows:\n          - { tested_column: ${yaml} }\n    expect:\n      rows:\n        - { tested_column: ${yaml} }\n`,
      });
      await p.run({ select: ['my_upstream_model'] });
      expectStatuses(await p.test({ select: ['my_model'] }), { test_my_model: 'pass' });
    }
    const { project: p } = setup({
      'models/my_upstream_model.sql': "{{ config(materialized='table') }} select toFixedString('short', 5) as tested_column",
      'models/my_model.sql': "select tested_column, length(tested_column) as col_len from {{ ref('my_upstream_model')}}",
      'models/schema.yml': 'unit_tests:\n  - name: test_my_model\n    model: my_model\n    given:\n      - input: ref(\'my_upstream_model\')\n        rows:\n          - {tested_column: "longer_string_value"}\n    expect:\n      rows:\n        - {tested_column: "longer_string_value", col_len: 19}\n',
    });
    await p.run({ select: ['my_upstream_model'] });
    expectStatuses(await p.test({ select: ['my_model'] }), { test_my_model: 'pass' });
  });
});
