import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/context_methods/test_builtin_functions.py: set/set_strict, zip/zip_strict,
 * invocation_args_dict and dbt_metadata_envs in a run-operation's logs; set_strict/zip_strict of a
 * non-iterable fail the parse. (Logs read from the console lines, not dbt's JSON log format.)
 */
const MACROS = {
  'validate_set.sql': `
{% macro validate_set() %}
    {% set set_result = set([1, 2, 2, 3, 'foo', False]) %}
    {{ log("set_result: " ~ set_result) }}
    {% set set_strict_result = set_strict([1, 2, 2, 3, 'foo', False]) %}
    {{ log("set_strict_result: " ~ set_strict_result) }}
{% endmacro %}
`,
  'validate_zip.sql': `
{% macro validate_zip() %}
    {% set list_a = [1, 2] %}
    {% set list_b = ['foo', 'bar'] %}
    {% set zip_result = zip(list_a, list_b) | list %}
    {{ log("zip_result: " ~ zip_result) }}
    {% set zip_strict_result = zip_strict(list_a, list_b) | list %}
    {{ log("zip_strict_result: " ~ zip_strict_result) }}
{% endmacro %}
`,
  'validate_invocation.sql': `
{% macro validate_invocation(my_variable) %}
    -- check a specific value
    {{ log("use_colors: "~ invocation_args_dict['use_colors']) }}
    -- whole dictionary (as string)
    {{ log("invocation_result: "~ invocation_args_dict) }}
{% endmacro %}
`,
  'validate_dbt_metadata_envs.sql': `
{% macro validate_dbt_metadata_envs() %}
    {{ log("dbt_metadata_envs_result:"~ dbt_metadata_envs) }}
{% endmacro %}
`,
};
const text = (r: { out: string[] }) => r.out.join('\n');

describe('builtin functions (context_methods/test_builtin_functions.py)', () => {
  it('TestContextBuiltins: set, zip, invocation_args_dict, dbt_metadata_envs', async () => {
    const p = dbtProject({ macros: MACROS });
    const set = text(await p.dbt(['--debug', 'run-operation', 'validate_set']));
    expect(set).toContain('set_result: ');
    expect(set).toContain('False');
    expect(set).toContain('set_strict_result: ');
    const zip = text(await p.dbt(['--debug', 'run-operation', 'validate_zip']));
    expect(zip).toContain("zip_result: [(1, 'foo'), (2, 'bar')]");
    expect(zip).toContain("zip_strict_result: [(1, 'foo'), (2, 'bar')]");
    const inv = text(await p.dbt(['--debug', 'run-operation', 'validate_invocation', '--args', '{my_variable: test_variable}']));
    expect(inv).toContain('use_colors: True');
    for (const element of ["'macro': 'validate_invocation'", "'args': {'my_variable': 'test_variable'}", "'which': 'run-operation'"]) expect(inv).toContain(element);
    const saved = { ...process.env };
    try {
      process.env.DBT_ENV_CUSTOM_ENV_RUN_ID = '1234';
      process.env.DBT_ENV_CUSTOM_ENV_JOB_ID = '5678';
      process.env.DBT_ENV_RUN_ID = '91011';
      const envs = text(await p.dbt(['--debug', 'run-operation', 'validate_dbt_metadata_envs']));
      expect(envs).toContain("dbt_metadata_envs_result:{'RUN_ID': '1234', 'JOB_ID': '5678'}");
    } finally {
      for (const k of ['DBT_ENV_CUSTOM_ENV_RUN_ID', 'DBT_ENV_CUSTOM_ENV_JOB_ID', 'DBT_ENV_RUN_ID']) if (saved[k] === undefined) delete process.env[k];
    }
  });

  it('TestContextBuiltinExceptions: set_strict / zip_strict of a non-iterable fail compile', async () => {
    const p = dbtProject({ models: { 'raise.sql': '\n{% set set_strict_result = set_strict(1) %}\n' } });
    expect((await p.dbt(['compile'], { expectPass: false })).code).not.toBe(0);
    p.write({ 'models/raise.sql': '\n{% set zip_strict_result = zip_strict(1) %}\n' });
    expect((await p.dbt(['compile'], { expectPass: false })).code).not.toBe(0);
  });
});
