import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter persist_docs/test_persist_docs.py (BasePersistDocs, BasePersistDocsColumnMissing,
 * BasePersistDocsAllColumnsMissing, BasePersistDocsQuotedColumnCaseSensitive,
 * BasePersistDocsQuotedDescriptionNotAppliedOnMismatch, BasePersistDocsCommentOnQuotedColumn) as dbt-clickhouse runs them, and dbt-clickhouse's
 * clickhouse/test_clickhouse_comments.py: descriptions become the relation's and the columns'
 * COMMENTs (tables and views), read back through `docs generate`'s catalog.json.
 */
const DESCRIPTION = `"with double quotes"
      and with 'single  quotes' as welll as other;
      '''abc123'''
      reserved -- characters
      80% of statistics are made up on the spot
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
80% of statistics are made up on the spot
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
    expect(comment).toContain('80% of statistics are made up on the spot');
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
    const run = await p.dbt(['run']);
    // test_missing_column_warning
    expect(run.out.join('\n')).toContain('The following columns are specified in the schema but are not present in the database: column_that_does_not_exist');
    const nodes = await catalogNodes(p);
    expect(nodes['model.test.missing_column']!.columns.id!.comment).toMatch(/^test id column description/);
    // relation: not set, so the table has no comment.
    expect(nodes['model.test.missing_column']!.metadata.comment).toBeNull();
  });

  const columnsOnly = 'models:\n  test:\n    +persist_docs:\n      columns: true\n';
  it('BasePersistDocsAllColumnsMissing: every documented column missing: the run succeeds and names them all', async () => {
    const p = dbtProject({
      projectConfig: columnsOnly,
      models: {
        'all_columns_missing.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
        'schema.yml':
          'version: 2\nmodels:\n  - name: all_columns_missing\n    columns:\n      - name: bogus_col_one\n        description: "first bogus column"\n      - name: bogus_col_two\n        description: "second bogus column"\n',
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]!.status).toBe('success');
    const log = run.out.join('\n');
    expect(log).toContain('bogus_col_one');
    expect(log).toContain('bogus_col_two');
    expect(log).toContain(`In relation \`${p.schema}\`.\`all_columns_missing\`: The following columns are specified in the schema but are not present in the database: bogus_col_one, bogus_col_two`);
  });

  it('BasePersistDocsQuotedColumnCaseSensitive: a quoted YAML column matches its exact name only', async () => {
    const p = dbtProject({
      projectConfig: columnsOnly,
      models: {
        'quoted_case_sensitive.sql': "{{ config(materialized='table') }}\nselect 1 as mycol\n",
        'schema.yml':
          'version: 2\nmodels:\n  - name: quoted_case_sensitive\n    columns:\n      - name: MyCol\n        description: "case-sensitive name; must not silently match mycol"\n        quote: true\n',
      },
    });
    const run = await p.dbt(['run']);
    expect(run.out.join('\n')).toContain('The following columns are specified in the schema but are not present in the database: MyCol');
  });

  it('BasePersistDocsQuotedDescriptionNotAppliedOnMismatch: a quoted name of another case gets no comment', async () => {
    const p = dbtProject({
      projectConfig: columnsOnly,
      models: {
        'quoted_physical_case_mismatch.sql': '{{ config(materialized=\'table\') }}\nselect 1 as {{ adapter.quote("MyCol") }}\n',
        'schema.yml':
          'version: 2\nmodels:\n  - name: quoted_physical_case_mismatch\n    columns:\n      - name: mycol\n        description: "DOCUMENTED_DESCRIPTION_SENTINEL must not be applied to a different-case physical column"\n        quote: true\n',
      },
    });
    const run = await p.dbt(['run']);
    expect(run.out.join('\n')).toContain('The following columns are specified in the schema but are not present in the database: mycol');
    const nodes = await catalogNodes(p);
    for (const column of Object.values(nodes['model.test.quoted_physical_case_mismatch']!.columns)) expect(column.comment ?? '').not.toContain('DOCUMENTED_DESCRIPTION_SENTINEL');
  });

  it("an unquoted YAML column documents the relation's column of another case (dbt's case-insensitive match), with no warning", async () => {
    const p = dbtProject({
      projectConfig: columnsOnly,
      models: {
        'mixed_case.sql': '{{ config(materialized=\'table\') }}\nselect 1 as {{ adapter.quote("MyCol") }}\n',
        'schema.yml': 'version: 2\nmodels:\n  - name: mixed_case\n    columns:\n      - name: mycol\n        description: "documented in lower case"\n',
      },
    });
    const run = await p.dbt(['run']);
    expect(run.out.join('\n')).not.toContain('not present in the database');
    const nodes = await catalogNodes(p);
    expect(nodes['model.test.mixed_case']!.columns.MyCol!.comment).toBe('documented in lower case');
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
