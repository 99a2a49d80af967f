import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/context_methods/test_yaml_functions.py (TestContextVars),
 * test_var_dependency.py (TestVarDependencyInheritance, TestVarConfigDependencyInheritance, with
 * first_dependency.py's package) and tests/functional/test_singular_tests.py
 * (TestSingularTestWarnError), ported as written.
 */
const FROM_YAML = `
{% set simplest = (fromyaml('a: 1') == {'a': 1}) %}
{% set nested_data %}
a:
  b:
   - c: 1
     d: 2
   - c: 3
     d: 4
{% endset %}
{% set nested = (fromyaml(nested_data) == {'a': {'b': [{'c': 1, 'd': 2}, {'c': 3, 'd': 4}]}}) %}

(select 'simplest' as name {% if simplest %}limit 0{% endif %})
union all
(select 'nested' as name {% if nested %}limit 0{% endif %})
`;
const TO_YAML = `
{% set simplest = (toyaml({'a': 1}) == 'a: 1\\n') %}
{% set default_sort = (toyaml({'b': 2, 'a': 1}) == 'b: 2\\na: 1\\n') %}
{% set unsorted = (toyaml({'b': 2, 'a': 1}, sort_keys=False) == 'b: 2\\na: 1\\n') %}
{% set sorted = (toyaml({'b': 2, 'a': 1}, sort_keys=True) == 'a: 1\\nb: 2\\n') %}
{% set default_results = (toyaml({'a': adapter}, 'failed') == 'failed') %}

(select 'simplest' as name {% if simplest %}limit 0{% endif %})
union all
(select 'default_sort' as name {% if default_sort %}limit 0{% endif %})
union all
(select 'unsorted' as name {% if unsorted %}limit 0{% endif %})
union all
(select 'sorted' as name {% if sorted %}limit 0{% endif %})
union all
(select 'default_results' as name {% if default_results %}limit 0{% endif %})
`;

describe('fromyaml / toyaml (context_methods/test_yaml_functions.py)', () => {
  it('TestContextVars: each comparison holds (every test selects no row)', async () => {
    const p = dbtProject({ tests: { 'from_yaml.sql': FROM_YAML, 'to_yaml.sql': TO_YAML } });
    const r = await p.dbt(['test']);
    expect(r.results).toHaveLength(2);
    expect(r.results.map((x) => x.status)).toEqual(['pass', 'pass']);
  });
});

const FIRST_DEP_PROJECT = `
name: 'first_dep'
version: '1.0'
config-version: 2

profile: 'default'

model-paths: ["models"]
analysis-paths: ["analyses"]
test-paths: ["tests"]
seed-paths: ["seeds"]
macro-paths: ["macros"]

require-dbt-version: '>=0.1.0'

target-path: "target"  # directory which will store compiled SQL files
clean-targets:         # directories to be removed by \`dbt clean\`
    - "target"
    - "dbt_packages"

vars:
  first_dep:
    first_dep_global: 'first_dep_global_value_overridden'
    test_config_root_override: 'configured_from_dependency'
    test_config_package: 'configured_from_dependency'

seeds:
  quote_columns: True

`;
const PACKAGES = 'packages:\n- local: first_dependency\n';

describe('vars across a package (context_methods/test_var_dependency.py)', () => {
  it('TestVarDependencyInheritance: the root project\'s vars, global and scoped to each project', async () => {
    const p = dbtProject({
      seeds: { 'root_model_expected.csv': 'first_dep_global,from_root\ndep_never_overridden,root_root_value\n' },
      models: { 'inside/model.sql': `\nselect\n    '{{ var("first_dep_override") }}' as first_dep_global,\n    '{{ var("from_root_to_root") }}' as from_root\n\n` },
      projectConfig: `vars:
  first_dep_override: dep_never_overridden
  test:
    from_root_to_root: root_root_value
  first_dep:
    from_root_to_first: root_first_value
`,
      files: {
        'packages.yml': PACKAGES,
        'first_dependency/dbt_project.yml': FIRST_DEP_PROJECT,
        'first_dependency/models/nested/first_dep_model.sql': `\nselect\n    '{{ var("first_dep_global") }}' as first_dep_global,\n    '{{ var("from_root_to_first") }}' as from_root\n`,
        'first_dependency/seeds/first_dep_expected.csv': 'first_dep_global,from_root\nfirst_dep_global_value_overridden,root_first_value\n',
      },
    });
    await p.dbt(['deps']);
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    await expectRelationsEqual(p, ['root_model_expected', 'model']);
    await expectRelationsEqual(p, ['first_dep_expected', 'first_dep_model']);
  });

  it('TestVarConfigDependencyInheritance: a root var overrides the package\'s in its YAML config', async () => {
    const p = dbtProject({
      projectConfig: 'vars:\n  test_config_root_override: configured_from_root\n',
      files: {
        'packages.yml': PACKAGES,
        'first_dependency/dbt_project.yml': FIRST_DEP_PROJECT,
        'first_dependency/models/nested/first_dep_model.sql': `
select
    '{{ config.get("test_config_root_override") }}' as test_config_root_override,
    '{{ config.get("test_config_package") }}' as test_config_package
`,
        'first_dependency/models/nested/schema.yml': `
models:
- name: first_dep_model
  config:
    test_config_root_override: "{{ var('test_config_root_override') }}"
    test_config_package: "{{ var('test_config_package') }}"
`,
        'first_dependency/seeds/first_dep_expected.csv': 'test_config_root_override,test_config_package\nconfigured_from_root,configured_from_dependency\n',
      },
    });
    await p.dbt(['deps']);
    await p.dbt(['seed']);
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['first_dep_expected', 'first_dep_model']);
  });
});

describe('a singular test under --warn-error (test_singular_tests.py)', () => {
  const SINGLE_TEST = `\n{{ config(warn_if = '>0', error_if ="> 10") }}\n\nselect 1 as issue\n`;
  it('TestSingularTestWarnError: a warning test fails under --warn-error and under error: all, with one status', async () => {
    const p = dbtProject({ tests: { 'single_test.sql': SINGLE_TEST } });
    const warnError = await p.dbt(['--warn-error', 'test'], { expectPass: false });
    expect(warnError.results[0]!.status).toBe('fail');
    const options = await p.dbt(['--warn-error-options', "{'error': 'all'}", 'test'], { expectPass: false });
    expect(options.results[0]!.status).toBe('fail');
    expect(options.results[0]!.status).toBe(warnError.results[0]!.status);
    // Without either flag the test warns and the command passes.
    expect((await p.dbt(['test'])).results[0]!.status).toBe('warn');
  });
});
