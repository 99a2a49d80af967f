import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter unit_testing/ as dbt-clickhouse runs it (tests/integration/adapter/unit_testing/):
 * test_case_insensitivity, test_invalid_input, test_quoted_reserved_word_column_names, test_types
 * (dbt-clickhouse's value list), test_missing_column_values (dbt-clickhouse's own), and the varchar
 * no-truncation regression.
 */
const MY_MODEL = "select\n    tested_column from {{ ref('my_upstream_model')}}\n";
const UPSTREAM = (v: string) => `select\n  ${v} as tested_column\n`;

describe('unit tests (dbt-tests-adapter unit_testing/)', () => {
  it('BaseUnitTestCaseInsensivity: fixture column names match whatever their case', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': MY_MODEL,
        'my_upstream_model.sql': UPSTREAM('1'),
        'unit_tests.yml': `unit_tests:
  - name: test_my_model
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
`,
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    await p.dbt(['test']);
  });

  it('BaseUnitTestInvalidInput: an unknown fixture column is named in the error', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': MY_MODEL,
        'my_upstream_model.sql': UPSTREAM('1'),
        'unit_tests.yml': `unit_tests:
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
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const a = await p.dbt(['test', '--select', 'test_name:test_invalid_input_column_name'], { expectPass: false });
    expect(a.out.join('\n')).toContain("Invalid column name: 'invalid_column_name' in unit test fixture for 'my_upstream_model'.");
    const b = await p.dbt(['test', '--select', 'test_name:test_invalid_expect_column_name'], { expectPass: false });
    expect(b.out.join('\n')).toContain("Invalid column name: 'invalid_column_name' in unit test fixture for expected output.");
  });

  it('BaseUnitTestQuotedReservedWordColumnNames: a column named GROUP, csv fixtures from tests/fixtures', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': "select\n    * from {{ ref('my_upstream_model')}}\n",
        'my_upstream_model.sql': 'select 1 as "GROUP"\n',
        'unit_tests.yml': `unit_tests:
  - name: test_my_model
    model: my_model
    given:
      - input: ref('my_upstream_model')
        format: csv
        fixture: input_fixture
    expect:
      format: csv
      fixture: expect_fixture
`,
      },
      tests: { 'fixtures/input_fixture.csv': '\nGROUP\n1\n2\n3\n', 'fixtures/expect_fixture.csv': '\nGROUP\n1\n2\n3\n' },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    await p.dbt(['test']);
  });

  it.each([
    ['1', '1'],
    ["'1'", '1'],
    ['true', 'true'],
    ["DATE '2020-01-02'", '2020-01-02'],
    ["TIMESTAMP '2013-11-03 00:00:00'", '2013-11-03 00:00:00'],
    ["'2023-10-29 01:30:00'::DateTime('UTC')", '2013-11-03 00:00:00'],
    ["'1'::numeric", '1'],
  ])('BaseUnitTestingTypes (dbt-clickhouse values): %s', async (sqlValue, yamlValue) => {
    const p = dbtProject({
      models: {
        'my_model.sql': MY_MODEL,
        'my_upstream_model.sql': UPSTREAM(sqlValue),
        'schema.yml': `unit_tests:\n  - name: test_my_model\n    model: my_model\n    given:\n      - input: ref('my_upstream_model')\n        rows:\n          - { tested_column: ${yamlValue} }\n    expect:\n      rows:\n        - { tested_column: ${yamlValue} }\n`,
      },
    });
    expect((await p.dbt(['run', '--select', 'my_upstream_model'])).results).toHaveLength(1);
    await p.dbt(['test', '--select', 'my_model']);
  });

  it('BaseUnitTestingVarcharFixtureNoTruncation: a fixture string longer than the column type is not cut', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': "select tested_column, length(tested_column) as col_len from {{ ref('my_upstream_model')}}\n",
        'my_upstream_model.sql': UPSTREAM("cast('short' as varchar(5))"),
        'schema.yml': `unit_tests:
  - name: test_my_model
    model: my_model
    given:
      - input: ref('my_upstream_model')
        rows:
          - {tested_column: "longer_string_value"}
    expect:
      rows:
        - {tested_column: "longer_string_value", col_len: 19}
`,
      },
    });
    await p.dbt(['run', '--select', 'my_upstream_model']);
    await p.dbt(['test', '--select', 'my_model']);
  });

  it('TestMissingColumnValues (dbt-clickhouse): input rows that omit a column of a typed model', async () => {
    const p = dbtProject({
      models: {
        'my_first_dbt_model.sql': "select 1 as id, 'a' AS foo\nunion all\nselect 2 as id, 'b' AS foo\n",
        'my_second_dbt_model.sql': "select *\nfrom {{ ref('my_first_dbt_model') }}\nwhere id = 1\n",
        'unit_tests.yml': `version: 2
models:
  - name: my_first_dbt_model
    columns:
      - name: id
        data_type: uint64
      - name: foo
        data_type: string
  - name: my_second_dbt_model
    columns:
      - name: id
        data_type: uint64
      - name: foo
        data_type: string
unit_tests:
  - name: test_not_null
    model: my_second_dbt_model
    given:
      - input: ref('my_first_dbt_model')
        rows:
          - {id: 1}
          - {id: 2}
    expect:
      rows:
        - {id: 1}
`,
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    await p.dbt(['test']);
  });
});

/*
 * dbt-tests-adapter unit_testing/test_pseudocolumns.py (BasePseudocolumnUnitTest): a fixture may give
 * a column the input relation does not list when the adapter's get_pseudocolumns_for_relation offers
 * it. Upstream mocks that method; ClickHouse has real ones — a MergeTree table's virtual columns
 * (`_part`, `_partition_id`…) — so the model reads `_part` and the fixture gives it.
 */
describe('unit tests with pseudocolumns (dbt-tests-adapter unit_testing/test_pseudocolumns.py)', () => {
  const files = (columnInRow: string) => ({
    'my_model.sql': "\nselect\n    id,\n    _part as pseudocolumn_value\nfrom {{ source('test_source', 'external_table') }}\n",
    'sources.yml': `\nsources:\n  - name: test_source\n    schema: "{{ target.schema }}"\n    tables:\n      - name: external_table\n        columns:\n          - name: id\n\nunit_tests:\n  - name: test_pseudocolumn_support\n    model: my_model\n    given:\n      - input: source('test_source', 'external_table')\n        rows:\n          - {id: 1, ${columnInRow}: 'test_value'}\n    expect:\n      rows:\n        - {id: 1, pseudocolumn_value: 'test_value'}\n`,
  });

  it("BasePseudocolumnUnitTest: a fixture gives the input's virtual column _part", async () => {
    const p = dbtProject({ seeds: { 'external_table.csv': 'id\n1\n2\n3\n' }, models: files('_part') });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    const r = await p.dbt(['test', '--select', 'test_type:unit']);
    expect(r.results.map((x) => x.status)).toEqual(['pass']);
  });

  it('a column that is neither listed nor virtual is still an invalid fixture column', async () => {
    const p = dbtProject({ seeds: { 'external_table.csv': 'id\n1\n2\n3\n' }, models: files('not_a_column') });
    await p.dbt(['seed']);
    const r = await p.dbt(['test', '--select', 'test_type:unit'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Invalid column name: 'not_a_column' in unit test fixture for 'external_table'");
  });
});

