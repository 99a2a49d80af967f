import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDocs } from '../../packages/core/src/index.js';
import { expectStatuses } from '../helpers/inline-project.js';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * `docs generate` against the 18.16 server (issue #18: its system.tables has no total_rows, comment
 * or total_bytes, and system.columns no position, so the catalog query failed).
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: docs generate', () => {
  const suite = serverSuite();
  const setup = suite.setup;

  it('writes a catalog with every relation, its columns in table order and the row counts of tables', async () => {
    const { p, project } = setup({
      'seeds/people.csv': 'id,name\n1,Ann\n2,Bo\n3,Cy\n',
      'models/wide.sql': "{{ config(materialized='table') }}\nselect number as z_first, toString(number) as a_second, number * 2 as m_third from numbers(5)",
      'models/v.sql': "select z_first from {{ ref('wide') }}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: wide\n    description: A wide table\n',
    });
    expectStatuses(await project.build(), { people: 'success', wide: 'success', v: 'success' });
    const result = await generateDocs(project);
    const catalog = JSON.parse(readFileSync(join(p.dir, 'target/catalog.json'), 'utf8'));
    expect(Object.keys(catalog.nodes).sort()).toEqual(['model.proj.v', 'model.proj.wide', 'seed.proj.people']);
    const wide = catalog.nodes['model.proj.wide'];
    expect(Object.values(wide.columns).map((c) => [(c as { name: string }).name, (c as { index: number }).index])).toEqual([
      ['z_first', 1],
      ['a_second', 2],
      ['m_third', 3],
    ]);
    expect(wide.stats.row_count.value).toBe(5);
    expect(wide.metadata.type).toBe('table');
    expect(catalog.nodes['seed.proj.people'].stats.row_count.value).toBe(3);
    // a view has no row count
    expect(catalog.nodes['model.proj.v'].metadata.type).toBe('view');
    expect(catalog.nodes['model.proj.v'].stats.row_count).toBeUndefined();
    expect(result.compiled).toBe(2);
  });
});
