import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/data_test_patch/test_singular_test_patch.py (a singular test's YAML
 * entry under `data_tests:`), generic_test_description/ (a generic test's `description:`),
 * analysis/test_analyses.py and custom_target_path/test_custom_target_path.py.
 */
const SINGULAR = "\nwith my_cte as (\n    select 1 as id, 'foo' as name\n    union all\n    select 2 as id, 'bar' as name\n)\nselect * from my_cte\n";

describe('singular test patches (data_test_patch/)', () => {
  it('TestPatchSingularTest: description from a doc block, error_if and meta from YAML; an edit is read again', async () => {
    const p = dbtProject({
      tests: {
        'my_singular_test.sql': SINGULAR,
        'schema.yml': 'data_tests:\n  - name: my_singular_test\n    description: "{{ doc(\'my_singular_test_documentation\') }}"\n    config:\n      error_if: ">10"\n      meta:\n        some_key: some_val\n',
        'doc_block.md': '\n{% docs my_singular_test_documentation %}\n\nSome docs from a doc block\n\n{% enddocs %}\n',
      },
    });
    await p.dbt(['compile']);
    let nodes = p.readJson('target/manifest.json').nodes;
    expect(Object.keys(nodes)).toEqual(['test.test.my_singular_test']);
    let node = nodes['test.test.my_singular_test'];
    expect([node.description, node.config.error_if, node.config.meta, node.meta]).toEqual(['Some docs from a doc block', '>10', { some_key: 'some_val' }, { some_key: 'some_val' }]);

    p.write({ 'tests/schema.yml': 'data_tests:\n  - name: my_singular_test\n    description: "My singular test description"\n    config:\n      error_if: ">10"\n      meta:\n        some_key: another_val\n' });
    await p.dbt(['parse']);
    nodes = p.readJson('target/manifest.json').nodes;
    node = nodes['test.test.my_singular_test'];
    expect([node.description, node.config.meta, node.meta]).toEqual(['My singular test description', { some_key: 'another_val' }, { some_key: 'another_val' }]);
    // The test's SQL edited (a warm start's update): the YAML patch stays.
    p.write({ 'tests/my_singular_test.sql': SINGULAR + '-- edited\n' });
    await p.dbt(['parse']);
    node = p.readJson('target/manifest.json').nodes['test.test.my_singular_test'];
    expect([node.description, node.config.error_if, node.raw_code]).toEqual(['My singular test description', '>10', SINGULAR + '-- edited\n']);
  });

  it('TestPatchSingularTestInvalidName: a patch naming no singular test warns', async () => {
    const p = dbtProject({ tests: { 'my_singular_test.sql': SINGULAR, 'schema_with_invalid_name.yml': 'data_tests:\n  - name: my_double_test\n    description: documentation, but make it double\n' } });
    const r = await p.dbt(['compile']);
    expect(r.out.join('\n')).toContain("Did not find matching node for patch with name 'my_double_test' in the 'data_tests' section of file 'tests/schema_with_invalid_name.yml'");
  });

  it('TestPatchSingularTestMalformedYaml: an entry without a name warns', async () => {
    const p = dbtProject({ tests: { 'my_singular_test.sql': SINGULAR, 'schema.yml': 'data_tests: &not_null\n  - not_null:\n      where: some_condition\n' } });
    const out = (await p.dbt(['compile'])).out.join('\n');
    expect(out).toContain("Unable to parse 'data_tests' section of file 'tests/schema.yml'");
    expect(out).toContain('Entry did not contain a name');
  });
});

describe('generic test descriptions (generic_test_description/)', () => {
  it('TestBuiltinGenericTestDescription: a description beside the arguments, rendered with doc()', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': "\nwith my_cte as (\n    select 1 as id, 'blue' as color\n    union all\n    select 2 as id, 'green' as red\n    union all\n    select 3 as id, 'red' as red\n)\nselect * from my_cte\n",
        'schema.yml': "\nmodels:\n  - name: my_model\n    columns:\n      - name: id\n        tests:\n          - unique:\n              description: \"id must be unique\"\n          - not_null\n      - name: color\n        tests:\n          - accepted_values:\n              values: ['blue', 'green', 'red']\n              description: \"{{ doc('color_accepted_values') }}\"\n",
        'doc_block.md': "\n{% docs color_accepted_values %}\n\nThe `color` column must be one of 'blue', 'green', or 'red'.\n\n{% enddocs %}\n",
      },
    });
    await p.dbt(['compile']);
    const manifest = p.readJson('target/manifest.json');
    expect(Object.keys(manifest.nodes)).toHaveLength(4);
    const byAlias = Object.fromEntries(Object.values(manifest.nodes as Record<string, { alias: string; description: string }>).map((n) => [n.alias, n]));
    expect(byAlias['unique_my_model_id']!.description).toBe('id must be unique');
    expect(byAlias['not_null_my_model_id']!.description).toBe('');
    expect(byAlias['accepted_values_my_model_color__blue__green__red']!.description).toBe("The `color` column must be one of 'blue', 'green', or 'red'.");
  });
});

