import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';
import { dbtProject, expectRelationsEqual } from '../adapter-suite/dbt-project.js';
import { BASE_CONFIG_PROJECT as BASE } from './config-fixtures.js';

/*
 * dbt-core tests/functional/configs/: test_configs.py (config layering: project tags appended, the
 * last config() call's materialization wins; a Jinja-rendered target-path; materialized set on
 * tests/seeds/snapshots rejected), test_disabled_configs.py (enabled from the target, as_bool /
 * as_number), test_disabled_model.py (enabled: false/true from YAML, dbt_project.yml and config(),
 * which wins; a ref to a disabled model; several disabled nodes with one unique id).
 */
const SNAPSHOT = "{% snapshot mysnapshot %}\n\n    {{\n        config(\n          target_schema='snapshots',\n          strategy='timestamp',\n          unique_key='id',\n          updated_at='updated_at'\n        )\n    }}\n\n    select * from dummy\n\n{% endsnapshot %}";

describe('configs (configs/test_configs.py, test_disabled_configs.py)', () => {
  it('TestConfigs.test_config_layering: project tags append, the last config() wins', async () => {
    const p = dbtProject({ ...BASE, projectConfig: 'models:\n  test:\n    tagged:\n      materialized: invalid\n      tags: ["tag_one"]\nseeds:\n  quote_columns: false\n' });
    expect((await p.dbt(['seed'])).results.length).toBe(1);
    expect((await p.dbt(['run', '--model', 'tag:tag_one'])).results.length).toBe(1);
    expect((await p.dbt(['run', '--model', 'tag:tag_two'])).results.length).toBe(1);
    expect((await p.dbt(['run', '--model', 'tag:tag_three'])).results.length).toBe(1);
    await expectRelationsEqual(p, ['seed', 'model']);
    expect((await p.relationTypes(['model'])).model).toBe('table');
  });

  it('TestTargetConfigs: a Jinja-rendered target-path (modules.datetime) holds the artifacts', async () => {
    const p = dbtProject({ ...BASE, projectConfig: "target-path: \"target_{{ modules.datetime.datetime.now(modules.pytz.timezone('Etc/UTC')).strftime('%Y%m%dT%H%M%S') }}\"\nseeds:\n  quote_columns: false\n" });
    await p.dbt(['seed']);
    const dirs = readdirSync(p.dir).filter((d) => d.startsWith('target_'));
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(/^target_\d{8}T\d{6}$/);
    expect(existsSync(join(p.dir, dirs[0]!, 'manifest.json'))).toBe(true);
  });

  it('a target-path rendered from --vars (dbt renders dbt_project.yml with the command\'s vars): each run writes where its vars say', async () => {
    const p = dbtProject({ ...BASE, projectConfig: "target-path: \"out_{{ var('suffix', 'default') }}\"\n" });
    await p.dbt(['parse', '--vars', '{suffix: a}'], { expectPass: null });
    await p.dbt(['parse'], { expectPass: null });
    await p.dbt(['parse', '--vars', '{suffix: a}'], { expectPass: null }); // a second run of the same vars (its warm start in out_a)
    expect(readdirSync(p.dir).filter((d) => d.startsWith('out_')).sort()).toEqual(['out_a', 'out_default']);
    for (const d of ['out_a', 'out_default']) expect(existsSync(join(p.dir, d, 'manifest.json'))).toBe(true);
  });

  for (const [name, c] of [
    ['TestInvalidTestsMaterializationProj', { projectConfig: 'data_tests:\n  materialized: table\n', tests: { 'test.sql': 'select * from foo' } }],
    ['TestInvalidSeedsMaterializationProj', { projectConfig: 'seeds:\n  materialized: table\n', seeds: { 'seed.csv': 'id1, id2\n1, 2' } }],
    ['TestInvalidSeedsMaterializationSchema', { seeds: { 'schema.yml': 'version: 2\nseeds:\n  - name: myseed\n    config:\n      materialized: table', 'myseed.csv': 'id1, id2\n1, 2' } }],
    ['TestInvalidSnapshotsMaterializationProj', { projectConfig: 'snapshots:\n  materialized: table\n', snapshots: { 'mysnapshot.sql': SNAPSHOT } }],
    ['TestInvalidSnapshotsMaterializationSchema', { snapshots: { 'schema.yml': 'version: 2\nsnapshots:\n  - name: mysnapshot\n    config:\n      materialized: table', 'mysnapshot.sql': SNAPSHOT } }],
  ] as const)
    it(`${name}: materialized on a ${name.includes('Tests') ? 'test' : name.includes('Seeds') ? 'seed' : 'snapshot'} is a parse error`, async () => {
      const p = dbtProject(c);
      const r = await p.dbt(['run'], { expectPass: false });
      expect(r.code).toBe(2);
      expect(r.out.join('\n')).toMatch(/materialized/i);
    });

  it('TestDisabledConfigs.test_conditional_model: enabled from the target name (as_bool), threads/port as_number', async () => {
    const p = dbtProject({
      ...BASE,
      projectConfig: `models:
  test:
    enabled: "{{ (target.name == 'default' | as_bool) }}"
vars:
  test:
    seed_name: seed
seeds:
  quote_columns: false
  test:
    seed:
      enabled: "{{ (target.name == 'default') | as_bool }}"
data_tests:
  test:
    enabled: "{{ (target.name == 'default') | as_bool }}"
    severity: WARN
`,
    });
    const output = (name: string) => `    ${name}:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${p.schema}\n      threads: "{{ (1 + 3) | as_number }}"\n`;
    p.write({ 'profiles.yml': `test:\n  target: default\n  outputs:\n${output('default')}${output('disabled')}` });
    expect((await p.dbt(['seed', '--target', 'disabled'])).results).toHaveLength(0);
    expect((await p.dbt(['run', '--target', 'disabled'])).results).toHaveLength(0);
    expect((await p.dbt(['test', '--target', 'disabled'])).results).toHaveLength(0);
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    expect((await p.dbt(['test'])).results).toHaveLength(5);
  });

  it('TestDisabledConfigsSameName: a disabled model and a disabled analysis of one name', async () => {
    const analysis = '\n{{\n    config(enabled=False)\n}}\nselect 1 as id\n';
    const p = dbtProject({
      models: { 'my_analysis.sql': analysis, 'schema.yml': 'models:\n  - name: my_analysis\n    description: "A Sample model"\n    config:\n        meta:\n          owner: Joe\n\nanalyses:\n  - name: my_analysis\n    description: "A sample analysis"\n    config:\n      enabled: false\n' },
      analyses: { 'my_analysis.sql': analysis },
    });
    await p.dbt(['parse']);
    const manifest = p.readJson('target/manifest.json');
    expect(Object.keys(manifest.disabled)).toHaveLength(2);
    expect(Object.keys(manifest.nodes)).toHaveLength(0);
  });
});

