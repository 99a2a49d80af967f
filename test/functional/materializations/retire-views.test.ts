import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/** Counts the statements listing a database's materialized views (retire-views.ts) from now on. */
async function countListings(project: TsdbtProject): Promise<() => number> {
  const client = (await project.adapter()).client;
  const query = client.query.bind(client);
  let n = 0;
  client.query = ((sql: string, o?: unknown) => {
    if (/engine = 'MaterializedView'/.test(sql) && /^SELECT name, create_table_query/.test(sql)) n++;
    return query(sql, o as never);
  }) as typeof client.query;
  return () => n;
}

const engines = async (project: TsdbtProject, schema: string) =>
  Object.fromEntries((await queryRows<{ name: string; engine: string }>(project, `SELECT name, engine FROM system.tables WHERE database = '${schema}' ORDER BY name`)).map((r) => [r.name, r.engine]));

describe("a former materialized view's own views (retire-views.ts), listed once per run", () => {
  it('lists the materialized views of the schema once for a run of many models, not once per model', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`models/t${i}.sql`] = `{{ config(materialized='${i % 2 ? 'view' : 'table'}') }}\nselect ${i} as a`;
    const { project } = setup(files);
    const listings = await countListings(project);
    const result = await project.run();
    expect(Object.values(statuses(result))).toEqual(Array(6).fill('success'));
    expect(listings()).toBe(1);
    await project.run();
    expect(listings()).toBe(2); // each run lists again: the warehouse may have changed between runs
  });

  it('a view made mid-run (a hook of an earlier model) writing into a later model is still dropped before that model builds', async () => {
    const { p, project } = setup({
      'models/early.sql': "{{ config(materialized='table') }}\nselect 1 as a",
      'models/late.sql': "{{ config(materialized='table') }}\n-- depends_on: {{ ref('early') }}\nselect 2 as a",
    });
    expect(Object.values(statuses(await project.run()))).toEqual(['success', 'success']);
    // As a model that was a materialized_view owning `late` leaves behind: late_mv TO late.
    p.write({
      'models/early.sql':
        "{{ config(materialized='table', post_hook=\"CREATE MATERIALIZED VIEW {{ this.schema }}.late_mv TO {{ this.schema }}.late AS SELECT a FROM {{ this }}\") }}\nselect 1 as a",
    });
    const again = setup.reopen(p);
    const listings = await countListings(again);
    const result = await again.run();
    expect(statuses(result)).toEqual({ early: 'success', late: 'success' });
    expect(await engines(again, p.schema)).toEqual({ early: 'MergeTree', late: 'MergeTree' });
    expect(await queryRows(again, `SELECT a FROM ${p.schema}.late`)).toEqual([{ a: 2 }]);
    // early's listing; the hook's CREATE MATERIALIZED VIEW makes late list again; then again just before the drop.
    expect(listings()).toBe(3);
  });
});
