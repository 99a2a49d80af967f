import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/context_methods/test_cli_vars.py: --vars as YAML (long form, shorthand,
 * lists and dicts), vars in profiles.yml and selectors.yml, and secret vars scrubbed from
 * run_results.json's args. The `::varchar` casts are ClickHouse's too. The JSON-log event checks
 * of TestCLIVarsScrubbing are left out (tsdbt's --log-format json has other event names).
 */
const COMPLEX_SCHEMA = `
version: 2
models:
- name: complex_model
  columns:
  - name: var_1
    data_tests:
    - accepted_values:
        values:
        - abc
  - name: var_2
    data_tests:
    - accepted_values:
        values:
        - def
  - name: var_3
    data_tests:
    - accepted_values:
        values:
        - jkl
`;
const COMPLEX_MODEL = `
select
    '{{ var("variable_1") }}'::varchar as var_1,
    '{{ var("variable_2")[0] }}'::varchar as var_2,
    '{{ var("variable_3")["value"] }}'::varchar as var_3
`;
const SIMPLE_SCHEMA = `
version: 2
models:
- name: simple_model
  columns:
  - name: simple
    data_tests:
    - accepted_values:
        values:
        - abc
`;
const SIMPLE_MODEL = `
select
    '{{ var("simple") }}'::varchar as simple
`;
const REALLY_SIMPLE = "\nselect 'abc' as simple\n";

describe('--vars (context_methods/test_cli_vars.py)', () => {
  it('TestCLIVars: long-form YAML with a list and a dict', async () => {
    const p = dbtProject({ models: { 'schema.yml': COMPLEX_SCHEMA, 'complex_model.sql': COMPLEX_MODEL } });
    // yaml.dump of the upstream dict.
    const vars = 'variable_1: abc\nvariable_2:\n- def\n- ghi\nvariable_3:\n  value: jkl\n';
    expect((await p.dbt(['run', '--vars', vars])).results).toHaveLength(1);
    expect((await p.dbt(['test', '--vars', vars])).results).toHaveLength(3);
  });

  it('TestCLIVarsSimple: shorthand and flow mappings; run_results.json args.vars', async () => {
    const p = dbtProject({ models: { 'schema.yml': SIMPLE_SCHEMA, 'simple_model.sql': SIMPLE_MODEL } });
    expect((await p.dbt(['run', '--vars', 'simple: abc'])).results).toHaveLength(1);
    expect((await p.dbt(['test', '--vars', 'simple: abc'])).results).toHaveLength(1);
    expect((await p.dbt(['run', '--vars', '{simple: abc, unused: def}'])).results).toHaveLength(1);
    expect((await p.dbt(['test', '--vars', '{simple: abc, unused: def}'])).results).toHaveLength(1);
    expect(p.readJson('target/run_results.json').args.vars).toEqual({ simple: 'abc', unused: 'def' });
  });

  it('TestCLIVarsProfile: a var in profiles.yml needs --vars', async () => {
    const p = dbtProject({ models: { 'schema.yml': SIMPLE_SCHEMA, 'simple_model.sql': REALLY_SIMPLE } });
    const profile = readFileSync(join(p.dir, 'profiles.yml'), 'utf8');
    p.write({ 'profiles.yml': profile.replace(/schema: .*/, `schema: "{{ var('db_schema') }}"`) });
    await p.dbt(['run'], { expectPass: false });
    expect((await p.dbt(['run', '--vars', `db_schema: ${p.schema}`])).results).toHaveLength(1);
  });

  it('TestCLIVarsSelectors: a var in selectors.yml (a default selector) needs --vars', async () => {
    const selector = (value: string) => `
selectors:
  - name: dev_defer_snapshots
    default: "${value}"
    definition:
      method: fqn
      value: '*'
      exclude:
        - method: config.materialized
          value: snapshot
`;
    const p = dbtProject({ models: { 'schema.yml': SIMPLE_SCHEMA, 'simple_model.sql': REALLY_SIMPLE }, files: { 'selectors.yml': selector("{{ target.name == 'dev' | as_bool }}") } });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    p.write({ 'selectors.yml': selector("{{ var('snapshot_target') == 'dev' | as_bool }}") });
    await p.dbt(['run'], { expectPass: false });
    expect((await p.dbt(['run', '--vars', 'snapshot_target: dev'])).results).toHaveLength(1);
  });

  it('TestCLIVarsScrubbing: a DBT_ENV_SECRET_ var is ***** in run_results.json args', async () => {
    const p = dbtProject({ models: { 'schema.yml': SIMPLE_SCHEMA, 'simple_model.sql': '\nselect\n    \'{{ var("DBT_ENV_SECRET_simple") }}\'::varchar as simple\n' } });
    expect((await p.dbt(['run', '--vars', '{DBT_ENV_SECRET_simple: abc, unused: def}'])).results).toHaveLength(1);
    expect(p.readJson('target/run_results.json').args.vars).toEqual({ DBT_ENV_SECRET_simple: '*****', unused: 'def' });
  });
});