const MY_MODEL = '\nselect 1 as user\n';
const MY_MODEL_2 = "\nselect * from {{ ref('my_model') }}\n";
const MY_MODEL_3 = "\nselect * from {{ ref('my_model_2') }}\n";
const DISABLED = (sql: string) => `\n{{ config(enabled=false) }}${sql}`;
const ENABLED_2 = "\n{{ config(enabled=true) }}\nselect * from {{ ref('my_model') }}\n";
const ENABLED_3 = "\n{{ config(enabled=true) }}\nselect * from {{ ref('my_model') }}\n";
const schemaYml = (two: string | null, three: string | null) =>
  `\nversion: 2\nmodels:\n  - name: my_model\n  - name: my_model_2\n${two ? `    config:\n      enabled: ${two}\n` : ''}  - name: my_model_3\n${three ? `    config:\n      enabled: ${three}\n` : ''}`;
const folders = (n: number, two: string, three: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [[`folder_${i + 1}/my_model_2.sql`, two], [`folder_${i + 1}/my_model_3.sql`, three]]).flat());
const PROJECT_DISABLES = 'models:\n  test:\n    my_model_2:\n      enabled: false\n    my_model_3:\n      enabled: false\n';

async function parsed(c: Parameters<typeof dbtProject>[0]) {
  const p = dbtProject(c);
  await p.dbt(['parse']);
  const m = p.readJson('target/manifest.json') as { nodes: Record<string, { original_file_path: string }>; disabled: Record<string, { original_file_path: string }[]> };
  return { nodes: m.nodes, disabled: m.disabled };
}

