import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core's expected_manifest.py: a model's primary_key (ModelNode.infer_primary_key, sorted) and
 * the doc_blocks of nodes, sources and columns (dbt 1.10: the docs blocks their descriptions name).
 */
describe('manifest.json: primary_key and doc_blocks (expected_manifest.py)', () => {
  it("a model's primary_key: its constraint, else not_null + unique tests, else unique tests (disabled too), else []", async () => {
    const p = dbtProject({
      models: {
        'by_constraint.sql': 'select 1 as id, 2 as other',
        'by_tests.sql': 'select 1 as b, 2 as a, 3 as c',
        'by_unique.sql': 'select 1 as u, 2 as v',
        'by_disabled.sql': 'select 1 as d',
        'none.sql': 'select 1 as x',
        'schema.yml': [
          'version: 2',
          'models:',
          '  - name: by_constraint',
          '    constraints: [{type: primary_key, columns: [other, id]}]',
          '    columns: [{name: id, data_tests: [unique, not_null]}]',
          '  - name: by_tests',
          '    columns:',
          '      - {name: b, data_tests: [not_null, unique]}',
          '      - {name: a, data_tests: [unique, not_null]}',
          '      - {name: c, data_tests: [unique]}',
          '  - name: by_unique',
          '    columns:',
          '      - {name: v, data_tests: [unique]}',
          '      - {name: u, data_tests: [unique]}',
          '  - name: by_disabled',
          '    columns:',
          '      - {name: d, data_tests: [{unique: {config: {enabled: false}}}]}',
          '  - name: none',
          '    columns: [{name: x, data_tests: [not_null]}]',
          '',
        ].join('\n'),
      },
    });
    await p.dbt(['parse']);
    const nodes = p.readJson('target/manifest.json').nodes;
    const pk = (name: string) => nodes[`model.test.${name}`].primary_key;
    expect([pk('by_constraint'), pk('by_tests'), pk('by_unique'), pk('by_disabled'), pk('none')]).toEqual([['id', 'other'], ['a', 'b'], ['u', 'v'], ['d'], []]);
  });

  it('doc_blocks: the docs blocks a node, source or column description names, in order; [] without', async () => {
    const p = dbtProject({
      models: {
        'm.sql': 'select 1 as id, 2 as plain',
        'docs.md': '{% docs intro %}Intro{% enddocs %}\n{% docs id_doc %}The id{% enddocs %}\n',
        'schema.yml': [
          'version: 2',
          'sources:',
          '  - name: raw',
          '    tables:',
          '      - name: t',
          '        description: "{{ doc(\'intro\') }}"',
          'models:',
          '  - name: m',
          '    description: "{{ doc(\'intro\') }} and {{ doc(\'test\', \'id_doc\') }}"',
          '    columns:',
          '      - {name: id, description: "{{ doc(\'id_doc\') }}"}',
          '      - {name: plain, description: plain text}',
          '',
        ].join('\n'),
      },
    });
    await p.dbt(['parse']);
    const m = p.readJson('target/manifest.json');
    const model = m.nodes['model.test.m'];
    expect(model.description).toBe('Intro and The id');
    expect(model.doc_blocks).toEqual(['doc.test.intro', 'doc.test.id_doc']);
    expect(model.columns.id.doc_blocks).toEqual(['doc.test.id_doc']);
    expect(model.columns.plain.doc_blocks).toEqual([]);
    expect(m.sources['source.test.raw.t'].doc_blocks).toEqual(['doc.test.intro']);
    const test = Object.values(m.nodes).find((n: any) => n.resource_type === 'test') as any;
    expect(test?.doc_blocks ?? []).toEqual([]);
  });
});
