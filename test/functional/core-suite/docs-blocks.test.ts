import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/docs: test_duplicate_docs_block.py, test_invalid_doc_ref.py and
 * test_missing_docs_blocks.py — a doc() that names a missing block (or a package that does not
 * exist), or two blocks of one name, fail the run with a compilation error.
 */
const MODEL = "select 1 as id, 'joe' as first_name";

describe('docs blocks (docs/test_*_docs_block*.py, test_invalid_doc_ref.py)', () => {
  it('TestDuplicateDocsBlock: two docs blocks of one name fail', async () => {
    const p = dbtProject({
      models: {
        'model.sql': MODEL,
        'schema.yml': 'version: 2\n\nmodels:\n  - name: model\n    description: "{{ doc(\'my_model_doc\') }}"\n',
        // The upstream fixture defines docs.md but does not install it; both fail.
        'docs.md': '{% docs my_model_doc %}\n    a doc string\n{% enddocs %}\n\n{% docs my_model_doc %}\n    duplicate doc string\n{% enddocs %}',
      },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/my_model_doc/);
  });

  it('TestInvalidDocRef: doc() of a package that does not exist fails', async () => {
    const p = dbtProject({
      models: {
        'model.sql': MODEL,
        'docs.md': "{% docs my_model_doc %}\nMy model is just a copy of the seed\n{% enddocs %}\n\n{% docs my_model_doc__id %}\nThe user ID number\n{% enddocs %}\n\nThe following doc is never used, which should be fine.\n{% docs my_model_doc__first_name %}\nThe user's first name\n{% enddocs %}",
        'schema.yml': "version: 2\n\nmodels:\n  - name: model\n    description: \"{{ doc('my_model_doc') }}\"\n    columns:\n      - name: id\n        description: \"{{ doc('my_model_doc__id') }}\"\n      - name: first_name\n        description: \"{{ doc('foo.bar.my_model_doc__id') }}\"\n",
      },
    });
    await p.dbt(['run'], { expectPass: false });
  });

  it('TestMissingDocsBlocks: doc() of a block that does not exist fails', async () => {
    const p = dbtProject({
      models: {
        'model.sql': MODEL,
        'docs.md': '{% docs my_model_doc %}\nMy model is just a copy of the seed\n{% enddocs %}\n\n{% docs my_model_doc__id %}\nThe user ID number\n{% enddocs %}',
        'schema.yml': "version: 2\n\nmodels:\n  - name: model\n    description: \"{{ doc('my_model_doc') }}\"\n    columns:\n      - name: id\n        description: \"{{ doc('my_model_doc__id') }}\"\n      - name: first_name\n      # invalid reference\n        description: \"{{ doc('my_model_doc__first_name') }}\"\n",
      },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/my_model_doc__first_name/);
  });
});
