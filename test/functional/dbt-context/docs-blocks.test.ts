import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineProject, openedPerTest } from '../../helpers/inline-project.js';
import { ProjectError } from '../../../packages/core/src/index.js';

/*
 * dbt's documentation blocks: `{% docs name %}…{% enddocs %}` in .md files under docs-paths (default:
 * every resource path), rendered with an empty context and stripped (parser/docs.py), and `doc()`
 * in descriptions, rendered by the manifest's process_docs (context/docs.py DocsRuntimeContext).
 */
const setup = openedPerTest();

const SCHEMA = `version: 2
models:
  - name: orders
    description: '{{ doc("orders") }}'
    columns:
      - name: status
        description: "Status: {{ doc('order_status') }}"
      - name: amount
        description: Amount in dollars, as written.
sources:
  - name: raw
    description: "{{ doc('raw_source') }}"
    tables:
      - name: payments
        description: "{{ doc('proj', 'order_status') }}"
`;

const DOCS = `# Docs

Text outside blocks is ignored.

{% docs orders %}
One row per **order**.

{{ "Rendered" }} with Jinja, like dbt.
{% enddocs %}

{%- docs order_status -%}
| status | meaning |
|--------|---------|
| placed | not shipped |
{%- enddocs -%}

{% docs raw_source %}Loaded nightly.{% enddocs %}

{% docs __overview__ %}
Welcome to proj.
{% enddocs %}
`;

