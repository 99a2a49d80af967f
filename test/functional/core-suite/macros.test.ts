import { describe, expect, it } from 'vitest';
import { dbtProject, statusByName } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/macros/test_macros.py: macro naming, dispatch without a destination,
 * overriding a built-in adapter macro (in the project, as `<adapter>__`, through a package in the
 * dispatch search order, or not when the search order is `dbt` only), a misnamed dispatch
 * namespace, and the removed adapter_macro. `postgres__` is `clickhouse__` here.
 */
const OVERRIDE_MODEL = `
{% set result = adapter.get_columns_in_relation(this) %}
{% if execute and result != 'a string' %}
  {% do exceptions.raise_compiler_error('overriding get_columns_in_relation failed') %}
{% endif %}
select 1 as id
`;
const GET_COLUMNS = "\n{% macro get_columns_in_relation(relation) %}\n    {{ return('a string') }}\n{% endmacro %}\n";
const ADAPTER_GET_COLUMNS = "\n{% macro clickhouse__get_columns_in_relation(relation) %}\n    {{ return('a string') }}\n{% endmacro %}\n";
const text = (r: { out: string[] }) => r.out.join('\n');

describe('macros (macros/test_macros.py)', () => {
  it('TestMacrosNamedMaterialization: a macro named materialization_macro is an ordinary macro', async () => {
    const p = dbtProject({ models: { 'models_materialization_macro.sql': '\n{{\n    materialization_macro()\n}}\n' }, macros: { 'macros_named_materialization.sql': '\n{% macro materialization_macro() %}\n    select 1 as foo\n{% endmacro %}\n' } });
    await p.dbt(['run']);
  });

  it('TestInvalidMacros: models calling macros that do not exist fail', async () => {
    const p = dbtProject({ models: { 'local_macro.sql': '\n{{\n    do_something2("arg1", "arg2")\n}}\n', 'ref_macro.sql': '\nselect * from {{ with_ref() }}\n' } });
    await p.dbt(['run'], { expectPass: false });
  });

  // dbt parses with a callable Undefined (clients/jinja.py create_undefined): an unknown macro or an
  // uninstalled package's macro fails the node calling it when it runs, not the whole parse.
  it('an unknown macro fails only the node calling it; a disabled model calling one is never an error', async () => {
    const p = dbtProject({
      models: {
        'bad.sql': 'select {{ not_a_macro("x") }} as a',
        'no_package.sql': "select {{ dbt_utils.generate_surrogate_key(['a']) }} as k from {{ ref('good') }}",
        'good.sql': 'select 1 as a',
        'child.sql': "select a from {{ ref('bad') }}",
        'disabled.sql': "{{ config(enabled=false) }}\nselect {{ fivetran_utils.missing() }} as a",
      },
    });
    const ls = await p.dbt(['ls', '--resource-type', 'model']);
    expect(ls.out.join('\n').split('\n').filter((l) => l.startsWith('test.')).sort()).toEqual(['test.bad', 'test.child', 'test.good', 'test.no_package']);
    const r = await p.dbt(['run'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ bad: 'error', no_package: 'error', good: 'success', child: 'skipped' });
    const messages = Object.fromEntries(r.results.map((x) => [x.unique_id, x.message]));
    expect(messages['model.test.bad']).toContain("Macro 'not_a_macro' not found");
    expect(messages['model.test.no_package']).toContain("'dbt_utils' is undefined");
    expect(await p.query('SELECT a FROM {schema}.good')).toEqual([{ a: 1 }]);
  });

  it('TestAdapterMacroNoDestination: dispatch to a macro with no implementation', async () => {
    const p = dbtProject({
      models: { 'model.sql': '\n{{ dispatch_to_nowhere() }}\nselect 1 as id\n' },
      macros: { 'my_macros.sql': "\n{% macro dispatch_to_nowhere() %}\n       {% set macro = adapter.dispatch('dispatch_to_nowhere') %}\n       {{ macro() }}\n{% endmacro %}\n" },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(text(r)).toContain("In dispatch: No macro named 'dispatch_to_nowhere' found");
  });

  it('TestMacroOverrideBuiltin: a project get_columns_in_relation replaces adapter.get_columns_in_relation', async () => {
    const p = dbtProject({ models: { 'model.sql': OVERRIDE_MODEL }, macros: { 'macros.sql': GET_COLUMNS } });
    await p.dbt(['run']);
    await p.dbt(['run']);
  });

  it('TestMacroOverridePackage: a project clickhouse__get_columns_in_relation wins by default', async () => {
    const p = dbtProject({ models: { 'model.sql': OVERRIDE_MODEL }, macros: { 'macros.sql': ADAPTER_GET_COLUMNS } });
    await p.dbt(['run']);
    await p.dbt(['run']);
  });

  it('TestMacroNotOverridePackage: dispatch search_order [dbt] ignores the project macro', async () => {
    const p = dbtProject({ models: { 'model.sql': OVERRIDE_MODEL }, macros: { 'macros.sql': ADAPTER_GET_COLUMNS }, projectConfig: 'dispatch:\n  - macro_namespace: dbt\n    search_order: [dbt]\n' });
    await p.dbt(['run'], { expectPass: false });
    await p.dbt(['run'], { expectPass: false });
  });

  it('TestDispatchMacroOverrideBuiltin: a local package in the dbt search order overrides the built-in', async () => {
    const p = dbtProject({
      models: { 'model.sql': OVERRIDE_MODEL },
      macros: { 'macros.sql': GET_COLUMNS },
      projectConfig: 'dispatch:\n  - macro_namespace: dbt\n    search_order: [test, package_macro_overrides, dbt]\n',
      files: {
        'packages.yml': 'packages:\n  - local: ./package_macro_overrides\n',
        'package_macro_overrides/dbt_project.yml': "name: 'package_macro_overrides'\nversion: '1.0'\nconfig-version: 2\n\nprofile: 'default'\n\nmacro-paths: [\"macros\"]\n",
        'package_macro_overrides/macros/macros.sql': "{% macro get_columns_in_relation(relation) %}\n\t{{ return('a string') }}\n{% endmacro %}\n",
      },
    });
    await p.dbt(['deps']);
    await p.dbt(['run']);
    await p.dbt(['run']);
  });

  it('TestMisnamedMacroNamespace: dispatch to a namespace that is not the package', async () => {
    const p = dbtProject({
      models: { 'my_model.sql': '\nselect {{ test_utils.cowsay() }} as cowsay\n' },
      files: {
        'packages.yml': 'packages:\n  - local: test_utils\n',
        'test_utils/dbt_project.yml': "\nname: 'test_utils'\nversion: '1.0'\nconfig-version: 2\n\nprofile: 'default'\n\nmacro-paths: [\"macros\"]\n",
        'test_utils/macros/cowsay.sql': "\n{% macro cowsay() %}\n  {{ return(adapter.dispatch('cowsay', 'farm_utils')()) }}\n{%- endmacro %}\n\n{% macro default__cowsay() %}\n  'moo'\n{% endmacro %}\n",
      },
    });
    await p.dbt(['deps']);
    const r = await p.dbt(['run'], { expectPass: false });
    expect(text(r)).toContain("In dispatch: No macro named 'cowsay' found");
  });

  it('TestAdapterMacroDeprecated: adapter_macro is gone, with dbt\'s message', async () => {
    const p = dbtProject({
      models: { 'model.sql': "\n{% if some_macro('foo', 'bar') != 'foobar' %}\n  {% do exceptions.raise_compiler_error('invalid foobar') %}\n{% endif %}\nselect 1 as id\n" },
      macros: { 'macro.sql': "\n{% macro some_macro(arg1, arg2) -%}\n    {{ adapter_macro('some_macro', arg1, arg2) }}\n{%- endmacro %}\n" },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(text(r)).toContain('The "adapter_macro" macro has been deprecated');
  });
});
