import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/context_methods (test_cli_var_override.py, test_var_in_generate_name.py),
 * ref_override/test_ref_override.py and selected_resources/test_selected_resources.py, ported as
 * written (the `::varchar` cast is ClickHouse's too).
 */
const OVERRIDE_SCHEMA = `version: 2
models:
- name: test_vars
  columns:
  - name: field
    data_tests:
    - accepted_values:
        values:
        - override
`;
const TEST_VARS = `select '{{ var("required") }}'::varchar as field\n`;

describe('var precedence (context_methods/test_cli_var_override.py)', () => {
  it.each([
    ['global', 'vars:\n  required: present\n'],
    ['project-scoped', 'vars:\n  test:\n    required: present\n'],
  ])('TestCLIVarOverride: --vars beats a %s dbt_project.yml var', async (_, projectConfig) => {
    const p = dbtProject({ models: { 'schema.yml': OVERRIDE_SCHEMA, 'test_vars.sql': TEST_VARS }, projectConfig });
    await p.dbt(['run', '--vars', '{required: override}']);
    await p.dbt(['test']);
    expect(await p.query('select field from {schema}.test_vars')).toEqual([{ field: 'override' }]);
  });
});

describe('var() in generate_schema_name (context_methods/test_var_in_generate_name.py)', () => {
  it('TestMissingVarGenerateNameMacro: a missing var fails compile; a global or project-scoped var passes', async () => {
    const p = dbtProject({
      models: { 'model.sql': 'select 1 as id\n' },
      macros: {
        'generate_names.sql': `{% macro generate_schema_name(custom_schema_name, node) -%}
    {% do var('somevar') %}
    {% do return(dbt.generate_schema_name(custom_schema_name, node)) %}
{%- endmacro %}
`,
      },
    });
    const r = await p.dbt(['compile'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Required var 'somevar' not found in config");
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\nconfig-version: 2\nvars:\n  somevar: 1\n' });
    await p.dbt(['compile']);
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\nconfig-version: 2\nvars:\n  test:\n    somevar: 1\n' });
    await p.dbt(['compile']);
  });
});

describe('ref() overridden by a project macro (ref_override/test_ref_override.py)', () => {
  it('TestRefOverride: builtins.ref(...).replace_path(identifier=...)', async () => {
    const p = dbtProject({
      models: { 'ref_override.sql': "select\n    *\nfrom {{ ref('seed_1') }}\n" },
      macros: {
        'ref_override_macro.sql': `-- Macro to override ref and always return the same result
{% macro ref(modelname) %}
{% do return(builtins.ref(modelname).replace_path(identifier='seed_2')) %}
{% endmacro %}
`,
      },
      seeds: { 'seed_2.csv': 'a,b\n6,2\n12,4\n18,6', 'seed_1.csv': 'a,b\n1,2\n2,4\n3,6' },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await expectRelationsEqual(p, ['ref_override', 'seed_2']);
  });

  it('TestAdvancedRefOverride: varargs/kwargs ref override forwarding package and version', async () => {
    const p = dbtProject({
      models: {
        'version_ref_override.sql': "select\n    *\nfrom {{ ref('versioned_model', version=1) }}\n",
        'package_ref_override.sql': "select\n    *\nfrom {{ ref('package', 'versioned_model') }}\n",
        'package_version_ref_override.sql': "select\n    *\nfrom {{ ref('package', 'versioned_model', version=1) }}\n",
        'versioned_model_v1.sql': 'select 1\n',
        'versioned_model_v2.sql': 'select 2\n',
        'model.sql': 'select 1\n',
        'schema.yml': 'models:\n  - name: versioned_model\n    versions:\n      - v: 1\n      - v: 2\n',
      },
      macros: {
        'ref_override_macro.sql': `-- Macro to override ref and always return the same result
{% macro ref() %}
-- extract user-provided positional and keyword arguments
{% set version = kwargs.get('version') %}
{% set packagename = none %}
{%- if (varargs | length) == 1 -%}
    {% set modelname = varargs[0] %}
{%- else -%}
    {% set packagename = varargs[0] %}
    {% set modelname = varargs[1] %}
{% endif %}

{%- set version_override = 2 -%}
{%- set packagename_override = 'test' -%}
-- call builtins.ref based on provided positional arguments
{% if packagename is not none %}
    {% do return(builtins.ref(packagename_override, modelname, version=version_override)) %}
{% else %}
    {% do return(builtins.ref(modelname, version=version_override)) %}
{% endif %}

{% endmacro %}
`,
      },
    });
    await p.dbt(['run']);
    await expectRelationsEqual(p, ['version_ref_override', 'versioned_model_v2']);
    await expectRelationsEqual(p, ['package_ref_override', 'versioned_model_v2']);
    await expectRelationsEqual(p, ['package_version_ref_override', 'versioned_model_v2']);
  });
});

describe('selected_resources (selected_resources/test_selected_resources.py)', () => {
  const project = () =>
    dbtProject({
      macros: {
        'assert_selected_models_expected_list.sql': `
{% macro assert_selected_models_expected_list(expected_list) %}

  {% if execute and (expected_list is not none) %}

    {% set sorted_selected_resources = selected_resources | sort %}
    {% set sorted_expected_list = expected_list | sort %}

    {% if sorted_selected_resources != sorted_expected_list %}
      {{ exceptions.raise_compiler_error("FAIL: sorted_selected_resources" ~ sorted_selected_resources ~ " is different from " ~ sorted_expected_list) }}
    {% endif %}

  {% endif %}

{% endmacro %}
`,
      },
      models: { 'model1.sql': 'select 1 as id\n', 'model2.sql': "select * from {{ ref('model1') }}\n" },
      snapshots: {
        'my_snapshot.sql': `
{% snapshot cc_all_snapshot %}
    {{ config(
        check_cols='all', unique_key='id', strategy='check',
        target_database=database, target_schema=schema
    ) }}
    select * from {{ ref('model2') }}
{% endsnapshot %}
`,
      },
      projectConfig: `on-run-start: "{{ assert_selected_models_expected_list(var('expected_list',None)) }}"\n`,
    });

  it('TestSelectedResources: build/run/test with and without selectors', async () => {
    const p = project();
    await p.dbt(['build']);
    await p.dbt(['build', '--select', 'model1+', '--vars', '{"expected_list": ["model.test.model1", "model.test.model2", "snapshot.test.cc_all_snapshot"]}']);
    await p.dbt(['build', '--select', 'model2+', '--vars', '{"expected_list": ["model.test.model2", "snapshot.test.cc_all_snapshot"]}']);
    await p.dbt(['run', '--select', 'model1+', '--vars', '{"expected_list": ["model.test.model2", "model.test.model1"]}']);
    await p.dbt(['build', '--vars', '{"expected_list": ["model.test.model1", "model.test.model2", "snapshot.test.cc_all_snapshot"]}']);
    const none = await p.dbt(['build', '--select', 'model_that_does_not_exist', '--vars', '{"expected_list": []}']);
    expect(none.results).toEqual([]);
    const tests = await p.dbt(['test', '--select', 'model1+', '--vars', '{"expected_list": []}']);
    expect(tests.results).toEqual([]);
  });
});
