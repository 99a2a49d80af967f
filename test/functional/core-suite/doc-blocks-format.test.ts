import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/docs/test_doc_blocks_formatting.py (doc('x').format(...) and a string's
 * .format() in a column description) and test_doc_blocks_backcompat.py (a `doc_blocks:` key written
 * in YAML is ignored: manifest doc_blocks stay []).
 */
describe('doc blocks (docs/test_doc_blocks_formatting.py, test_doc_blocks_backcompat.py)', () => {
  it("formatting: doc('test_doc').format(test_name='id') and '…{test_name}'.format(…)", async () => {
    const p = dbtProject({
      models: {
        'my_colors.sql': "select 1 as id, 'blue' as color",
        'schema.yml': "\nmodels:\n  - name: my_colors\n    columns:\n      - name: id\n        description: \"{{ doc('test_doc').format(test_name = 'id') }}\"\n      - name: color\n        description: \"{{ 'This is a test for column {test_name}'.format(test_name = 'color') }}\"\n",
        'docs.md': '{% docs test_doc %}\nThis is a test for column {test_name}\n{% enddocs %}\n',
      },
    });
    await p.dbt(['parse']);
    const columns = p.readJson('target/manifest.json').nodes['model.test.my_colors'].columns as Record<string, { description: string; doc_blocks?: unknown[] }>;
    for (const [name, column] of Object.entries(columns)) {
      expect(column.description).toBe(`This is a test for column ${name}`);
      expect(column.doc_blocks ?? []).toEqual([]);
    }
  });

  it('back compat: doc_blocks written in YAML are not read', async () => {
    const p = dbtProject({
      models: { 'my_colors.sql': "select 1 as id, 'blue' as color", 'schema.yml': '\nmodels:\n  - name: my_colors\n    doc_blocks: 2\n    columns:\n      - name: id\n        doc_blocks: 2\n      - name: color\n        doc_blocks: ["hello", 2, "world"]\n' },
    });
    await p.dbt(['parse']);
    const node = p.readJson('target/manifest.json').nodes['model.test.my_colors'];
    expect(node.doc_blocks ?? []).toEqual([]);
    for (const column of Object.values(node.columns as Record<string, { doc_blocks?: unknown[] }>)) expect(column.doc_blocks ?? []).toEqual([]);
  });
});
