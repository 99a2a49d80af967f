import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * The stored-Date rule (adapter/materializations/stored-dates.ts) reads the target's column types; a materialized
 * view must read them while it holds the target (adapter.exclusive), as a sibling's full refresh in the same run may
 * rebuild the target with Date32 while this view waits for it. Read before the wait, the view kept ClickHouse's Date
 * for its casts and wrote a day before 1970 as 1970-01-01 into the rebuilt Date32 column.
 */
const setup = openedPerTest();

const RAW = "{{ config(materialized='table', order_by='id') }}\nselect 1 as id, '2024-02-29' as s";
const VIEW = (semantics: string) => `{{ config(materialized='materialized_view', order_by='id'${semantics}) }}
select id, cast(s as date) as d from {{ ref('raw') }}
`;

/** Runs `sql` once, right before the first `exclusive()` the adapter is asked for: what another node holding the target does meanwhile. */
async function whileWaitingForTheTarget(project: TsdbtProject, sql: string): Promise<() => boolean> {
  const adapter = await project.adapter();
  const original = adapter.exclusive.bind(adapter);
  let done = false;
  adapter.exclusive = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    if (!done) {
      done = true;
      await adapter.client.command(sql);
    }
    return original(key, fn);
  };
  return () => done;
}

describe('a materialized view reads the stored Date types of its target while it holds the target', () => {
  it('a target rebuilt with Date32 while the view waited gets Date32 values (a day before 1970 kept)', async () => {
    const { p } = setup({ 'models/raw.sql': RAW, 'models/mv.sql': VIEW(', dbt_semantics=false') });
    const first = p.open();
    expectStatuses(await first.run(), { raw: 'success', mv: 'success' });
    await first.close();
    p.write({ 'models/mv.sql': VIEW('') });
    const project = setup.reopen(p);
    // Another node's full refresh rebuilt the target with dbt_semantics' Date32 while this view waited for it.
    const raced = await whileWaitingForTheTarget(project, `ALTER TABLE ${p.schema}.mv MODIFY COLUMN d Date32`);
    const run = await project.run({ select: ['mv'] });
    expect(raced()).toBe(true);
    expectStatuses(run, { mv: 'success' });
    // No "stored as ClickHouse's Date" warning: the target it fed was Date32.
    expect((run.results[0]!.warnings ?? []).join('\n')).not.toMatch(/ClickHouse's Date in/);
    await project.adapter().then((a) => a.client.command(`INSERT INTO ${p.schema}.raw VALUES (2, '1960-05-01')`));
    expect(await queryRows(project, `SELECT id, toString(d) AS ds, toTypeName(d) AS t FROM ${p.schema}.mv ORDER BY id`)).toEqual([
      { id: 1, ds: '2024-02-29', t: 'Date32' },
      { id: 2, ds: '1960-05-01', t: 'Date32' },
    ]);
  });
});