describe('analyses (analysis/test_analyses.py)', () => {
  it('TestAnalyses: compiled analyses (a raw block kept), the YAML description', async () => {
    const p = dbtProject({
      models: { 'my_model.sql': '\nselect 1 as id\n' },
      analyses: {
        'raw_stuff.sql': '\n{% raw %}\n{% invalid jinja stuff %}\n{% endraw %}\n',
        'schema.yml': '\nversion: 2\n\nanalyses:\n  - name: my_analysis\n    description: "This is my analysis"\n',
        'my_analysis.sql': "\nselect * from {{ ref('my_model') }}\n",
      },
    });
    const compiled = join(p.dir, 'target/compiled/test/analyses');
    await p.dbt(['clean']);
    expect(existsSync(compiled)).toBe(false);
    const r = await p.dbt(['compile']);
    expect(r.out.join('\n')).toMatch(/Compiled 3 nodes/);
    const node = p.readJson('target/manifest.json').nodes['analysis.test.my_analysis'];
    expect(node.description).toBe('This is my analysis');
    expect(readFileSync(join(compiled, 'my_analysis.sql'), 'utf8').trim()).toBe(`select * from \`${p.schema}\`.\`my_model\``);
    expect(readFileSync(join(compiled, 'raw_stuff.sql'), 'utf8').trim()).toBe('{% invalid jinja stuff %}');
  });
});

describe('target path (custom_target_path/test_custom_target_path.py)', () => {
  const saved = process.env.DBT_TARGET_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.DBT_TARGET_PATH;
    else process.env.DBT_TARGET_PATH = saved;
  });
  const model = { 'my_model.sql': 'select 1 as id\n' };

  it('TestTargetPathConfig: target-path in dbt_project.yml', async () => {
    const p = dbtProject({ models: model, projectConfig: 'target-path: project_target\n' });
    await p.dbt(['run']);
    expect([existsSync(join(p.dir, 'project_target')), existsSync(join(p.dir, 'target'))]).toEqual([true, false]);
  });

  it('TestTargetPathEnvVar: DBT_TARGET_PATH', async () => {
    const p = dbtProject({ models: model });
    process.env.DBT_TARGET_PATH = 'env_target';
    await p.dbt(['run']);
    expect([existsSync(join(p.dir, 'env_target')), existsSync(join(p.dir, 'target'))]).toEqual([true, false]);
  });

  it('TestTargetPathCliArg: --target-path wins over DBT_TARGET_PATH', async () => {
    const p = dbtProject({ models: model });
    process.env.DBT_TARGET_PATH = 'env_target';
    await p.dbt(['run', '--target-path', 'cli_target']);
    expect([existsSync(join(p.dir, 'cli_target')), existsSync(join(p.dir, 'env_target')), existsSync(join(p.dir, 'target'))]).toEqual([true, false, false]);
  });
});
