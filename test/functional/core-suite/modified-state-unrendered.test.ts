import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/defer_state/test_modified_state_vars.py, test_modified_state_jinja.py
 * and test_modified_state_environment_vars.py: a config written with var(), env_var() or a Jinja
 * expression — in config(), schema YAML or dbt_project.yml — compared by state:modified. With the
 * flag `state_modified_compare_more_unrendered_values: true` dbt compares the configs as written:
 * a changed var or env var is no change, a changed expression is. Upstream fixtures as written.
 */
const MODEL_VAR = "\n{{ config(materialized=var('DBT_TEST_STATE_MODIFIED')) }}\nselect 1 as id\n";
const MODEL_ENV = "\n{{ config(materialized=env_var('DBT_TEST_STATE_MODIFIED')) }}\nselect 1 as id\n";
const MODEL_PLAIN = '\nselect 1 as id\n';
const MODEL_JINJA = "\n{{ config(\n    materialized = ('table' if execute else 'view')\n) }}\n\nselect 1 as id\n";
const MODEL_JINJA_UPDATED = "\n{{ config(\n    materialized = ('view' if execute else 'table')\n) }}\n\nselect 1 as id\n";
const YML_ENV = "\nmodels:\n  - name: model\n    config:\n      materialized: \"{{ env_var('DBT_TEST_STATE_MODIFIED') }}\"\n\n";
const YML_JINJA = "\nmodels:\n  - name: model\n    config:\n      materialized: \"{{ ('table' if execute else 'view') }}\"\n";
const YML_JINJA_UPDATED = "\nmodels:\n  - name: model\n    config:\n      materialized: \"{{ ('view' if execute else 'table') }}\"\n";
const FLAG = (on: boolean) => `flags:\n  state_modified_compare_more_unrendered_values: ${on ? 'True' : 'False'}\n`;
const PROJECT_MATERIALIZED = (expr: string) => `models:\n  test:\n    +materialized: "${expr}"\n`;

function copyState(p: DbtProject): void {
  mkdirSync(join(p.dir, 'state'), { recursive: true });
  copyFileSync(join(p.dir, 'target/manifest.json'), join(p.dir, 'state/manifest.json'));
}
async function modified(p: DbtProject, extra: string[] = []): Promise<string[]> {
  const r = await p.dbt(['list', '-s', 'state:modified', '--state', './state', ...extra]);
  return r.out.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('test.'));
}

afterEach(() => {
  delete process.env.DBT_TEST_STATE_MODIFIED;
});

describe('state:modified of configs written with var/env_var/Jinja (defer_state/test_modified_state_{vars,jinja,environment_vars}.py)', () => {
  for (const legacy of [true, false])
    it(`TestStateSelectionVarConfig${legacy ? 'Legacy' : ''}: a changed --vars value is ${legacy ? 'a change (legacy)' : 'no change'}`, async () => {
      const p = dbtProject({ models: { 'model.sql': MODEL_VAR }, projectConfig: FLAG(!legacy) });
      await p.dbt(['run', '--vars', 'DBT_TEST_STATE_MODIFIED: view']);
      copyState(p);
      expect(await modified(p, ['--vars', 'DBT_TEST_STATE_MODIFIED: view'])).toEqual([]);
      expect(await modified(p, ['--vars', 'DBT_TEST_STATE_MODIFIED: table'])).toHaveLength(legacy ? 1 : 0);
    });

  const jinjaCases: [string, Record<string, string>, string, Record<string, string>][] = [
    ['TestModelNodeWithJinjaConfigInSqlFile', { 'model.sql': MODEL_JINJA }, FLAG(true), { 'models/model.sql': MODEL_JINJA_UPDATED }],
    ['TestModelNodeWithEnvVarConfigInSchemaYml (jinja)', { 'model.sql': MODEL_PLAIN, 'schema.yml': YML_JINJA }, FLAG(true), { 'models/schema.yml': YML_JINJA_UPDATED }],
    ['TestModelNodeWithJinjaConfigInProjectYml', { 'model.sql': MODEL_PLAIN }, PROJECT_MATERIALIZED("{{ ('table' if execute else 'view') }}"), { 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\n${PROJECT_MATERIALIZED("{{ ('view' if execute else 'table') }}")}` }],
    ['TestModelNodeWithJinjaConfigInProjectYmlAndSchemaYml', { 'model.sql': MODEL_PLAIN, 'schema.yml': YML_JINJA }, FLAG(true) + PROJECT_MATERIALIZED("{{ ('view' if execute else 'table') }}"), { 'models/schema.yml': YML_JINJA_UPDATED }],
    ['TestModelNodeWithJinjaConfigInSqlAndSchemaYml', { 'model.sql': MODEL_JINJA, 'schema.yml': YML_JINJA }, FLAG(true), { 'models/model.sql': MODEL_JINJA_UPDATED }],
  ];
  for (const [name, models, projectConfig, update] of jinjaCases)
    it(`${name}: parsed with execute false (view); a changed expression is a change`, async () => {
      const p = dbtProject({ models, projectConfig });
      await p.dbt(['run']);
      copyState(p);
      expect(p.readJson('target/manifest.json').nodes['model.test.model'].config.materialized).toBe('view');
      expect(await modified(p)).toEqual([]);
      p.write(update);
      expect(await modified(p)).toHaveLength(1);
    });

  const envCases: [string, Record<string, string>, string][] = [
    ['TestModelNodeWithEnvVarConfigInSqlFile', { 'model.sql': MODEL_ENV }, FLAG(true)],
    ['TestModelNodeWithEnvVarConfigInSchemaYml', { 'model.sql': MODEL_PLAIN, 'schema.yml': YML_ENV }, FLAG(true)],
    ['TestModelNodeWithEnvVarConfigInProjectYml', { 'model.sql': MODEL_PLAIN }, PROJECT_MATERIALIZED("{{ env_var('DBT_TEST_STATE_MODIFIED') }}")],
    ['TestModelNodeWithEnvVarConfigInProjectYmlAndSchemaYml', { 'model.sql': MODEL_PLAIN, 'schema.yml': YML_ENV }, FLAG(true) + PROJECT_MATERIALIZED("{{ env_var('DBT_TEST_STATE_MODIFIED') }}")],
    ['TestModelNodeWithEnvVarConfigInSqlAndSchemaYml', { 'model.sql': MODEL_ENV, 'schema.yml': YML_ENV }, FLAG(true)],
  ];
  for (const [name, models, projectConfig] of envCases)
    it(`${name}: a changed environment variable is no change`, async () => {
      process.env.DBT_TEST_STATE_MODIFIED = 'table';
      const p = dbtProject({ models, projectConfig });
      await p.dbt(['run']);
      copyState(p);
      expect(await modified(p)).toEqual([]);
      process.env.DBT_TEST_STATE_MODIFIED = 'view';
      expect(await modified(p)).toEqual([]);
    });
});
