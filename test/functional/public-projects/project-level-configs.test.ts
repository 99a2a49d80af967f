import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openedPerTest } from '../../helpers/inline-project.js';

/** dbt_project.yml config trees real projects use besides `models:` (dbt's functional tests/sources/test_source_configs.py). */
const setup = openedPerTest();

describe('project-level configs', () => {
  it("applies the project file's `sources:` tree (enabled with or without +, tags, meta) under the YAML's own config", () => {
    const { project: p } = setup({
      'project.yml': `name: proj
profile: proj
sources:
  proj:
    +tags: [raw]
    shop:
      enabled: false
    crm:
      +meta: {owner: sales}
      accounts:
        +tags: [pii]
`,
      'models/src.yml': `sources:
  - name: shop
    tables: [{name: orders}]
  - name: crm
    tables:
      - name: accounts
      - name: leads
        config: {meta: {owner: marketing}}
`,
      'models/a.sql': "select 1 as id",
    });
    const sources = [...p.manifest.nodes.values()].filter((n) => n.resourceType === 'source');
    expect(sources.map((s) => s.uniqueId).sort()).toEqual(['source.proj.crm.accounts', 'source.proj.crm.leads']);
    const accounts = p.manifest.nodes.get('source.proj.crm.accounts')!;
    expect([...accounts.tags].sort()).toEqual(['pii', 'raw']);
    expect(accounts.config.meta).toEqual({ owner: 'sales' });
    expect(p.manifest.nodes.get('source.proj.crm.leads')!.config.meta).toEqual({ owner: 'marketing' });
    expect(p.select({ select: ['tag:pii'] })).toEqual(['source.proj.crm.accounts']);
  });

  it('compile writes unit tests (dbt compiles them too): the model over its fixtures against the expected rows', async () => {
    const { p, project } = setup({
      'models/a.sql': 'select toInt32(1) as id',
      'models/b.sql': "select id * 2 as doubled from {{ ref('a') }}",
      'models/b.yml': "unit_tests:\n  - name: doubles\n    model: b\n    given: [{input: \"ref('a')\", rows: [{id: 21}]}]\n    expect: {rows: [{doubled: 42}]}\n",
    });
    const compiled = await project.compile();
    const unit = compiled.find((c) => c.node.name === 'doubles')!;
    expect(unit.path).toBe(join(p.dir, 'target/compiled/proj/models/b.yml/doubles.sql'));
    const sql = readFileSync(unit.path, 'utf8');
    expect(sql).toContain("'actual' as actual_or_expected");
    expect(sql).toMatch(/CAST\(21, 'Int32'\) as `id`/);
    expect(sql).toMatch(/42/);
  });

  it('a ref to a Python model (models/x.py) loads: the Python model is a node (language python), its parent of the ref', () => {
    const { project: p } = setup({
      'models/scored.py': "def model(dbt, session):\n    return dbt.ref('a')\n",
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('scored') }}",
    });
    expect(p.manifest.nodes.get('model.proj.scored')).toMatchObject({ language: 'python', dependsOn: ['model.proj.a'] });
    expect(p.manifest.nodes.get('model.proj.b')!.dependsOn).toEqual(['model.proj.scored']);
  });
});