describe('disabled models (configs/test_disabled_model.py)', () => {
  it('TestSchemaDisabledConfigs: refs between models all disabled in YAML parse', async () => {
    await parsed({ models: { 'schema.yml': schemaYml('false', 'false'), 'my_model.sql': MY_MODEL, 'my_model_2.sql': MY_MODEL_2, 'my_model_3.sql': MY_MODEL_3 } });
  });

  it('TestSchemaDisabledConfigsFailure: an enabled model ref-ing a disabled one fails "which is disabled"', async () => {
    const p = dbtProject({ models: { 'schema.yml': schemaYml('false', null), 'my_model.sql': MY_MODEL, 'my_model_2.sql': MY_MODEL_2, 'my_model_3.sql': MY_MODEL_3 } });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join(' ').split(/\s+/).join(' ')).toContain('which is disabled');
  });

  it('TestModelDisabledConfigs: models disabled by config() are in manifest.disabled', async () => {
    const { nodes, disabled } = await parsed({ models: { 'my_model.sql': MY_MODEL, 'my_model_2.sql': DISABLED(MY_MODEL_2), 'my_model_3.sql': DISABLED(MY_MODEL_3) } });
    expect(Object.keys(nodes)).not.toContain('model.test.my_model_2');
    expect(Object.keys(nodes)).not.toContain('model.test.my_model_3');
    expect(Object.keys(disabled)).toEqual(expect.arrayContaining(['model.test.my_model_2', 'model.test.my_model_3']));
  });

  for (const [name, c] of [
    ['TestOverrideProjectConfigsInYaml', { models: { 'schema.yml': schemaYml('True', null), 'my_model.sql': MY_MODEL, 'my_model_2.sql': MY_MODEL_2, 'my_model_3.sql': MY_MODEL_3 }, projectConfig: PROJECT_DISABLES }],
    ['TestOverrideProjectConfigsInSQL', { models: { 'my_model.sql': MY_MODEL, 'my_model_2.sql': ENABLED_2, 'my_model_3.sql': MY_MODEL_3 }, projectConfig: PROJECT_DISABLES }],
    ['TestOverrideFalseYAMLConfigsInSQL', { models: { 'schema.yml': schemaYml('false', 'false'), 'my_model.sql': MY_MODEL, 'my_model_2.sql': ENABLED_2, 'my_model_3.sql': MY_MODEL_3 } }],
    ['TestOverrideTrueYAMLConfigsInSQL', { models: { 'schema.yml': schemaYml('true', 'true'), 'my_model.sql': MY_MODEL, 'my_model_2.sql': ENABLED_2, 'my_model_3.sql': DISABLED(MY_MODEL_3) } }],
  ] as const)
    it(`${name}: my_model_2 enabled, my_model_3 disabled`, async () => {
      const { nodes, disabled } = await parsed(c);
      expect(Object.keys(nodes)).toContain('model.test.my_model_2');
      expect(Object.keys(nodes)).not.toContain('model.test.my_model_3');
      expect(Object.keys(disabled)).not.toContain('model.test.my_model_2');
      expect(Object.keys(disabled)).toContain('model.test.my_model_3');
    });

  it("TestMultipleDisabledNodesForUniqueIDFailure: enabling in YAML a name three disabled nodes share fails", async () => {
    const p = dbtProject({ models: { 'schema.yml': schemaYml('True', null), 'my_model.sql': MY_MODEL, ...folders(3, DISABLED(MY_MODEL_2), DISABLED(MY_MODEL_3)) } });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join(' ').split(/\s+/).join(' ')).toContain("Found 3 matching disabled nodes for model 'my_model_2'");
  });

  it('TestMultipleDisabledNodesSuccess: the enabled folder is the node, the disabled one in manifest.disabled', async () => {
    const { nodes, disabled } = await parsed({ models: { 'my_model.sql': MY_MODEL, ...folders(2, MY_MODEL_2, MY_MODEL_3) }, projectConfig: 'models:\n  test:\n    folder_1:\n      enabled: false\n    folder_2:\n      enabled: true\n' });
    expect(nodes['model.test.my_model_2']!.original_file_path).toContain('folder_2');
    expect(nodes['model.test.my_model_3']!.original_file_path).toContain('folder_2');
    expect(disabled['model.test.my_model_2']![0]!.original_file_path).toContain('folder_1');
    expect(disabled['model.test.my_model_3']![0]!.original_file_path).toContain('folder_1');
  });

  it('TestMultipleDisabledNodesOverrideModel: config(enabled=true) in a disabled folder wins', async () => {
    const { nodes, disabled } = await parsed({
      models: { 'my_model.sql': MY_MODEL, 'folder_1/my_model_2.sql': ENABLED_2, 'folder_1/my_model_3.sql': MY_MODEL_3, 'folder_2/my_model_2.sql': MY_MODEL_2, 'folder_2/my_model_3.sql': ENABLED_3 },
      projectConfig: 'models:\n  test:\n    folder_1:\n      enabled: false\n    folder_2:\n      enabled: false\n',
    });
    expect(nodes['model.test.my_model_2']!.original_file_path).toContain('folder_1');
    expect(nodes['model.test.my_model_3']!.original_file_path).toContain('folder_2');
    expect(disabled['model.test.my_model_2']![0]!.original_file_path).toContain('folder_2');
    expect(disabled['model.test.my_model_3']![0]!.original_file_path).toContain('folder_1');
  });

  it('TestManyDisabledNodesSuccess: three disabled folders, one enabled', async () => {
    const { nodes, disabled } = await parsed({
      models: { 'my_model.sql': MY_MODEL, ...folders(4, MY_MODEL_2, MY_MODEL_3) },
      projectConfig: 'models:\n  test:\n    folder_1:\n      enabled: false\n    folder_2:\n      enabled: true\n    folder_3:\n      enabled: false\n    folder_4:\n      enabled: false\n',
    });
    expect(nodes['model.test.my_model_2']!.original_file_path).toContain('folder_2');
    expect(nodes['model.test.my_model_3']!.original_file_path).toContain('folder_2');
    expect(disabled['model.test.my_model_2']).toHaveLength(3);
    expect(disabled['model.test.my_model_3']).toHaveLength(3);
  });
});

describe('invalid enabled (configs/test_disabled_model.py TestInvalidEnabledConfig)', () => {
  it("TestInvalidEnabledConfig: enabled: True and False is not a boolean", async () => {
    const p = dbtProject({ models: { 'schema.yml': '\nversion: 2\nmodels:\n  - name: my_model\n    config:\n      enabled: True and False\n  - name: my_model_3\n', 'my_model.sql': MY_MODEL } });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join(' ').split(/\s+/).join(' ')).toContain("'True and False' is not of type 'boolean'");
  });
});
