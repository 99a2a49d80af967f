import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter persist_docs/test_persist_docs.py (BasePersistDocs, BasePersistDocsColumnMissing,
 * BasePersistDocsCommentOnQuotedColumn) as dbt-clickhouse runs them, and dbt-clickhouse's
 * clickhouse/test_clickhouse_comments.py: descriptions become the relation's and the columns'
 * COMMENTs (tables and views), read back through `docs generate`'s catalog.json.
 */
const DESCRIPTION = `"with double quotes"
      and with 'single  quotes' as welll as other;
      '''abc123'''
      reserved -- characters
      --
      /* comment */
      Some $lbl$ labeled $lbl$ and $$ unlabeled $$ dollar-quoting`;
const indent = (text: string, by: string) => text.replaceAll('\n      ', `\n${by}`);

const SCHEMA_YML = `version: 2

models:
  - name: table_model
    description: |
      Table model description ${DESCRIPTION}
    columns:
      - name: id
        description: |
          id Column description ${indent(DESCRIPTION, '          ')}
      - name: name
        description: |
          Some stuff here and then a call to
          {{ doc('my_fun_doc')}}
  - name: view_model
    description: |
      View model description ${DESCRIPTION}
    columns:
      - name: id
        description: |
          id Column description ${indent(DESCRIPTION, '          ')}

seeds:
  - name: seed
    description: |
      Seed model description ${DESCRIPTION}
    columns:
      - name: id
        description: |
          id Column description ${indent(DESCRIPTION, '          ')}
      - name: name
        description: |
          Some stuff here and then a call to
          {{ doc('my_fun_doc')}}
`;
const MY_FUN_DOCS = `
{% docs my_fun_doc %}
name Column description "with double quotes"
and with 'single  quotes' as welll as other;
'''abc123'''
reserved -- characters
--
/* comment */
Some $lbl$ labeled $lbl$ and $$ unlabeled $$ dollar-quoting

{% enddocs %}
`;
const BASE_MODELS = {
  'no_docs_model.sql': "select 1 as id, 'Alice' as name\n",
  'table_model.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'Joe' as name\n",
  'view_model.sql': "{{ config(materialized='view') }}\nselect 2 as id, 'Bob' as name\n",
};
const SEED = 'id,name\n1,Alice\n2,Bob\n';

function assertCommonComments(...comments: (string | null)[]): void {
  for (const comment of comments) {
    expect(comment).toContain('"with double quotes"');
    expect(comment).toContain("'''abc123'''");
    expect(comment).toContain('\n');
    expect(comment).toContain('Some $lbl$ labeled $lbl$ and $$ unlabeled $$ dollar-quoting');
    expect(comment).toContain('/* comment */');
    expect(comment).toContain('--\n');
  }
}

async function catalogNodes(p: DbtProject): Promise<Record<string, { metadata: { comment: string | null }; columns: Record<string, { comment: string | null }> }>> {
  await p.dbt(['docs', 'generate']);
  const catalog = p.readJson('target/catalog.json');
  expect(catalog).toHaveProperty('nodes');
  return catalog.nodes;
}

