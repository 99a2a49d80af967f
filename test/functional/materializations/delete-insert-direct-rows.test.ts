import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, statuses } from '../../helpers/inline-project.js';
import { atStatement, idMsgRows } from '../../helpers/other-writer.js';

/*
 * incremental delete+insert rebuilds the partitions it touches beside the table (their rows minus the replaced
 * keys, plus the new rows) and puts them in place with REPLACE PARTITION. A row another writer INSERTs into one of
 * those partitions while that copy is made must not be dropped by the REPLACE (dbt-clickhouse's DELETE + INSERT
 * keeps it): it is carried into the rebuilt partition (copy-carry.ts), as if inserted right after the model's rows.
 * The writer is this test, at a chosen statement of the build (a condition, not timing).
 */
const setup = openedPerTest();

const MODEL = `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id', order_by='id', partition_by='id % 2') }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select toUInt32(2), 'b' union all select toUInt32(4), 'd'
{% else %}select toUInt32(2) as id, 'B' as msg union all select toUInt32(3), 'c'{% endif %}`;

/** The statement copying the touched partitions' rows that stay into the rebuilt table. */
const COPY = /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__new` SELECT \* FROM `[^`]+`\.`m` WHERE/;

describe('incremental delete+insert: rows INSERTed into a touched partition while it is rebuilt beside the table', () => {
  const rows = (project: TsdbtProject, schema: string) => idMsgRows(project, `${schema}.m`);

  it('a row of another key in a replaced partition is kept (carried into the rebuilt partition)', async () => {
    const { p, project } = setup({ 'models/m.sql': MODEL });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    const hit = await atStatement(project, COPY, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (6, 'direct'), (7, 'direct')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(hit()).toBe(true);
    expect(await rows(project, p.schema)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 3, msg: 'c' }, { id: 4, msg: 'd' }, { id: 6, msg: 'direct' }, { id: 7, msg: 'direct' },
    ]);
  });
  it('a merge joining such a row with older ones: the model fails before the REPLACE, the table unchanged but for that row', async () => {
    const { p, project } = setup({ 'models/m.sql': MODEL });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    await atStatement(project, COPY, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (6, 'direct')`);
      await send(`OPTIMIZE TABLE ${p.schema}.m PARTITION 0 FINAL`);
    });
    const r = await project.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(r.results[0]!.message).toContain(`Rows were INSERTed into ${p.schema}.m while its delete+insert rebuilt the partitions it replaces`);
    expect(await rows(project, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 4, msg: 'd' }, { id: 6, msg: 'direct' }]);
  });
});
