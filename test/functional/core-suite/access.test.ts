import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/access/test_access.py: TestAccessDbtProjectConfig (+group/+access by
 * folder), TestGenericTestRestrictAccess (generic tests of a private model under restrict-access),
 * TestUnrestrictedPackageAccess and TestRestrictedPackageAccess (a package's protected or private
 * model referenced from the root project; the package here is a one-model stand-in for
 * dbt-integration-project, which upstream gets from git).
 */
const GROUPS = '\ngroups:\n  - name: analytics\n    owner:\n      name: analytics_owner\n  - name: marts\n    owner:\n      name: marts_owner\n';
const PACKAGE_PROJECT = (restrict: boolean) => `
name: dbt_integration_project
version: '1.0'
config-version: 2

model-paths: ["models"]
profile: user
${restrict ? 'restrict-access: true\n' : ''}
models:
  dbt_integration_project:
`;
const PACKAGE = (restrict: boolean, schema: string) => ({
  'dbt_integration_project/dbt_project.yml': PACKAGE_PROJECT(restrict),
  'dbt_integration_project/models/table_model.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
  'dbt_integration_project/models/schema.yml': schema,
  'dbt_integration_project/models/groups.yml': 'version: 2\ngroups:\n  - name: package\n    owner:\n      name: package_owner\n',
  'packages.yml': 'packages:\n  - local: dbt_integration_project\n',
});
const PROTECTED = '\nversion: 2\nmodels:\n- name: table_model\n  access: protected\n';
const REF_PACKAGE_MODEL = "\n   select * from {{ ref('dbt_integration_project', 'table_model') }}\n";

describe('access (access/test_access.py)', () => {
  it('TestAccessDbtProjectConfig: +group and +access by folder in dbt_project.yml', async () => {
    const p = dbtProject({
      models: { 'model_one.sql': 'select 1 as fun', 'subdir_one/model_two.sql': 'select 1 as fun', 'subdir_two/model_three.sql': 'select 1 as fun', 'groups.yml': GROUPS },
      projectConfig: 'models:\n  test:\n    subdir_one:\n      +group: analytics\n      +access: private\n    subdir_two:\n      +group: marts\n      +access: public\n',
    });
    await p.dbt(['parse']);
    const nodes = p.readJson('target/manifest.json').nodes;
    const of = (n: string) => [nodes[`model.test.${n}`].group ?? null, nodes[`model.test.${n}`].access];
    expect([of('model_one'), of('model_two'), of('model_three')]).toEqual([[null, 'protected'], ['analytics', 'private'], ['marts', 'public']]);
  });

  it('TestGenericTestRestrictAccess: generic tests of a private model run under restrict-access', async () => {
    const p = dbtProject({
      models: {
        'models.yml': '\nmodels:\n  - name: accounts\n    description: >\n      All accounts with whom we have done business. This is a very sensitive asset.\n    access: private\n    group: sales\n\n    columns:\n      - name: name\n        description: Name of the account.\n        tests:\n          - not_null\n          - unique\n\ngroups:\n  - name: sales\n    owner:\n      name: sales_owner\n',
        'accounts.sql': "\nselect 'Jane' as name\n",
      },
      projectConfig: 'restrict-access: true\n',
    });
    await p.dbt(['run']);
    expect((await p.dbt(['test'])).results.map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  it("TestUnrestrictedPackageAccess: a package's protected model is ref'd when the package does not restrict access", async () => {
    const p = dbtProject({ models: { 'ref_protected_package_model.sql': REF_PACKAGE_MODEL }, files: PACKAGE(false, PROTECTED) });
    await p.dbt(['deps']);
    await p.dbt(['parse']);
    const manifest = p.readJson('target/manifest.json');
    expect(Object.keys(manifest.nodes)).toHaveLength(2);
    expect(manifest.nodes['model.test.ref_protected_package_model'].depends_on.nodes).toEqual(['model.dbt_integration_project.table_model']);
  });

  it("TestRestrictedPackageAccess (test_restricted_protected_ref): a restricting package's protected model is a reference error", async () => {
    const p = dbtProject({ models: { 'ref_package_model.sql': REF_PACKAGE_MODEL, 'schema.yml': '\nversion: 2\nmodels:\n- name: ref_package_model\n  group: package\n' }, files: PACKAGE(true, PROTECTED) });
    await p.dbt(['deps']);
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain("attempted to reference node model.dbt_integration_project.table_model, which is not allowed because the referenced node is protected to the 'dbt_integration_project' project");
  });
});
