import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter grants/test_invalid_grants.py (BaseInvalidGrants) with dbt-clickhouse's
 * expected errors: tsdbt issues real GRANT statements after a build (as dbt-clickhouse's
 * apply_grants), so the server's own error fails the model. The embedded engine has no users
 * besides `default` (no access management), so any grantee is unknown there: Code 511. The
 * grant/revoke sequence of BaseModelGrants needs three users on a server: it is replayed on a
 * recording server in test/unit/adapter/grants.test.ts.
 */
const INVALID_USER = 'version: 2\nmodels:\n  - name: my_invalid_model\n    config:\n      materialized: table\n      grants:\n        select: [\'invalid_user\']\n';
const INVALID_PRIVILEGE = 'version: 2\nmodels:\n  - name: my_invalid_model\n    config:\n      materialized: table\n      grants:\n        fake_privilege: ["{{ env_var(\'DBT_TEST_USER_2\', \'user_2\') }}"]\n';

describe('grants (dbt-tests-adapter grants/)', () => {
  it("BaseInvalidGrants: an unknown grantee fails the model with ClickHouse's 511, an unknown privilege with a syntax error", async () => {
    const p = dbtProject({ models: { 'my_invalid_model.sql': '\n  select 1 as fun\n', 'schema.yml': INVALID_USER } });
    const user = await p.dbt(['--debug', 'run'], { expectPass: false });
    expect(user.out.join('\n')).toContain('511');
    expect(user.results.map((r) => r.status)).toEqual(['error']);

    p.write({ 'models/schema.yml': INVALID_PRIVILEGE });
    const privilege = await p.dbt(['--debug', 'run'], { expectPass: false });
    expect(privilege.out.join('\n')).toContain('Syntax error');
  });

  it('a model without grants, or with empty ones, builds (nothing to grant)', async () => {
    const p = dbtProject({
      projectConfig: 'models:\n  test:\n    +grants: {}\n',
      models: { 'a.sql': 'select 1 as x\n', 'b.sql': "{{ config(grants={'select': []}) }}\nselect 2 as x\n" },
    });
    expect((await p.dbt(['run'])).results.map((r) => r.status)).toEqual(['success', 'success']);
  });
});
