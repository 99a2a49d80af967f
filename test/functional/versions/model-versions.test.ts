import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/** dbt 1.5 model versions: two versions of dim_customers, v2 the latest unless said otherwise. */
const VERSIONED = {
  'models/dim_customers_v1.sql': "select 1 as id, 'a' as name, 'x' as country",
  'models/dim_customers_v2.sql': "select 1 as id, 'a' as full_name",
  'models/uses_latest.sql': "select * from {{ ref('dim_customers') }}",
  'models/uses_v1.sql': "select * from {{ ref('dim_customers', v=1) }}",
  'models/uses_version_kw.sql': "{% set r = ref('dim_customers', version=1) %}select * from {{ r }}",
  'models/schema.yml': `version: 2
models:
  - name: dim_customers
    description: customers
    config:
      materialized: table
    columns:
      - name: id
        data_tests: [not_null]
      - name: name
      - name: country
    versions:
      - v: 1
      - v: 2
        description: v2 renames name
        columns:
          - include: all
            exclude: [name, country]
          - name: full_name
`,
};

describe('model versions (dbt 1.5)', () => {
  it('builds each version as <name>_v<v> and resolves ref() to the latest, v= and version= to a pinned one', async () => {
    const { p, project } = setup(VERSIONED);
    const ids = [...project.manifest.nodes.keys()].filter((id) => id.startsWith('model.proj.dim_customers'));
    expect(ids.sort()).toEqual(['model.proj.dim_customers.v1', 'model.proj.dim_customers.v2']);
    const v2 = project.node('model.proj.dim_customers.v2');
    expect(v2.name).toBe('dim_customers');
    expect(v2.fqn).toEqual(['proj', 'dim_customers', 'v2']);
    expect(v2.relation.identifier).toBe('dim_customers_v2');
    expect(project.node('model.proj.uses_latest').dependsOn).toEqual(['model.proj.dim_customers.v2']);
    expect(project.node('model.proj.uses_v1').dependsOn).toEqual(['model.proj.dim_customers.v1']);
    expect(project.node('model.proj.uses_version_kw').dependsOn).toEqual(['model.proj.dim_customers.v1']);

    const result = await project.build();
    expect(result.success, result.results.map((r) => `${r.node.uniqueId}: ${r.message}`).join('\n')).toBe(true);
    const cols = async (t: string) => (await queryRows<{ name: string }>(project, `DESCRIBE TABLE \`${p.schema}\`.\`${t}\``)).map((r) => r.name);
    expect(await cols('dim_customers_v1')).toEqual(['id', 'name', 'country']);
    expect(await cols('dim_customers_v2')).toEqual(['id', 'full_name']);
    expect(await cols('uses_latest')).toEqual(['id', 'full_name']);
    expect(await cols('uses_v1')).toEqual(['id', 'name', 'country']);
  });

  it("gives each version the model's columns per include/exclude, and its tests named after the version", async () => {
    const { project } = setup(VERSIONED);
    expect(Object.keys(project.node('model.proj.dim_customers.v1').columns)).toEqual(['id', 'name', 'country']);
    expect(Object.keys(project.node('model.proj.dim_customers.v2').columns)).toEqual(['id', 'full_name']);
    expect(project.node('model.proj.dim_customers.v2').description).toBe('v2 renames name');
    expect(project.node('model.proj.dim_customers.v1').description).toBe('customers');
    // dbt's generic test builder: the target name of a version is `<name>_v<v>`.
    const tests = [...project.manifest.nodes.values()].filter((n) => n.resourceType === 'test').map((n) => n.name).sort();
    expect(tests).toEqual(['not_null_dim_customers_v1_id', 'not_null_dim_customers_v2_id']);
    const t = [...project.manifest.nodes.values()].find((n) => n.name === 'not_null_dim_customers_v1_id')!;
    expect(t.dependsOn).toEqual(['model.proj.dim_customers.v1']);
  });

  it('honours latest_version (a newer version is a prerelease ref() does not pick) and the version: selector', async () => {
    const files = { ...VERSIONED, 'models/schema.yml': VERSIONED['models/schema.yml'].replace('    versions:', '    latest_version: 1\n    versions:') };
    const { project } = setup(files);
    expect(project.node('model.proj.uses_latest').dependsOn).toEqual(['model.proj.dim_customers.v1']);
    const models = (select: string) => project.select({ select: [select], resourceTypes: ['model'] });
    expect(models('version:latest')).toEqual(['model.proj.dim_customers.v1']);
    expect(models('version:prerelease')).toEqual(['model.proj.dim_customers.v2']);
    expect(models('version:old')).toEqual([]);
    expect(project.select({ select: ['version:none'], resourceTypes: ['model'] }).sort()).toEqual(['model.proj.uses_latest', 'model.proj.uses_v1', 'model.proj.uses_version_kw']);
    expect(() => project.select({ select: ['version:newest'] })).toThrow(/Invalid version type selector newest/);
  });

  it('finds the latest version in <name>.sql and another version through defined_in; an alias config wins', async () => {
    const { p, project } = setup({
      'models/orders.sql': 'select 2 as v',
      'models/legacy_orders.sql': "{{ config(alias='orders_old') }}select 1 as v",
      'models/schema.yml': `version: 2
models:
  - name: orders
    versions:
      - v: 2
      - v: 1
        defined_in: legacy_orders
`,
    });
    expect(project.node('model.proj.orders.v2').originalFilePath).toBe('models/orders.sql');
    expect(project.node('model.proj.orders.v2').relation.identifier).toBe('orders_v2');
    expect(project.node('model.proj.orders.v1').relation.identifier).toBe('orders_old');
    const result = await project.run();
    expectStatuses(result, { orders: 'success' });
    const rows = await queryRows<{ v: number }>(project, `SELECT v FROM \`${p.schema}\`.orders_old UNION ALL SELECT v FROM \`${p.schema}\`.orders_v2 ORDER BY v`);
    expect(rows.map((r) => Number(r.v))).toEqual([1, 2]);
  });

  it('writes version, latest_version and pinned refs to manifest.json', async () => {
    const { p, project } = setup(VERSIONED);
    await project.compile();
    const manifest = JSON.parse(readFileSync(join(p.dir, 'target', 'manifest.json'), 'utf8'));
    const v1 = manifest.nodes['model.proj.dim_customers.v1'];
    expect([v1.version, v1.latest_version, v1.alias]).toEqual([1, 2, 'dim_customers_v1']);
    expect(manifest.nodes['model.proj.uses_v1'].refs).toEqual([{ name: 'dim_customers', package: null, version: '1' }]);
  });

  it('fails a ref to a version that does not exist, naming the versions there are', () => {
    expect(() => setup({ ...VERSIONED, 'models/bad.sql': "select * from {{ ref('dim_customers', v=3) }}" })).toThrow(/version 3 of 'dim_customers'[\s\S]*/);
    try {
      setup({ ...VERSIONED, 'models/bad.sql': "select * from {{ ref('dim_customers', v=3) }}" });
    } catch (e) {
      expect((e as { hint?: string }).hint).toMatch(/1, 2|v1, v2/);
    }
  });

  it('rejects latest_version that is not a listed version and duplicate versions, with the YAML line', () => {
    const bad = (yml: string) => () => setup({ 'models/m_v1.sql': 'select 1', 'models/schema.yml': yml });
    expect(bad('version: 2\nmodels:\n  - name: m\n    latest_version: 3\n    versions:\n      - v: 1\n')).toThrow(/latest_version: 3 is not one of model 'm' versions/);
    expect(bad('version: 2\nmodels:\n  - name: m\n    versions:\n      - v: 1\n      - v: 1\n')).toThrow(/duplicate version: '1'/);
  });
});