describe('{% docs %} blocks and doc()', () => {
  it('doc() in model, column and source descriptions gives the block text; manifest.json lists the docs', async () => {
    const { p, project } = setup({
      'models/orders.sql': 'select 1 as status, 2 as amount',
      'models/schema.yml': SCHEMA,
      'models/docs/orders.md': DOCS,
    });
    const orders = project.node('model.proj.orders');
    expect(orders.description).toBe('One row per **order**.\n\nRendered with Jinja, like dbt.');
    expect(orders.columns.status!.description).toBe('Status: | status | meaning |\n|--------|---------|\n| placed | not shipped |');
    expect(orders.columns.amount!.description).toBe('Amount in dollars, as written.');
    const payments = project.node('source.proj.raw.payments');
    expect(payments.description).toMatch(/^\| status/);
    expect(payments.resourceType === 'source' && payments.sourceDescription).toBe('Loaded nightly.');

    await project.compile();
    const manifest = JSON.parse(readFileSync(join(p.dir, 'target', 'manifest.json'), 'utf8'));
    // dbt's built-in package's overview is listed too (a project's own __overview__ beside it).
    expect(Object.keys(manifest.docs).sort()).toEqual(['doc.dbt.__overview__', 'doc.proj.__overview__', 'doc.proj.order_status', 'doc.proj.orders', 'doc.proj.raw_source']);
    expect(manifest.docs['doc.dbt.__overview__']).toMatchObject({ name: '__overview__', resource_type: 'doc', package_name: 'dbt', path: 'overview.md', original_file_path: 'docs/overview.md', unique_id: 'doc.dbt.__overview__' });
    expect(manifest.docs['doc.dbt.__overview__'].block_contents).toContain('### Welcome!');
    expect(manifest.docs['doc.proj.raw_source']).toEqual({
      name: 'raw_source',
      resource_type: 'doc',
      package_name: 'proj',
      path: 'models/docs/orders.md',
      original_file_path: 'models/docs/orders.md',
      unique_id: 'doc.proj.raw_source',
      block_contents: 'Loaded nightly.',
    });
    expect(manifest.nodes['model.proj.orders'].description).toBe('One row per **order**.\n\nRendered with Jinja, like dbt.');
    expect(manifest.sources['source.proj.raw.payments'].source_description).toBe('Loaded nightly.');
  });

  it('docs-paths limits where blocks are read; a block elsewhere is not found (dbt’s error names the node and the doc)', () => {
    const p = inlineProject(
      {
        'models/orders.sql': 'select 1 as x',
        'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    description: "{{ doc(\'elsewhere\') }}"\n',
        'models/other.md': '{% docs elsewhere %}x{% enddocs %}',
        'docs/kept.md': '{% docs kept %}y{% enddocs %}',
      },
      { projectYml: 'name: proj\nprofile: proj\ndocs-paths: ["docs"]\n' },
    );
    try {
      let error: unknown;
      try {
        p.open();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProjectError);
      expect((error as ProjectError).message).toContain("Documentation for 'model.proj.orders' depends on doc 'elsewhere' which was not found");
      expect((error as ProjectError).file).toBe('models/schema.yml');
      expect((error as ProjectError).hint).toContain('kept');
    } finally {
      p.cleanup();
    }
  });

  it('two blocks of one name in a package are an error naming both files; an unclosed block names its line', () => {
    const clash = inlineProject({ 'models/a.md': '{% docs x %}1{% enddocs %}', 'models/b.md': '\n{% docs x %}2{% enddocs %}' });
    const unclosed = inlineProject({ 'models/a.md': 'intro\n\n{% docs x %}\nnever closed\n' });
    try {
      expect(() => clash.open()).toThrow(/two docs with the same name: 'x' in models\/a\.md:1 and models\/b\.md:2/);
      let error: ProjectError | undefined;
      try {
        unclosed.open();
      } catch (e) {
        error = e as ProjectError;
      }
      expect([error?.code, error?.file, error?.line]).toEqual(['docs_block', 'models/a.md', 3]);
    } finally {
      clash.cleanup();
      unclosed.cleanup();
    }
  });

  it("a stray {% enddocs %} (no block open) is skipped as dbt's block lexer skips it; the file's blocks still load", () => {
    const p = inlineProject({ 'models/a.md': '{% docs kept %}Kept.{% enddocs %}\n{% unverified %}\nA typo for a docs tag.\n{% enddocs %}\n{% docs after %}After.{% enddocs %}\n' });
    try {
      const docs = [...p.open().manifest.docs.values()].filter((d) => d.packageName !== 'dbt').map((d) => [d.name, d.blockContents]);
      expect(docs.sort()).toEqual([['after', 'After.'], ['kept', 'Kept.']]);
    } finally {
      p.cleanup();
    }
  });

  it('macros: in schema YAML documents a macro (description with doc(), arguments); a patch for an unknown macro is a warning', async () => {
    const logs: string[] = [];
    const p = inlineProject({
      'macros/cents.sql': '{% macro cents_to_dollars(column, scale=2) %}round({{ column }} / 100, {{ scale }}){% endmacro %}',
      'macros/schema.yml': `version: 2
macros:
  - name: cents_to_dollars
    description: '{{ doc("cents") }}'
    arguments:
      - name: column
        type: string
        description: The column holding cents
      - name: scale
        type: integer
  - name: not_defined_anywhere
    description: nothing
`,
      'macros/docs.md': '{% docs cents %}Converts cents to dollars.{% enddocs %}',
      'models/m.sql': 'select {{ cents_to_dollars(150) }} as d',
    });
    try {
      const project = p.open({ onLog: (m) => logs.push(m) });
      const macro = project.manifest.macros.get('macro.proj.cents_to_dollars')!;
      expect(macro.description).toBe('Converts cents to dollars.');
      await project.compile();
      const manifest = JSON.parse(readFileSync(join(p.dir, 'target', 'manifest.json'), 'utf8'));
      expect(manifest.macros['macro.proj.cents_to_dollars']).toMatchObject({
        description: 'Converts cents to dollars.',
        arguments: [
          { name: 'column', type: 'string', description: 'The column holding cents' },
          { name: 'scale', type: 'integer', description: '' },
        ],
        patch_path: 'proj://macros/schema.yml',
      });
      expect(logs.some((l) => l.includes("macro 'not_defined_anywhere'"))).toBe(true);
      await project.close();
    } finally {
      p.cleanup();
    }
  });
});
