import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/duplicates/: two resources of one kind with one name fail the parse
 * with dbt's "dbt found two <kind> with the name"; a disabled one beside an enabled one (in the same
 * project or across packages) is kept in manifest.disabled; same names across packages are fine
 * unless they build the same relation ("dbt found two resources with the database representation").
 */
const disabled = '\n{{\n    config(\n        enabled=False,\n        materialized="table",\n    )\n}}\nselect 1\n';
const enabled = '\n{{\n    config(\n        enabled=True,\n        materialized="table",\n    )\n}}\nselect 1 as value\n';
const depProject = "\nname: 'local_dep'\nversion: '1.0'\nconfig-version: 2\nprofile: 'default'\nmodel-paths: [\"models\"]\nseeds:\n  quote_columns: False\n";
const flat = (s: string) => s.split(/\s+/).join(' ');
const withDep = (files: Record<string, string>) => ({
  'packages.yml': 'packages:\n  - local: local_dependency\n',
  'local_dependency/dbt_project.yml': depProject,
  ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`local_dependency/${k}`, v])),
});

describe('duplicates (duplicates/)', () => {
  it('TestModelTestOverlap: test-paths equal to model-paths is fine: compile (three times, warm), the file a model only', async () => {
    const p = dbtProject({ models: { 'table_model.sql': enabled }, projectConfig: 'test-paths: ["models"]\n' });
    for (let i = 0; i < 3; i++) await p.dbt(['compile']);
    const ls = await p.dbt(['ls', '--output', 'selector'], { expectPass: null });
    expect(ls.out.join('\n')).toContain('test.table_model');
    expect(ls.out.join('\n')).not.toMatch(/^test\.test\.table_model/m);
    expect((await p.dbt(['build'])).results.map((r) => r.unique_id)).toEqual(['model.test.table_model']);
  });

  it('TestDuplicateAnalysis: two analyses named model', async () => {
    const p = dbtProject({ models: { 'my_model.sql': '\nselect 1 as id\n' }, analyses: { 'anlysis-1/model.sql': "\nselect * from {{ ref('my_model') }}\n", 'anlysis-2/model.sql': "\nselect * from {{ ref('my_model') }}\n" } });
    expect(flat((await p.dbt(['compile'], { expectPass: false })).out.join('\n'))).toContain('dbt found two analyses with the name');
  });

  it('TestDuplicateExposure: two exposures named something', async () => {
    const yml = '\nversion: 2\nexposures:\n  - name: something\n    type: dashboard\n    owner:\n      email: test@example.com\n  - name: something\n    type: dashboard\n    owner:\n      email: test@example.com\n';
    expect((await dbtProject({ models: { 'schema.yml': yml } }).dbt(['compile'], { expectPass: false })).out.join('\n')).toContain('dbt found two exposures with the name');
  });

  it('TestDuplicateMacroEnabledSameFile / DifferentFiles: two macros named some_macro', async () => {
    const macro = '\n{% macro some_macro() %}\n{% endmacro %}\n';
    const same = flat((await dbtProject({ models: { 'model.sql': '\nselect 1 as value\n' }, macros: { 'macro.sql': macro + macro } }).dbt(['parse'], { expectPass: false })).out.join('\n'));
    expect(same).toContain('dbt found two macros named "some_macro" in the project');
    expect(same).toContain('macro.sql');
    const two = flat((await dbtProject({ models: { 'model.sql': '\nselect 1 as value\n' }, macros: { 'one.sql': macro, 'two.sql': macro } }).dbt(['compile'], { expectPass: false })).out.join('\n'));
    expect(two).toContain('dbt found two macros named "some_macro" in the project');
    expect(two).toContain('one.sql');
    expect(two).toContain('two.sql');
  });

  it('TestDuplicateMetric: two metrics named number_of_people', async () => {
    const yml = `
version: 2
metrics:
  - name: number_of_people
    label: "Number of people"
    description: Total count of people
    type: simple
    type_params:
      measure: "people"
    meta:
        my_meta: 'testing'
  - name: number_of_people
    label: "Collective tenure"
    description: Total number of years of team experience
    type: simple
    type_params:
      measure:
        name: "years_tenure"
        filter: "{{ Dimension('people_entity__loves_dbt') }} is true"
`;
    expect((await dbtProject({ models: { 'schema.yml': yml } }).dbt(['compile'], { expectPass: false })).out.join('\n')).toContain('dbt found two metrics with the name');
  });

  it('TestDuplicateSchemaResource: a model and an exposure may share a name', async () => {
    const yml = '\nversion: 2\nmodels:\n  - name: something\n    description: This table has basic information about orders\nexposure:\n  - name: something\n';
    const p = dbtProject({ models: { 'schema.yml': yml, 'something.sql': '\nselect 1 as item\n' } });
    expect((await p.dbt(['compile'])).out.join('\n')).toContain('Compiled 1 node');
  });

  it('TestDuplicateSourceEnabled: two tables named dupe in one source', async () => {
    const yml = '\nversion: 2\nsources:\n  - name: something\n    tables:\n     - name: dupe\n     - name: dupe\n';
    expect((await dbtProject({ models: { 'schema.yml': yml } }).dbt(['compile'], { expectPass: false })).out.join('\n')).toContain('dbt found two sources with the name');
  });

  it('TestDuplicateModelEnabled: two enabled models named model', async () => {
    const p = dbtProject({ models: { 'model-enabled-1/model.sql': enabled, 'model-enabled-2/model.sql': enabled } });
    expect(flat((await p.dbt(['compile'], { expectPass: false })).out.join('\n'))).toContain('dbt found two models with the name');
  });

  it('TestDuplicateModelDisabled: the disabled one is in manifest.disabled, the enabled one compiles (also from a warm start)', async () => {
    const p = dbtProject({ models: { 'model-disabled/model.sql': disabled, 'model-enabled/model.sql': enabled } });
    for (const args of [['compile'], ['clean'], ['--partial-parse', 'compile'], ['--partial-parse', 'compile'], ['--partial-parse', 'compile']]) {
      const r = await p.dbt(args);
      if (args.includes('compile')) expect(r.out.join('\n')).toContain('Compiled 1 node');
      if (args[0] === 'compile') {
        const manifest = p.readJson('target/manifest.json');
        expect(Object.keys(manifest.nodes)).toContain('model.test.model');
        expect(Object.keys(manifest.disabled)).toContain('model.test.model');
      }
    }
  });

  it('TestDuplicateModelAliasEnabledAcrossPackages: two packages building one relation fail the run', async () => {
    const p = dbtProject({ models: { 'table_model.sql': enabled }, files: withDep({ 'models/table_model.sql': enabled }) });
    await p.dbt(['deps']);
    expect((await p.dbt(['run'], { expectPass: false })).out.join('\n')).toContain('dbt found two resources with the database representation');
  });

  it('TestDuplicateModelDisabledAcrossPackages: the root disabled, the package enabled', async () => {
    const p = dbtProject({ models: { 'table_model.sql': disabled }, files: withDep({ 'models/table_model.sql': enabled }) });
    await p.dbt(['deps']);
    expect((await p.dbt(['compile'])).out.join('\n')).toContain('Compiled 1 node');
    const manifest = p.readJson('target/manifest.json');
    expect(Object.keys(manifest.nodes)).toContain('model.local_dep.table_model');
    expect(Object.keys(manifest.disabled)).toContain('model.test.table_model');
  });

  it('TestDuplicateModelNameWithTestAcrossPackages: the package test is attached to the package model', async () => {
    const yml = '\nmodels:\n  - name: table_model\n    config:\n      alias: table_model_local_dep\n    columns:\n      - name: id\n        data_tests:\n          - unique\n';
    const p = dbtProject({ models: { 'table_model.sql': enabled }, files: withDep({ 'models/table_model.sql': enabled, 'models/schema.yml': yml }) });
    await p.dbt(['deps']);
    await p.dbt(['parse']);
    const nodes = p.readJson('target/manifest.json').nodes;
    expect(Object.keys(nodes).sort()).toEqual(['model.local_dep.table_model', 'model.test.table_model', 'test.local_dep.unique_table_model_id.1da9e464d9']);
    expect(nodes['test.local_dep.unique_table_model_id.1da9e464d9'].attached_node).toBe('model.local_dep.table_model');
  });

  it('TestDuplicateModelNameWithVersionAcrossPackages: a versioned package model beside the root one', async () => {
    const yml = '\nmodels:\n  - name: table_model\n    config:\n      alias: table_model_local_dep\n    versions:\n      - v: 1\n';
    const p = dbtProject({ models: { 'table_model.sql': enabled }, files: withDep({ 'models/table_model.sql': enabled, 'models/schema.yml': yml }) });
    await p.dbt(['deps']);
    await p.dbt(['parse']);
    expect(Object.keys(p.readJson('target/manifest.json').nodes).sort()).toEqual(['model.local_dep.table_model.v1', 'model.test.table_model']);
  });

  it('TestMultipleDisabledModels: two disabled and one enabled model_alt', async () => {
    const p = dbtProject({ models: { 'subdir3/model_alt.sql': disabled, 'subdir2/model_alt.sql': disabled, 'subdir1/model_alt.sql': enabled } });
    await p.dbt(['compile']);
    expect(Object.keys(p.readJson('target/manifest.json').nodes)).toContain('model.test.model_alt');
  });
});
