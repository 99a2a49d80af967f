import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/configs/test_configs_in_schema_files.py: configs layered from
 * dbt_project.yml (+meta at several levels, tags), the YAML entry's `config:` (tags, meta with
 * var()), and config() calls; test meta under the test or its config; meta both beside and under
 * config is an error, as is a test config key given twice; a schema file that is a list.
 * (manifest.files / unrendered_config are not compared.)
 */
const SCHEMA = `
version: 2
sources:
  - name: raw
    database: "{{ target.database }}"
    schema: "{{ target.schema }}"
    tables:
      - name: 'some_seed'
        columns:
          - name: id

models:
  - name: model
    description: "This is a model description"
    config:
        tags: ['tag_in_schema']
        meta:
            owner: 'Julie Smith'
            my_attr: "{{ var('my_var') }}"
        materialized: view

    columns:
      - name: id
        data_tests:
          - not_null:
              meta:
                  owner: 'Simple Simon'
          - unique:
              config:
                  meta:
                      owner: 'John Doe'
`;
const PROJECT = `
models:
  +meta:
    company: NuMade
  test:
    +meta:
      project: test
    tagged:
      +meta:
        team: Core Team
      tags: ["tag_in_project"]
      model:
        materialized: table
        +meta:
          owner: Julie Dent
vars:
  test:
    my_var: TESTING
seeds:
  quote_columns: false
`;

describe('configs in schema files (configs/test_configs_in_schema_files.py)', () => {
  it('TestSchemaFileConfigs.test_config_layering', async () => {
    const p = dbtProject({
      models: {
        'schema.yml': SCHEMA,
        'untagged.sql': "\n{{\n    config(materialized='table')\n}}\n\nselect id, value from {{ source('raw', 'some_seed') }}\n",
        'tagged/model.sql': "\n{{\n    config(\n        materialized='view',\n        tags=['tag_1_in_model'],\n    )\n}}\n\n{{\n    config(\n        materialized='table',\n        tags=['tag_2_in_model'],\n    )\n}}\n\nselect 4 as id, 2 as value\n",
      },
      seeds: { 'some_seed.csv': 'id,value\n4,2\n' },
      projectConfig: PROJECT,
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    for (const tag of ['tag_in_project', 'tag_1_in_model', 'tag_2_in_model', 'tag_in_schema']) expect((await p.dbt(['run', '--model', `tag:${tag}`])).results, tag).toHaveLength(1);
    const node = p.readJson('target/manifest.json').nodes['model.test.model'];
    const meta = { company: 'NuMade', project: 'test', team: 'Core Team', owner: 'Julie Smith', my_attr: 'TESTING' };
    expect(node.meta).toEqual(meta);
    expect(node.config.meta).toEqual(meta);
    const tags = ['tag_1_in_model', 'tag_2_in_model', 'tag_in_project', 'tag_in_schema'];
    expect([...node.tags].sort()).toEqual(tags);
    expect([...node.config.tags].sort()).toEqual(tags);
    expect((await p.relationTypes(['model'])).model).toBe('table');
    await expectRelationsEqual(p, ['some_seed', 'model']);

    // Without materialized in the file: the YAML entry's view.
    p.write({ 'models/tagged/model.sql': "\n{{\n    config(\n        tags=['tag_1_in_model'],\n    )\n}}\n\n{{\n    config(\n        tags=['tag_2_in_model'],\n    )\n}}\n\nselect 4 as id, 2 as value\n" });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const manifest = p.readJson('target/manifest.json');
    expect(manifest.nodes['model.test.model'].config.materialized).toBe('view');
    const tests = Object.values(manifest.nodes as Record<string, { resource_type: string; attached_node?: string; test_metadata?: { name: string }; config: { meta: unknown } }>).filter((n) => n.resource_type === 'test' && n.attached_node === 'model.test.model');
    expect(Object.fromEntries(tests.map((t) => [t.test_metadata!.name, t.config.meta]))).toEqual({ not_null: { owner: 'Simple Simon' }, unique: { owner: 'John Doe' } });

    // meta both beside config and under it: dbt's ParsingError.
    p.write({ 'models/untagged.yml': "\nversion: 2\n\nmodels:\n  - name: untagged\n    description: \"This is a model description\"\n    meta:\n      owner: 'Somebody Else'\n    config:\n        meta:\n            owner: 'Julie Smith'\n" });
    const metaTwice = await p.dbt(['run'], { expectPass: false });
    expect(metaTwice.code).toBe(2);
    expect(metaTwice.out.join('\n')).toContain("found meta dictionary in 'config' dictionary and as top-level key");
    // A test config key both at the top of the test and under its config: an error.
    p.write({ 'models/untagged.yml': '\nversion: 2\n\nmodels:\n  - name: untagged\n    description: "This is a model description"\n    data_tests:\n      - not_null:\n          error_if: ">2"\n          config:\n            error_if: ">2"\n' });
    const twice = await p.dbt(['run'], { expectPass: false });
    expect(twice.code).toBe(2);
    expect(twice.out.join('\n')).toContain('Test cannot have the same key at the top-level and in config');
  });

  it('TestListSchemaFile: a schema file that is a list fails with "Dictionary expected"', async () => {
    const p = dbtProject({ models: { 'my_model.sql': 'select 1 as id', 'schema.yml': '\n- name: my_name\n- name: alt_name\n' } });
    const r = await p.dbt(['run'], { expectPass: false });
    // dbt says "Dictionary expected"; tsdbt names the file and what it must be.
    expect(r.code).toBe(2);
    expect(r.out.join('\n')).toContain('models/schema.yml must be a mapping');
  });
});
