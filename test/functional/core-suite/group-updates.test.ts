import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/defer_state/test_group_updates.py: a renamed group with
 * `build -s state:modified --defer --state` builds the models whose SQL changed (a group change
 * alone is no config change: dbt's CompareBehavior.Exclude for group and tags), each with its new
 * group; a model naming a group nobody declares is dbt's "Invalid group". And
 * test_unrendered_config.py: a generic test's unrendered_config is what the project set for tests.
 */
const F = {
  seed_csv: 'id,name\n1,Alice\n2,Bob\n',
  model_1_sql: "\nselect * from {{ ref('seed') }}\n",
  modified_model_1_sql: "\nselect * from  {{ ref('seed') }}\norder by 1\n",
  model_2_sql: "\nselect id from  {{ ref('model_1') }}\n",
  modified_model_2_sql: "\nselect * from  {{ ref('model_1') }}\norder by 1\n",
  group_schema_yml: '\ngroups:\n  - name: finance\n    owner:\n      email: finance@jaffleshop.com\n\nmodels:\n  - name: model_1\n    config:\n      group: finance\n  - name: model_2\n    config:\n      group: finance\n',
  group_modified_schema_yml: '\ngroups:\n  - name: accounting\n    owner:\n      email: finance@jaffleshop.com\nmodels:\n  - name: model_1\n    config:\n      group: accounting\n  - name: model_2\n    config:\n      group: accounting\n',
  group_modified_fail_schema_yml: '\ngroups:\n  - name: finance\n    owner:\n      email: finance@jaffleshop.com\nmodels:\n  - name: model_1\n    config:\n      group: accounting\n  - name: model_2\n    config:\n      group: finance\n',
};

async function groupSetup(): Promise<DbtProject> {
  const p = dbtProject({ models: { 'model_1.sql': F.model_1_sql, 'model_2.sql': F.model_2_sql, 'schema.yml': F.group_schema_yml }, seeds: { 'seed.csv': F.seed_csv } });
  await p.dbt(['seed']);
  await p.dbt(['compile']);
  const nodes = p.readJson('target/manifest.json').nodes;
  expect([nodes['model.test.model_1'].group, nodes['model.test.model_2'].group]).toEqual(['finance', 'finance']);
  mkdirSync(join(p.dir, 'state'));
  copyFileSync(join(p.dir, 'target/manifest.json'), join(p.dir, 'state/manifest.json'));
  return p;
}
const groupOf = (p: DbtProject, id: string) => p.readJson('target/manifest.json').nodes[id].group;

describe('groups and state (defer_state/test_group_updates.py)', () => {
  it('TestFullyModifiedGroups: both models changed, both built with the new group', async () => {
    const p = await groupSetup();
    p.write({ 'models/model_1.sql': F.modified_model_1_sql, 'models/model_2.sql': F.modified_model_2_sql, 'models/schema.yml': F.group_modified_schema_yml });
    await p.dbt(['clean']);
    const r = await p.dbt(['build', '-s', 'state:modified', '--defer', '--state', './state']);
    expect(r.results.map((x) => x.unique_id)).toEqual(['model.test.model_1', 'model.test.model_2']);
    expect([groupOf(p, 'model.test.model_1'), groupOf(p, 'model.test.model_2')]).toEqual(['accounting', 'accounting']);
  });

  it('TestPartiallyModifiedGroups: a group rename alone is no change; the model whose SQL changed is built', async () => {
    const p = await groupSetup();
    p.write({ 'models/model_1.sql': F.modified_model_1_sql, 'models/schema.yml': F.group_modified_schema_yml });
    await p.dbt(['clean']);
    const r = await p.dbt(['build', '-s', 'state:modified', '--defer', '--state', './state']);
    expect(r.results.map((x) => x.unique_id)).toEqual(['model.test.model_1']);
    expect(groupOf(p, 'model.test.model_1')).toBe('accounting');
  });

  it('TestBadGroups: a group nobody declares is "Invalid group"', async () => {
    const p = await groupSetup();
    p.write({ 'models/model_1.sql': F.modified_model_1_sql, 'models/schema.yml': F.group_modified_fail_schema_yml });
    await p.dbt(['clean']);
    const r = await p.dbt(['build', '-s', 'state:modified', '--defer', '--state', './state'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/Invalid group 'accounting'/);
  });

  it('a tag change alone is no config change either (CompareBehavior.Exclude)', async () => {
    const p = await groupSetup();
    p.write({ 'models/schema.yml': F.group_schema_yml.replace('group: finance\n  - name: model_2', 'group: finance\n      tags: [x]\n  - name: model_2') });
    const r = await p.dbt(['ls', '-s', 'state:modified', '--state', './state']);
    expect(r.out.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('test.'))).toEqual([]);
  });
});

describe('test_unrendered_config.py (TestGenericTestUnrenderedConfig)', () => {
  it("a generic test's unrendered_config holds the project's tests: config", async () => {
    const p = dbtProject({
      models: { 'foo.sql': '\nselect 1 as id\n', 'schema.yml': '\nmodels:\n  - name: foo\n    columns:\n      - name: id\n        tests:\n          - unique\n' },
      projectConfig: '\nmodels:\n  my_dbt_project:\n    +materialized: table\n\ntests:\n  +store_failures: true\n',
    });
    await p.dbt(['parse']);
    expect(p.readJson('target/manifest.json').nodes['test.test.unique_foo_id.fa8c520a2e'].unrendered_config).toEqual({ store_failures: true });
  });
});