describe('persist_docs (dbt-tests-adapter persist_docs/test_persist_docs.py)', () => {
  it('BasePersistDocs: model and column descriptions are COMMENTs on tables and views; a model without docs has none', async () => {
    const p = dbtProject({
      projectConfig: 'models:\n  test:\n    +persist_docs:\n      relation: true\n      columns: true\n',
      seeds: { 'seed.csv': SEED },
      models: { ...BASE_MODELS, 'schema.yml': SCHEMA_YML, 'my_fun_docs.md': MY_FUN_DOCS },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    const nodes = await catalogNodes(p);
    expect(Object.keys(nodes)).toHaveLength(4);

    const table = nodes['model.test.table_model']!;
    expect(table.metadata.comment).toMatch(/^Table model description/);
    expect(table.columns.id!.comment).toMatch(/^id Column description/);
    expect(table.columns.name!.comment).toMatch(/^Some stuff here and then a call to/);
    // The doc() block is rendered into the comment.
    expect(table.columns.name!.comment).toContain('name Column description');
    assertCommonComments(table.metadata.comment, table.columns.id!.comment, table.columns.name!.comment);

    const view = nodes['model.test.view_model']!;
    expect(view.metadata.comment).toMatch(/^View model description/);
    expect(view.columns.id!.comment).toMatch(/^id Column description/);
    assertCommonComments(view.metadata.comment, view.columns.id!.comment);
    expect(view.columns.name!.comment).toBeNull();

    const noDocs = nodes['model.test.no_docs_model']!;
    expect(noDocs.metadata.comment).toBeNull();
    expect(noDocs.columns.id!.comment).toBeNull();
    expect(noDocs.columns.name!.comment).toBeNull();

    // persist_docs is set for models only: the seed keeps no comment.
    expect(nodes['seed.test.seed']!.metadata.comment).toBeNull();
  });

  it('BasePersistDocsColumnMissing: a described column the model does not produce is skipped', async () => {
    const p = dbtProject({
      projectConfig: 'models:\n  test:\n    +persist_docs:\n      columns: true\n',
      models: {
        'missing_column.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'Ed' as name\n",
        'schema.yml':
          'version: 2\nmodels:\n  - name: missing_column\n    columns:\n      - name: id\n        description: "test id column description"\n      - name: column_that_does_not_exist\n        description: "comment that cannot be created"\n',
      },
    });
    await p.dbt(['run']);
    const nodes = await catalogNodes(p);
    expect(nodes['model.test.missing_column']!.columns.id!.comment).toMatch(/^test id column description/);
    // relation: not set, so the table has no comment.
    expect(nodes['model.test.missing_column']!.metadata.comment).toBeNull();
  });

  it('BasePersistDocsCommentOnQuotedColumn: a column that must be quoted gets its comment', async () => {
    const p = dbtProject({
      projectConfig: 'models:\n  test:\n    materialized: table\n    +persist_docs:\n      relation: true\n      columns: true\n',
      models: {
        'quote_model.sql': 'select 1 as {{ adapter.quote("2id") }}\n',
        'properties.yml': 'version: 2\nmodels:\n  - name: quote_model\n    description: "model to test column quotes and comments"\n    columns:\n      - name: 2id\n        description: "XXX My description"\n        quote: true\n',
      },
    });
    await p.dbt(['run']);
    const nodes = await catalogNodes(p);
    expect(Object.keys(nodes)).toHaveLength(1);
    expect(nodes['model.test.quote_model']!.columns['2id']!.comment).toMatch(/^XXX/);
  });

  it('seeds and incremental models persist docs too, on every run (dbt-clickhouse test_clickhouse_comments + seed/incremental materializations)', async () => {
    const p = dbtProject({
      projectConfig: 'seeds:\n  test:\n    +persist_docs: {relation: true, columns: true}\n',
      seeds: { 'seed.csv': SEED },
      models: {
        'table_comment.sql': '{{ config(materialized = "table", persist_docs = {"relation": true, "columns": true}) }}\nselect \'foo\' as first_name, \'bar\' as second_name\n',
        'view_comment.sql': '{{ config(materialized = "view", persist_docs = {"relation": true, "columns": true}) }}\nselect \'foo\' as first_name, \'bar\' as second_name\n',
        'incr_comment.sql':
          '{{ config(materialized = "incremental", persist_docs = {"relation": true, "columns": true}) }}\nselect \'foo\' as first_name, \'bar\' as second_name\n',
        'schema.yml': ['table_comment', 'view_comment', 'incr_comment']
          .map((m) => `  - name: ${m}\n    description: "YYY ${m}"\n    columns:\n      - name: first_name\n        description: "XXX first description"\n      - name: second_name\n        description: "XXX second description"\n`)
          .join('')
          .replace(/^/, 'version: 2\nseeds:\n  - name: seed\n    description: "YYY seed"\n    columns:\n      - name: id\n        description: "XXX seed id"\nmodels:\n'),
      },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await p.dbt(['run']); // the incremental run keeps (re-applies) its comments
    const nodes = await catalogNodes(p);
    for (const name of ['table_comment', 'view_comment', 'incr_comment']) {
      const node = nodes[`model.test.${name}`]!;
      expect(node.metadata.comment).toBe(`YYY ${name}`);
      for (const column of Object.values(node.columns)) expect(column.comment).toMatch(/^XXX/);
    }
    expect(nodes['seed.test.seed']!.metadata.comment).toBe('YYY seed');
    expect(nodes['seed.test.seed']!.columns.id!.comment).toBe('XXX seed id');
    expect(nodes['seed.test.seed']!.columns.name!.comment).toBeNull();
  });
});
