import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

describe('a model body is one statement', () => {
  it('a model of two statements is a project error naming the file, and neither statement runs', async () => {
    const { p, project } = setup({ 'models/m.sql': "{{ config(materialized='table') }}\nselect 1 as x; drop table {{ target.schema }}.victim" });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    await adapter.client.command(`CREATE TABLE ${p.schema}.victim (x UInt8) ENGINE = MergeTree ORDER BY x`);
    const r = await project.run();
    expectStatuses(r, { m: 'error' });
    expect(r.results[0]!.message).toMatch(/^The model m holds 2 SQL statements; a model is one statement/);
    expect(r.results[0]!.file).toBe('models/m.sql');
    // Before: the embedded engine ran both, the run reported success and the table was gone.
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([{ name: 'victim' }]);
  });

  it("a trailing ';' or comment, and ';' inside literals, names or comments, are one statement", async () => {
    const { p, project } = setup({
      'models/a.sql': "select 1 as x;\n-- done;\n",
      'models/b.sql': "select 'a;b' as s, `c;d` as t /* ; */ from (select 1 as `c;d`) -- ;\n;",
    });
    expectStatuses(await project.run(), { a: 'success', b: 'success' });
    expect(await queryRows(project, `SELECT s, t FROM ${p.schema}.b`)).toEqual([{ s: 'a;b', t: 1 }]);
  });
});
