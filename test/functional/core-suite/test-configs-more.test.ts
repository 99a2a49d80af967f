import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/schema_tests/test_custom_test_config.py (TestCustomDataTestConfig,
 * TestMixedDataTestConfig, TestSameKeyErrorDataTestConfig) and unit_testing/test_ut_macros.py
 * (TestMacroWithoutComposition, TestMacroComposition), test_ut_variables.py (TestUnitTestOneVariables,
 * TestUnitTestTwoVariables), test_ut_versioned_parse_order.py (TestUnitTestVersionedModelParseOrder).
 * Upstream's `unlogged: True` store_failures table (Postgres' relpersistence 'u') is a config key here:
 * ClickHouse has no unlogged tables, the port checks the key and the stored table.
 */
const CUSTOM_CONFIG_YML = `
models:
  - name: table
    columns:
      - name: color
        data_tests:
          - accepted_values:
              values: ['blue', 'red']
              config:
                custom_config_key: some_value
          - custom_color_from_config:
              severity: error
              config:
                test_color: orange
                store_failures: true
                unlogged: True
          - not_null:
              config:
                not_null_key: abc
`;
const MIXED_CONFIG_YML = `
models:
  - name: table
    columns:
      - name: color
        data_tests:
          - accepted_values:
              values: ['blue', 'red']
              config:
                custom_config_key: some_value
                severity: warn
          - custom_color_from_config:
              severity: error
              config:
                test_color: blue
`;
const SAME_KEY_ERROR_YML = `
models:
  - name: table
    columns:
      - name: color
        data_tests:
          - accepted_values:
              values: ['blue', 'red']
              severity: warn
              config:
                severity: error
`;
const SEED_CSV = `id,color,value
1,blue,10
2,red,20
3,green,30
4,yellow,40
5,blue,50
6,red,60
7,blue,70
8,green,80
9,yellow,90
10,blue,100`;
const TABLE_SQL = "\n-- content of the table.sql\nselect * from {{ ref('seed') }}\n";
const CUSTOM_COLOR = `
{% test custom_color_from_config(model, column_name) %}
    select * from {{ model }}
    where color = '{{ config.get('test_color') }}'
{% endtest %}
`;

type Manifest = { nodes: Record<string, { config: Record<string, unknown>; alias?: string; schema?: string }> };
const testNode = (m: Manifest, pattern: RegExp) => {
  const id = Object.keys(m.nodes).find((k) => pattern.test(k));
  expect(id, `a node matching ${pattern}`).toBeDefined();
  return m.nodes[id!]!;
};

