import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import * as f from './partial-parsing-fixtures.js';

/*
 * dbt-core tests/functional/partial_parsing/test_partial_parsing.py TestModels: files added, edited and
 * removed between commands, each command on the previous one's parse (tsdbt's warm start and parse
 * cache), and the answers must be a full parse's. manifest.files (dbt's per-file parse records) is
 * not in tsdbt's manifest: those asserts are read from the nodes instead.
 */
describe('partial parsing (partial_parsing/test_partial_parsing.py)', () => {
  it('TestModels: test_pp_models', async () => {
    const p = dbtProject({ models: { 'model_one.sql': f.model_one_sql } });
    const run = async (args: string[], expectPass: boolean | null = true) => (await p.dbt(['--partial-parse', ...args], { expectPass })).results;
    const manifest = () => p.readJson('target/manifest.json');
    const rm = (path: string) => p.remove(path);
    const write = (path: string, text: string) => p.write({ [path]: text });

    expect(await run(['run'])).toHaveLength(1);

    // add a model file
    write('models/model_two.sql', f.model_two_sql);
    expect(await run(['run'])).toHaveLength(2);

    // add a schema file
    write('models/schema.yml', f.models_schema1_yml);
    expect(await run(['run'])).toHaveLength(2);
    let m = manifest();
    expect(m.nodes['model.test.model_one'].description).toBe('The first model');
    expect(m.nodes['model.test.model_one'].patch_path).toBe('test://models/schema.yml');

    // add a model and a schema file (with a test) at the same time
    write('models/schema.yml', f.models_schema2_yml);
    write('models/model_three.sql', f.model_three_sql);
    expect(await run(['test'], false)).toHaveLength(1);
    m = manifest();
    expect(m.nodes['model.test.model_three'].patch_path).toBe('test://models/schema.yml');
    expect(m.nodes['model.test.model_three'].description).toBe('The third model');
    const testsOf = (mf: any) => Object.keys(mf.nodes).filter((id) => id.startsWith('test.'));
    expect(testsOf(m)).toEqual(['test.test.unique_model_three_id.6776ac8160']);

    // modify model sql file, ensure description still there
    write('models/model_three.sql', f.model_three_modified_sql);
    await run(['run']);
    expect(manifest().nodes['model.test.model_three'].description).toBe('The third model');

    // Change the model 3 test from unique to not_null
    write('models/schema.yml', f.models_schema2b_yml);
    expect(await run(['test'], false)).toHaveLength(1);
    expect(testsOf(manifest())).toEqual(['test.test.not_null_model_three_id.3162ce0a6f']);

    // go back to previous version of schema file, removing patch, test, and model for model three
    write('models/schema.yml', f.models_schema1_yml);
    rm('models/model_three.sql');
    expect(await run(['run'])).toHaveLength(2);

    // remove schema file, still have 3 models
    write('models/model_three.sql', f.model_three_sql);
    rm('models/schema.yml');
    expect(await run(['run'])).toHaveLength(3);
    expect(manifest().nodes['model.test.model_one'].patch_path).toBeNull();

    // Put schema file back and remove a model referred to in schema file: dbt's NoNodeForYamlKey, an error under --warn-error
    write('models/schema.yml', f.models_schema2_yml);
    rm('models/model_three.sql');
    await run(['--warn-error', 'run'], false);

    // Put model back again
    write('models/model_three.sql', f.model_three_sql);
    expect(await run(['run'])).toHaveLength(3);

    // Add model four refing model three
    write('models/model_four.sql', f.model_four1_sql);
    expect(await run(['run'])).toHaveLength(4);

    // Remove model_three and change model_four to ref model_one and change schema file to remove model_three
    rm('models/model_three.sql');
    write('models/model_four.sql', f.model_four2_sql);
    write('models/schema.yml', f.models_schema1_yml);
    expect(await run(['run'])).toHaveLength(3);

    // Remove model four, put back model three, put back schema file
    write('models/model_three.sql', f.model_three_sql);
    write('models/schema.yml', f.models_schema2_yml);
    rm('models/model_four.sql');
    expect(await run(['run'])).toHaveLength(3);

    // disable model three in the schema file
    write('models/schema.yml', f.models_schema4_yml);
    expect(await run(['run'])).toHaveLength(2);

    // update enabled config to be true for model three in the schema file
    write('models/schema.yml', f.models_schema4b_yml);
    expect(await run(['run'])).toHaveLength(3);

    // disable model three in the schema file again
    write('models/schema.yml', f.models_schema4_yml);
    expect(await run(['run'])).toHaveLength(2);

    // remove disabled config for model three in the schema file to check it gets enabled
    write('models/schema.yml', f.models_schema4b_yml);
    expect(await run(['run'])).toHaveLength(3);

    // Add a macro
    write('macros/my_macro.sql', f.my_macro_sql);
    expect(await run(['run'])).toHaveLength(3);
    expect(manifest().macros['macro.test.do_something']).toBeDefined();

    // Modify the macro
    write('macros/my_macro.sql', f.my_macro2_sql);
    expect(await run(['run'])).toHaveLength(3);

    // Add a macro patch
    write('models/schema.yml', f.models_schema3_yml);
    expect(await run(['run'])).toHaveLength(3);
    expect(manifest().macros['macro.test.do_something'].description).toBe('This is a test macro');

    // Remove the macro: its patch names no macro, an error under --warn-error
    rm('macros/my_macro.sql');
    await run(['--warn-error', 'run'], false);

    // put back macro file, go back to schema file with no macro; add separate macro patch schema file
    write('models/schema.yml', f.models_schema2_yml);
    write('macros/my_macro.sql', f.my_macro_sql);
    write('macros/macros.yml', f.macros_yml);
    await run(['run']);
    expect(manifest().macros['macro.test.do_something'].description).toBe('This is a test macro');

    // add macro file with two macros and schema file with patches for both
    write('macros/macros_x.yml', f.macros_schema1_yml);
    write('macros/macros_x.sql', f.macros_sql);
    await run(['parse']);
    expect(manifest().macros['macro.test.bar'].description).toBe('Lorem.');

    // modify one of the patches
    write('macros/macros_x.yml', f.macros_schema2_yml);
    await run(['parse']);
    expect(manifest().macros['macro.test.bar'].description).toBe('Lorem ipsum.');
    rm('macros/macros_x.sql');
    rm('macros/macros_x.yml');

    // delete macro and schema file
    rm('macros/my_macro.sql');
    rm('macros/macros.yml');
    expect(await run(['run'])).toHaveLength(3);

    // Add an empty schema file
    write('models/eschema.yml', f.empty_schema_yml);
    expect(await run(['run'])).toHaveLength(3);

    // Add version to empty schema file
    write('models/eschema.yml', f.empty_schema_with_version_yml);
    expect(await run(['run'])).toHaveLength(3);

    // Disable model_three
    write('models/model_three.sql', f.model_three_disabled_sql);
    expect(await run(['run'])).toHaveLength(2);
    m = manifest();
    expect(m.disabled['model.test.model_three']).toBeDefined();
    expect(m.nodes['model.test.model_three']).toBeUndefined();

    // Edit disabled model three
    write('models/model_three.sql', f.model_three_disabled2_sql);
    expect(await run(['run'])).toHaveLength(2);
    m = manifest();
    expect(m.disabled['model.test.model_three']).toBeDefined();
    expect(m.nodes['model.test.model_three']).toBeUndefined();

    // Remove disabled from model three
    write('models/model_three.sql', f.model_three_sql);
    expect(await run(['run'])).toHaveLength(3);
    m = manifest();
    expect(m.nodes['model.test.model_three']).toBeDefined();
    expect(m.disabled['model.test.model_three']).toBeUndefined();
  });

  it('TestSources: test_pp_sources', async () => {
    const p = dbtProject({ models: { 'model_one.sql': f.model_one_sql } });
    const run = async (args: string[], expectPass: boolean | null = true) => (await p.dbt(['--partial-parse', ...args], { expectPass })).results;
    const manifest = () => p.readJson('target/manifest.json');
    const rm = (path: string) => p.remove(path);
    const write = (path: string, text: string) => p.write({ [path]: text });

    write('seeds/raw_customers.csv', f.raw_customers_csv);
    write('macros/tests.sql', f.sources_tests1_sql);
    expect(await run(['run'])).toHaveLength(1);

    // Partial parse running 'seed'
    await run(['seed']);
    expect(manifest().nodes['seed.test.raw_customers']).toBeDefined();

    // Add another seed file
    write('seeds/more_customers.csv', f.raw_customers_csv);
    await run(['run']);
    expect(manifest().nodes['seed.test.more_customers']).toBeDefined();

    // Remove seed file and add a schema files with a source referring to raw_customers
    rm('seeds/more_customers.csv');
    write('models/sources.yml', f.schema_sources1_yml);
    await run(['run']);
    expect(Object.keys(manifest().sources)).toHaveLength(1);
    expect(manifest().nodes['seed.test.more_customers']).toBeUndefined();

    // add a model referring to raw_customers source
    write('models/customers.sql', f.customers_sql);
    expect(await run(['run'])).toHaveLength(2);

    // remove sources schema file: the model's source is gone
    rm('models/sources.yml');
    await run(['run'], false);

    // put back sources and add an exposures file
    write('models/sources.yml', f.schema_sources2_yml);
    await run(['run']);

    // remove seed referenced in exposures file
    rm('seeds/raw_customers.csv');
    await run(['run'], false);

    // put back seed and remove depends_on from exposure
    write('seeds/raw_customers.csv', f.raw_customers_csv);
    write('models/sources.yml', f.schema_sources3_yml);
    await run(['run']);

    // Add seed config with test to schema.yml, remove exposure
    write('models/sources.yml', f.schema_sources4_yml);
    await run(['run']);
    expect(manifest().nodes['seed.test.raw_customers'].description).toBe('Raw customer data');

    // Change seed name to wrong name: dbt's NoNodeForYamlKey, an error under --warn-error
    write('models/sources.yml', f.schema_sources5_yml);
    await run(['--warn-error', 'run'], false);

    // Put back seed name to right name
    write('models/sources.yml', f.schema_sources4_yml);
    await run(['run']);

    // Add docs file customers.md, change it, delete it
    write('models/customers.md', f.customers1_md);
    await run(['run']);
    write('models/customers.md', f.customers2_md);
    await run(['run']);
    rm('models/customers.md');
    await run(['run']);

    // Add a data test
    write('macros/test-macro.sql', f.test_macro_sql);
    write('tests/my_test.sql', f.my_test_sql);
    await run(['test'], null);
    let m = manifest();
    expect(Object.keys(m.nodes)).toHaveLength(9);
    expect(m.nodes['test.test.my_test']).toBeDefined();
    expect(m.nodes['test.test.my_test'].compiled_code ?? '').not.toContain('some_name');

    // Change macro that data test depends on: the test's SQL is the new macro's
    write('macros/test-macro.sql', f.test_macro2_sql);
    await run(['test'], null);
    expect(readCompiled(p.dir, 'tests/my_test.sql')).toContain("first_name = 'some_name'");

    // Add an analysis
    write('analyses/my_analysis.sql', f.my_analysis_sql);
    await run(['run']);

    // Remove data test
    rm('tests/my_test.sql');
    await run(['test'], null);
    expect(Object.keys(manifest().nodes)).toHaveLength(9);

    // Remove analysis
    rm('analyses/my_analysis.sql');
    await run(['run']);
    expect(Object.keys(manifest().nodes)).toHaveLength(8);

    // Change source test: its SQL is the new macro's
    write('macros/tests.sql', f.sources_tests2_sql);
    await run(['run']);
    const blue = Object.keys(manifest().nodes).find((id) => id.startsWith('test.test.source_every_value_is_blue'))!;
    expect(blue).toBeDefined();
    await run(['test', '-s', 'test_name:every_value_is_blue'], null);
    expect(readCompiled(p.dir, 'models/sources.yml', manifest().nodes[blue].name)).toContain('!= 99');
  });

  it('TestSnapshots: test_pp_snapshots', async () => {
    const p = dbtProject({ models: { 'orders.sql': f.orders_sql } });
    const run = async (args: string[]) => (await p.dbt(['--partial-parse', ...args])).results;
    expect(await run(['run'])).toHaveLength(1);

    // add snapshot
    p.write({ 'snapshots/snapshot.sql': f.snapshot_sql });
    expect(await run(['run'])).toHaveLength(1);
    const nodes = () => p.readJson('target/manifest.json').nodes;
    expect(nodes()['snapshot.test.orders_snapshot']).toBeDefined();
    expect(nodes()['snapshot.test.orders2_snapshot']).toBeDefined();

    // run snapshot
    expect(await run(['snapshot'])).toHaveLength(2);

    // modify snapshot
    p.write({ 'snapshots/snapshot.sql': f.snapshot2_sql });
    expect(await run(['run'])).toHaveLength(1);

    // delete snapshot
    p.remove('snapshots/snapshot.sql');
    expect(await run(['run'])).toHaveLength(1);
    expect(nodes()['snapshot.test.orders_snapshot']).toBeUndefined();
  });

  it('TestTests: test_pp_generic_tests', async () => {
    const p = dbtProject({ models: { 'orders.sql': f.orders_sql, 'schema.yml': f.generic_schema_yml }, tests: { 'generic/readme.md': '' } });
    const run = async (args: string[]) => (await p.dbt(['--partial-parse', ...args])).results;
    const ids = () => Object.keys(p.readJson('target/manifest.json').nodes);
    expect(await run(['run'])).toHaveLength(1);
    expect(ids()).toEqual(['model.test.orders', 'test.test.unique_orders_id.1360ecc70e']);

    // add generic test in test-path
    p.write({ 'tests/generic/generic_test.sql': f.generic_test_sql, 'models/schema.yml': f.generic_test_schema_yml });
    expect(await run(['run'])).toHaveLength(1);
    expect(ids()).toEqual(['model.test.orders', 'test.test.unique_orders_id.1360ecc70e', 'test.test.is_odd_orders_id.82834fdc5b']);

    // edit generic test in test-path: the test's SQL is the edited macro's
    p.write({ 'tests/generic/generic_test.sql': f.generic_test_edited_sql });
    expect(await run(['run'])).toHaveLength(1);
    expect(ids()).toEqual(['model.test.orders', 'test.test.unique_orders_id.1360ecc70e', 'test.test.is_odd_orders_id.82834fdc5b']);
    expect((await p.dbt(['--partial-parse', 'test', '-s', 'test_name:is_odd'])).results.map((r) => r.status)).toEqual(['pass']);
    expect(readCompiled(p.dir, 'models/schema.yml', 'is_odd_orders_id')).toContain('odd_field2');
  });


  it('TestNestedMacros: a generic test macro\'s config(severity) edited between commands', async () => {
    const p = dbtProject({ models: { 'model_a.sql': f.model_a_sql, 'model_b.sql': f.model_b_sql, 'schema.yml': f.macros_schema_yml }, macros: { 'custom_schema_tests.sql': f.custom_schema_tests1_sql } });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const byName = (results: { unique_id: string }[]) => [...results].sort((a, b) => a.unique_id.localeCompare(b.unique_id)) as any[];
    let results = byName((await p.dbt(['test'], { expectPass: false })).results);
    expect(results).toHaveLength(2);
    expect(results[0].unique_id).toMatch(/^test\.test\.type_one_model_a_\./);
    expect(results[0].status).toBe('fail');
    expect(results[0].compiled_code).toMatch(/union all/);
    expect(results[1].status).toBe('warn');
    expect(p.readJson('target/manifest.json').nodes[results[1].unique_id].config.severity).toBe('WARN');

    p.write({ 'macros/custom_schema_tests.sql': f.custom_schema_tests2_sql });
    results = byName((await p.dbt(['--partial-parse', 'test'], { expectPass: false })).results);
    expect(p.readJson('target/manifest.json').nodes['test.test.type_two_model_a_.842bc6c2a7'].config.severity).toBe('ERROR');
    expect(results).toHaveLength(2);
    expect(results[1].unique_id).toBe('test.test.type_two_model_a_.842bc6c2a7');
    expect(results[1].status).toBe('fail');
  });

  it('TestSkipMacros: ref and generate_schema_name overrides added, edited and removed (dbt parses in full: the answers are a full parse\'s)', async () => {
    const p = dbtProject({ models: { 'model_one.sql': f.model_one_sql, 'eschema.yml': f.empty_schema_yml } });
    const schemaOf = () => p.readJson('target/manifest.json').nodes['model.test.model_one'].schema;
    await p.dbt(['run']);
    expect(schemaOf()).toBe(p.schema);
    for (const text of [f.ref_override_sql, f.ref_override2_sql]) {
      p.write({ 'macros/ref_override.sql': text });
      expect((await p.dbt(['--partial-parse', 'run'])).results.map((r) => r.status)).toEqual(['success']);
    }
    p.remove('macros/ref_override.sql');
    expect((await p.dbt(['--partial-parse', 'run'])).results.map((r) => r.status)).toEqual(['success']);
    // A custom generate_schema_name: `{{ schema_name }}` of no custom schema renders None, as Jinja's.
    for (const text of [f.gsm_override_sql, f.gsm_override2_sql]) {
      p.write({ 'macros/gsm_override.sql': text });
      expect((await p.dbt(['--partial-parse', 'run'])).results.map((r) => r.status)).toEqual(['success']);
      expect(schemaOf()).toBe(`None_${p.schema}`);
    }
  });

  it('TestMacroDescriptionUpdate: a macro patch in macro-paths edited between parses', async () => {
    const p = dbtProject({ models: { 'my_model.sql': f.model_one_sql }, macros: { 'macros.sql': f.macros_sql, 'schema.yml': f.macros_schema1_yml } });
    const macros = () => p.readJson('target/manifest.json').macros;
    await p.dbt(['parse']);
    expect([macros()['macro.test.foo'].description, macros()['macro.test.bar'].description]).toEqual(['Lorem.', 'Lorem.']);
    expect(macros()['macro.test.bar'].patch_path).toBe('test://macros/schema.yml');
    p.write({ 'macros/schema.yml': f.macros_schema2_yml });
    await p.dbt(['--partial-parse', 'parse']);
    expect([macros()['macro.test.foo'].description, macros()['macro.test.bar'].description]).toEqual(['Lorem.', 'Lorem ipsum.']);
    expect(macros()['macro.test.foo'].patch_path).toBe('test://macros/schema.yml');
    await p.dbt(['--partial-parse', 'compile']);
  });

  it('test_pp_disabled_config.py TestDisabled: a metric and an exposure disabled, enabled and removed in YAML', async () => {
    const p = dbtProject({ models: { 'model_one.sql': f.disabled_model_one_sql, 'metricflow_time_spine.sql': f.disabled_metricflow_time_spine_sql, 'schema.yml': f.disabled_schema1_yml } });
    const exposure = 'exposure.test.proxy_for_dashboard';
    const metric = 'metric.test.number_of_people';
    const state = () => {
      const m = p.readJson('target/manifest.json');
      return { exposure: exposure in m.exposures, metric: metric in m.metrics, disabledExposure: exposure in m.disabled, disabledMetric: metric in m.disabled };
    };
    await p.dbt(['seed']);
    await p.dbt(['parse']);
    expect(state()).toEqual({ exposure: true, metric: true, disabledExposure: false, disabledMetric: false });
    const step = async (yml: string) => {
      p.write({ 'models/schema.yml': yml });
      expect((await p.dbt(['--partial-parse', 'run'])).results).toHaveLength(2);
      return state();
    };
    expect(await step(f.disabled_schema2_yml)).toEqual({ exposure: false, metric: false, disabledExposure: true, disabledMetric: true });
    expect(await step(f.disabled_schema1_yml)).toEqual({ exposure: true, metric: true, disabledExposure: false, disabledMetric: false });
    expect(await step(f.disabled_schema3_yml)).toEqual({ exposure: false, metric: true, disabledExposure: false, disabledMetric: false });
    expect(await step(f.disabled_schema4_yml)).toEqual({ exposure: false, metric: false, disabledExposure: true, disabledMetric: false });
  });

  it('test_pp_groups.py TestGroups: groups added, edited, removed; a model left in a removed group; private access', async () => {
    const p = dbtProject({ models: { 'orders.sql': f.orders_sql, 'orders_downstream.sql': f.orders_downstream_sql, 'schema.yml': f.groups_schema_yml_one_group } });
    const state = () => {
      const m = p.readJson('target/manifest.json');
      return [Object.keys(m.nodes).sort(), Object.keys(m.groups).sort()];
    };
    const nodes = ['model.test.orders', 'model.test.orders_downstream'];
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    expect(state()).toEqual([nodes, ['group.test.test_group']]);
    const step = async (yml: string, pass = true) => {
      p.write({ 'models/schema.yml': yml });
      const r = await p.dbt(['--partial-parse', 'run'], { expectPass: pass });
      if (pass) expect(r.results).toHaveLength(2);
    };
    await step(f.groups_schema_yml_two_groups);
    expect(state()).toEqual([nodes, ['group.test.test_group', 'group.test.test_group2']]);
    await step(f.groups_schema_yml_two_groups_edited);
    expect(state()).toEqual([nodes, ['group.test.test_group', 'group.test.test_group2_edited']]);
    await step(f.groups_schema_yml_one_group);
    expect(state()).toEqual([nodes, ['group.test.test_group']]);
    await step(f.groups_schema_yml_two_groups);
    // remove second group with model still configured to second group
    await step(f.groups_schema_yml_one_group_model_in_group2, false);
    await step(f.groups_schema_yml_two_groups_private_orders_valid_access);
    await step(f.groups_schema_yml_two_groups_private_orders_invalid_access, false);
  });
  /*
   * partial_parsing/test_pp_vars.py TestProjectEnvVars and TestProfileEnvVars: an env var read by
   * dbt_project.yml or profiles.yml changed between two commands is seen by the second (dbt's
   * project_env_vars_hash / profile_env_vars_hash). The profile's is the schema here (chDB has no host).
   */
  it('TestProjectEnvVars: a project config env_var changed between commands', async () => {
    process.env.ENV_VAR_NAME = 'Jane Smith';
    try {
      const p = dbtProject({ models: { 'model_one.sql': f.model_one_sql }, projectConfig: "models:\n  +meta:\n    meta_name: \"{{ env_var('ENV_VAR_NAME') }}\"\n" });
      expect((await p.dbt(['run'])).results).toHaveLength(1);
      expect(p.readJson('target/manifest.json').nodes['model.test.model_one'].config.meta.meta_name).toBe('Jane Smith');
      process.env.ENV_VAR_NAME = 'Jane Doe';
      expect((await p.dbt(['run'])).results).toHaveLength(1);
      expect(p.readJson('target/manifest.json').nodes['model.test.model_one'].config.meta.meta_name).toBe('Jane Doe');
    } finally {
      delete process.env.ENV_VAR_NAME;
    }
  });

  it('TestProfileEnvVars: a profile env_var changed between commands', async () => {
    const p = dbtProject({ models: { 'model_one.sql': f.model_one_sql } });
    const profile = readFileSync(join(p.dir, 'profiles.yml'), 'utf8');
    p.write({ 'profiles.yml': profile.replace(/schema: (\S+)/, `schema: "{{ env_var('ENV_VAR_SCHEMA') }}"`) });
    process.env.ENV_VAR_SCHEMA = `${p.schema}_a`;
    try {
      await p.dbt(['run']);
      process.env.ENV_VAR_SCHEMA = `${p.schema}_b`;
      await p.dbt(['run']);
      expect(p.readJson('target/manifest.json').nodes['model.test.model_one'].schema).toBe(`${p.schema}_b`);
      const built = await p.query<{ database: string }>(`SELECT database FROM system.tables WHERE name = 'model_one' AND database IN ('${p.schema}_a', '${p.schema}_b') ORDER BY database`);
      expect(built.map((r) => r.database)).toEqual([`${p.schema}_a`, `${p.schema}_b`]);
    } finally {
      delete process.env.ENV_VAR_SCHEMA;
    }
  });
});

/** A test's compiled SQL under target/compiled/test/<path> (a generic test's: <yaml path>/<name>.sql). */
function readCompiled(dir: string, path: string, name?: string): string {
  return readFileSync(join(dir, 'target', 'compiled', 'test', name ? join(path, `${name}.sql`) : path), 'utf8');
}
