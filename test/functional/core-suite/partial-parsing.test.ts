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
});