describe('generic test configs (schema_tests/test_custom_test_config.py)', () => {
  it('TestCustomDataTestConfig: custom config keys on tests; the YAML beats dbt_project.yml data_tests:', async () => {
    const p = dbtProject({ seeds: { 'seed.csv': SEED_CSV }, macros: { 'custom_color_from_config.sql': CUSTOM_COLOR }, models: { 'table.sql': TABLE_SQL, 'custom_config.yml': CUSTOM_CONFIG_YML } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await p.dbt(['test'], { expectPass: false });
    let m = p.readJson<Manifest>('target/manifest.json');
    expect(testNode(m, /^test\.test\.accepted_values_table_color__blue__red\.\d+/).config.custom_config_key).toBe('some_value');
    const color = testNode(m, /^test\.test\.custom_color_from_config/);
    expect(color.config.test_color).toBe('orange');
    expect(color.config.unlogged).toBe(true);
    // store_failures: the failing rows (none are orange: an empty table) are stored under the test's name.
    const stored = await p.query<{ name: string }>(`select name from system.tables where database = '{schema}_dbt_test__audit' and name like 'custom_color_from_config_table_color%'`);
    expect(stored).toHaveLength(1);
    expect(testNode(m, /^test\.test\.not_null/).config.not_null_key).toBe('abc');

    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\nconfig-version: 2\ndata_tests:\n  test_color: blue\n  some_key: strange\n  not_null_key: def\n' });
    await p.dbt(['parse']);
    m = p.readJson<Manifest>('target/manifest.json');
    expect(testNode(m, /^test\.test\.custom_color_from_config/).config.test_color).toBe('orange');
    expect(testNode(m, /^test\.test\.custom_color_from_config/).config.some_key).toBe('strange');
    expect(testNode(m, /^test\.test\.not_null/).config.not_null_key).toBe('abc');
    await p.query('drop database if exists `{schema}_dbt_test__audit`');
  });

  it('TestMixedDataTestConfig: severity inside config: with a custom key', async () => {
    const p = dbtProject({ seeds: { 'seed.csv': SEED_CSV }, macros: { 'custom_color_from_config.sql': CUSTOM_COLOR }, models: { 'table.sql': TABLE_SQL, 'mixed_config.yml': MIXED_CONFIG_YML } });
    await p.dbt(['seed']);
    await p.dbt(['parse']);
    const node = testNode(p.readJson<Manifest>('target/manifest.json'), /^test\.test\.accepted_values_table_color__blue__red\.\d+/);
    expect(node.config.custom_config_key).toBe('some_value');
    expect(node.config.severity).toBe('warn');
  });

  it('TestSameKeyErrorDataTestConfig: a key at the top level and in config: is a compilation error', async () => {
    const p = dbtProject({ models: { 'table.sql': TABLE_SQL, 'same_key_error.yml': SAME_KEY_ERROR_YML } });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Test cannot have the same key at the top-level and in config');
  });
});

const UT_YML = `
unit_tests:
  - name: my_unit_test
    model: my_model
    given: []
    expect:
      rows:
        - {id: 1}
`;
const MACROS_ONE_TWO = `
{% macro macro_one() -%}
    {{ return(1) }}
{%- endmacro %}
{% macro macro_two() -%}
    {{ return(2) }}
{%- endmacro %}
`;
const GET_COLUMNS = `
{%- macro get_columns(include=[]) -%}
    {%- for col in include -%}
        {{ col }}{% if not loop.last %}, {% endif %}
    {%- endfor -%}
{%- endmacro -%}
`;
const UT_VARS = `
vars:
  columns_list_one:
    - column_a
    - column_b

  columns_list_two:
    - column_c
`;

describe('unit tests of models calling macros (unit_testing/test_ut_macros.py, test_ut_variables.py)', () => {
  it.each([
    ['TestMacroWithoutComposition', "\n{{ config(materialized='table') }}\n{% set one = macro_one() %}\n{% set two = macro_two() %}\nselect 1 as id\n", false],
    ['TestMacroComposition', "\n{{ config(materialized='table') }}\n{% set one = macro_one() %}\n{% set two = macro_two() %}\n{% set one_plus_two = one + two %}\nselect 1 as id\n", true],
  ])('%s', async (_, model, runFirst) => {
    const p = dbtProject({ models: { 'my_model.sql': model, 'my_unit_test.yml': UT_YML }, macros: { 'my_macros.sql': MACROS_ONE_TWO } });
    if (runFirst) expect((await p.dbt(['run'])).results).toHaveLength(1);
    await p.dbt(['test']);
  });

  it.each([
    ['TestUnitTestOneVariables', "\n{{ config(materialized='table') }}\n-- {{ get_columns(include=var('columns_list_one'))}}\nselect 1 as id\n", false],
    ['TestUnitTestTwoVariables', "\n{{ config(materialized='table') }}\n-- {{ get_columns(include=var('columns_list_one') + var('columns_list_two'))}}\nselect 1 as id\n", true],
  ])('%s: list vars passed to a macro', async (_, model, runFirst) => {
    const p = dbtProject({ models: { 'my_model.sql': model, 'my_unit_test.yml': UT_YML }, macros: { 'my_macros.sql': GET_COLUMNS }, projectConfig: UT_VARS });
    if (runFirst) expect((await p.dbt(['run'])).results).toHaveLength(1);
    await p.dbt(['test']);
  });
});

describe('unit tests of a versioned model (unit_testing/test_ut_versioned_parse_order.py)', () => {
  it.each([
    ['unit test file first', 'a_unit_test.yml', 'z_model_versions.yml'],
    ['versions file first', 'z_unit_test.yml', 'a_model_versions.yml'],
  ])('TestUnitTestVersionedModelParseOrder (%s): the unit test of version 2 is in the manifest', async (_, utFile, versionsFile) => {
    const p = dbtProject({
      models: {
        'my_model.sql': 'select 1 as id\n',
        'my_model_v2.sql': 'select 1 as id\n',
        [utFile]: `
unit_tests:
  - name: test_my_model
    model: my_model
    versions:
      include:
        - 2
    given: []
    expect:
      rows:
        - {id: 1}
`,
        [versionsFile]: `
models:
  - name: my_model
    latest_version: 1
    versions:
      - v: 2
        defined_in: my_model_v2
      - v: 1
        defined_in: my_model
        config:
          alias: my_model
`,
      },
    });
    await p.dbt(['parse']);
    expect(Object.keys(p.readJson<{ unit_tests: Record<string, unknown> }>('target/manifest.json').unit_tests)).toContain('unit_test.test.my_model.test_my_model_v2');
  });
});
