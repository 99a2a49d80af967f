import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter basic/test_docs_generate.py (BaseDocsGenerate incl. --no-compile,
 * BaseDocsGenReferences) with dbt-clickhouse's expected catalog (tests/integration/adapter/basic/
 * test_docs_generate.py: Int32 / String / DateTime / UInt64, relation types `view` / `table`,
 * owner None, database ''). Every expected key of each catalog entry is compared, except `stats`:
 * tsdbt reports row_count, bytes and engine where dbt-clickhouse reports none (no_stats).
 */
const MODELS_SCHEMA = `
version: 2

models:
  - name: model
    description: "The test model"
    docs:
      show: false
    columns:
      - name: id
        description: The user ID number
        data_tests:
          - unique
          - not_null
      - name: first_name
        description: The user's first name
      - name: email
        description: The user's email
      - name: ip_address
        description: The user's IP address
      - name: updated_at
        description: The last time this user's email was updated
    data_tests:
      - test.nothing

  - name: second_model
    description: "The second test model"
    docs:
      show: false
    columns:
      - name: id
        description: The user ID number
      - name: first_name
        description: The user's first name
      - name: email
        description: The user's email
      - name: ip_address
        description: The user's IP address
      - name: updated_at
        description: The last time this user's email was updated


sources:
  - name: my_source
    description: "My source"
    loader: a_loader
    schema: "{{ var('test_schema') }}"
    tables:
      - name: my_table
        description: "My table"
        identifier: seed
        columns:
          - name: id
            description: "An ID field"


exposures:
  - name: simple_exposure
    type: dashboard
    depends_on:
      - ref('model')
      - source('my_source', 'my_table')
    owner:
      email: something@example.com
  - name: notebook_exposure
    type: notebook
    depends_on:
      - ref('model')
      - ref('second_model')
    owner:
      email: something@example.com
      name: Some name
    description: >
      A description of the complex exposure
    maturity: medium
    meta:
      tool: 'my_tool'
      languages:
        - python
    tags: ['my_department']
    url: http://example.com/notebook/1
`;
const SEED_SCHEMA = `
version: 2
seeds:
  - name: seed
    description: "The test seed"
    columns:
      - name: id
        description: The user ID number
      - name: first_name
        description: The user's first name
      - name: email
        description: The user's email
      - name: ip_address
        description: The user's IP address
      - name: updated_at
        description: The last time this user's email was updated
`;
const SEED_CSV = 'id,first_name,email,ip_address,updated_at\n1,Larry,lking0@miitbeian.gov.cn,69.135.206.194,2008-09-12 19:08:31\n';
const MACROS = {
  'schema.yml': `
version: 2
macros:
  - name: test_nothing
    description: "{{ doc('macro_info') }}"
    meta:
      some_key: 100
    arguments:
      - name: model
        type: Relation
        description: "{{ doc('macro_arg_info') }}"
`,
  'macro.md': "\n{% docs macro_info %}\nMy custom test that I wrote that does nothing\n{% enddocs %}\n\n{% docs macro_arg_info %}\nThe model for my custom test\n{% enddocs %}\n",
  'dummy_test.sql': '\n{% test nothing(model) %}\n\n-- a silly test to make sure that table-level tests show up in the manifest\n-- without a column_name field\nselect 0\n\n{% endtest %}\n',
};
const SNAPSHOT =
  "\n{% snapshot snapshot_seed %}\n{{\n    config(\n      unique_key='id',\n      strategy='check',\n      check_cols='all',\n      target_schema=var('alternate_schema')\n    )\n}}\nselect * from {{ ref('seed') }}\n{% endsnapshot %}\n";

function generateProject(models: Record<string, string>): DbtProject {
  // The schema is known once the project exists: vars name it (as upstream's unique_schema).
  const p = dbtProject({ models, seeds: { 'schema.yml': SEED_SCHEMA, 'seed.csv': SEED_CSV }, macros: MACROS, snapshots: { 'snapshot_seed.sql': SNAPSHOT }, files: { 'assets/lorem-ipsum.txt': 'Lorem ipsum dolor sit amet' } });
  p.write({
    'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\nasset-paths: ["assets", "invalid-asset-paths"]\nvars:\n  test_schema: ${p.schema}\n  alternate_schema: ${p.schema}_test\nseeds:\n  quote_columns: true\n`,
  });
  return p;
}

