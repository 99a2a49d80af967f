import { describe, expect, it } from 'vitest';
import { openedPerTest } from '../../helpers/inline-project.js';

/** dbt's groups and access modifiers (dbt-core tests/functional/access, show's private_model_yml). */
const setup = openedPerTest();

const GROUPS = "groups:\n  - name: finance\n    owner: {name: me}\n  - name: ops\n    owner: {email: o@x.io}\n";

describe('groups and access', () => {
  it('lets a private model be read by its own group and by tests; access may be a top-level property', () => {
    const { project: p } = setup({
      'models/private_model.sql': 'select 1 as id',
      'models/same_group.sql': "select id from {{ ref('private_model') }}",
      'models/schema.yml': `${GROUPS}models:
  - name: private_model
    access: private
    config: {group: finance}
    columns:
      - name: id
        data_tests: [not_null]
  - name: same_group
    config: {group: finance}
`,
    });
    expect(p.manifest.nodes.get('model.proj.private_model')!.config.access).toBe('private');
    expect(p.select({ select: ['access:private'], resourceTypes: ['model'] })).toEqual(['model.proj.private_model']);
  });

  it('fails like dbt when another group refs a private model, on an undeclared group and on private without a group', () => {
    const base = { 'models/private_model.sql': 'select 1 as id', 'models/other.sql': "select id from {{ ref('private_model') }}" };
    expect(() => setup({ ...base, 'models/schema.yml': `${GROUPS}models:\n  - name: private_model\n    access: private\n    config: {group: finance}\n  - name: other\n    config: {group: ops}\n` })).toThrow(
      /Node model\.proj\.other attempted to reference node model\.proj\.private_model, which is not allowed because the referenced node is private to the 'finance' group/,
    );
    expect(() => setup({ ...base, 'models/schema.yml': `${GROUPS}models:\n  - name: other\n    config: {group: marketing}\n` })).toThrow(/Invalid group 'marketing' on model 'other', expected one of \['finance', 'ops'\]/);
    expect(() => setup({ ...base, 'models/schema.yml': 'models:\n  - name: private_model\n    access: private\n' })).toThrow(/is private but in no group/);
    expect(() => setup({ ...base, 'models/schema.yml': 'models:\n  - name: other\n    access: secret\n' })).toThrow(/Invalid access type 'secret'/);
  });
});