const column = (name: string, type: string, index?: number) => ({ name, index: index ?? expect.any(Number), type, comment: null });
const seedColumns = (indexed: boolean) => ({
  id: column('id', 'Int32', indexed ? 1 : undefined),
  first_name: column('first_name', 'String', indexed ? 2 : undefined),
  email: column('email', 'String', indexed ? 3 : undefined),
  ip_address: column('ip_address', 'String', indexed ? 4 : undefined),
  updated_at: column('updated_at', 'DateTime', indexed ? 5 : undefined),
});
const entry = (uniqueId: string, schema: string, name: string, type: string, columns: Record<string, unknown>) => ({
  unique_id: uniqueId,
  metadata: { schema, database: '', name, type, comment: null, owner: null },
  columns,
});

async function runAndGenerate(p: DbtProject, args: string[] = []): Promise<number> {
  expect((await p.dbt(['run'])).results).toHaveLength(2);
  rmSync(join(p.dir, 'target', 'manifest.json'), { force: true });
  rmSync(join(p.dir, 'target', 'run_results.json'), { force: true });
  const start = Date.now();
  await p.dbt(['docs', 'generate', ...args]);
  return start;
}

function verifyCatalog(p: DbtProject, expected: { nodes: Record<string, Record<string, unknown>>; sources: Record<string, Record<string, unknown>> }, start: number): void {
  const catalog = p.readJson('target/catalog.json');
  expect(new Set(Object.keys(catalog))).toEqual(new Set(['errors', 'metadata', 'nodes', 'sources']));
  expect(Date.parse(catalog.metadata.generated_at)).toBeGreaterThanOrEqual(start - 1000);
  expect(catalog.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/catalog/v1.json');
  expect(catalog.metadata.env).toEqual({ env_key: 'env_value' });
  expect(catalog.errors).toBeFalsy();
  for (const key of ['nodes', 'sources'] as const)
    for (const [id, node] of Object.entries(expected[key])) {
      const found = catalog[key][id];
      expect(found, `${key} ${id}`).toBeDefined();
      for (const [k, v] of Object.entries(node)) expect(found[k], `Key '${k}' in '${id}'`).toEqual(v);
      expect(found.stats.has_stats).toMatchObject({ id: 'has_stats', label: 'Has Stats?', include: false });
    }
}

describe('docs generate (dbt-tests-adapter basic/test_docs_generate.py, dbt-clickhouse expectations)', () => {
  beforeEach(() => void (process.env.DBT_ENV_CUSTOM_ENV_env_key = 'env_value'));
  afterEach(() => void delete process.env.DBT_ENV_CUSTOM_ENV_env_key);

  const baseModels = {
    'schema.yml': MODELS_SCHEMA,
    'second_model.sql': "\n{{\n    config(\n        materialized='view',\n        schema='test',\n    )\n}}\n\nselect * from {{ ref('seed') }}\n",
    'readme.md': '\nThis is a readme.md file with {{ invalid-ish jinja }} in it\n',
    'model.sql': "\n{{\n    config(\n        materialized='view',\n    )\n}}\n\nselect * from {{ ref('seed') }}\n",
  };
  const baseExpected = (p: DbtProject) => ({
    nodes: {
      'model.test.model': entry('model.test.model', p.schema, 'model', 'view', seedColumns(false)),
      'model.test.second_model': entry('model.test.second_model', `${p.schema}_test`, 'second_model', 'view', seedColumns(false)),
      'seed.test.seed': entry('seed.test.seed', p.schema, 'seed', 'table', seedColumns(false)),
    },
    sources: { 'source.test.my_source.my_table': entry('source.test.my_source.my_table', p.schema, 'seed', 'table', seedColumns(false)) },
  });

  it('BaseDocsGenerate: test_run_and_generate (catalog, assets copied)', async () => {
    const p = generateProject(baseModels);
    await p.dbt(['seed']);
    const start = await runAndGenerate(p);
    verifyCatalog(p, baseExpected(p), start);
    expect(existsSync(join(p.dir, 'target', 'assets', 'lorem-ipsum.txt'))).toBe(true);
    expect(existsSync(join(p.dir, 'target', 'non-existent-assets'))).toBe(false);
  });

  it('BaseDocsGenerate: test_run_and_generate_no_compile (no manifest.json)', async () => {
    const p = generateProject(baseModels);
    await p.dbt(['seed']);
    const start = await runAndGenerate(p, ['--no-compile']);
    expect(existsSync(join(p.dir, 'target', 'manifest.json'))).toBe(false);
    verifyCatalog(p, baseExpected(p), start);
  });

  it('BaseDocsGenReferences (dbt-clickhouse: seed_summary table, view_summary view)', async () => {
    const docs = [
      ['seed_summary', 'A summmary table of the seed data'],
      ['summary_first_name', 'The first name being summarized'],
      ['summary_count', 'The number of instances of the first name'],
      ['view_summary', 'A view of the summary of the ephemeral copy of the seed data'],
      ['source_info', 'My source'],
      ['table_info', 'My table'],
      ['column_info', 'An ID field'],
      ['notebook_info', 'A description of the complex exposure'],
    ];
    const p = generateProject({
      'schema.yml': `
version: 2

models:
  - name: seed_summary
    description: "{{ doc('seed_summary') }}"
    columns: &summary_columns
      - name: first_name
        description: "{{ doc('summary_first_name') }}"
      - name: ct
        description: "{{ doc('summary_count') }}"
  - name: view_summary
    description: "{{ doc('view_summary') }}"
    columns: *summary_columns

exposures:
  - name: notebook_exposure
    type: notebook
    depends_on:
      - ref('view_summary')
    owner:
      email: something@example.com
      name: Some name
    description: "{{ doc('notebook_info') }}"
    maturity: medium
    url: http://example.com/notebook/1
    meta:
      tool: 'my_tool'
      languages:
        - python
    tags: ['my_department']
`,
      'sources.yml': `
version: 2
sources:
  - name: my_source
    description: "{{ doc('source_info') }}"
    loader: a_loader
    schema: "{{ var('test_schema') }}"
    tables:
      - name: my_table
        description: "{{ doc('table_info') }}"
        identifier: seed
        columns:
          - name: id
            description: "{{ doc('column_info') }}"
`,
      'seed_summary.sql': '\n{{\n  config(\n    materialized = "table"\n  )\n}}\n\nselect first_name, count() as ct from {{ source("my_source", "my_table") }}\ngroup by first_name\norder by first_name asc\n\n',
      'view_summary.sql': '\n{{\n  config(\n    materialized = "view"\n  )\n}}\n\nselect first_name, ct from {{ref(\'seed_summary\')}}\norder by ct asc\n\n',
      'docs.md': docs.map(([name, text]) => `{% docs ${name} %}\n${text}\n{% enddocs %}\n`).join('\n'),
    });
    await p.dbt(['seed']);
    const start = await runAndGenerate(p);
    const summary = { first_name: column('first_name', 'String', 1), ct: column('ct', 'UInt64', 2) };
    verifyCatalog(
      p,
      {
        nodes: {
          'seed.test.seed': entry('seed.test.seed', p.schema, 'seed', 'table', seedColumns(true)),
          'model.test.seed_summary': entry('model.test.seed_summary', p.schema, 'seed_summary', 'table', summary),
          'model.test.view_summary': entry('model.test.view_summary', p.schema, 'view_summary', 'view', summary),
        },
        sources: { 'source.test.my_source.my_table': entry('source.test.my_source.my_table', p.schema, 'seed', 'table', seedColumns(true)) },
      },
      start,
    );
  });

  it("catalog/relation_types CatalogRelationTypes: each node's catalog type, as dbt-clickhouse names them", async () => {
    const p = dbtProject({
      seeds: { 'my_seed.csv': 'id,value,record_valid_date\n1,100,2023-01-01 00:00:00\n2,200,2023-01-02 00:00:00\n3,300,2023-01-02 00:00:00' },
      models: {
        'my_table.sql': "\n{{ config(\n    materialized='table',\n) }}\nselect *\nfrom {{ ref('my_seed') }}\n",
        'my_view.sql': "\n{{ config(\n    materialized='view',\n) }}\nselect *\nfrom {{ ref('my_seed') }}\n",
        'my_materialized_view.sql': "\n{{ config(\n    materialized='materialized_view',\n) }}\nselect *\nfrom {{ ref('my_seed') }}\n",
      },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await p.dbt(['docs', 'generate']);
    const nodes = p.readJson('target/catalog.json').nodes;
    // dbt-clickhouse's catalog says 'table' or 'view' (upstream's Postgres: BASE TABLE, VIEW, MATERIALIZED
    // VIEW); a materialized_view model's relation is its target table (the view is `<model>_mv`).
    const types = Object.fromEntries(['seed.test.my_seed', 'model.test.my_table', 'model.test.my_view', 'model.test.my_materialized_view'].map((id) => [id, nodes[id]?.metadata.type]));
    expect(types).toEqual({ 'seed.test.my_seed': 'table', 'model.test.my_table': 'table', 'model.test.my_view': 'view', 'model.test.my_materialized_view': 'table' });
  });
});
