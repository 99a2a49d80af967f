import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, statuses } from '../../helpers/inline-project.js';
import { atStatement, EXCHANGE_COPY, idMsgRows, INSERT_NEW_STRATEGY, insertNewModel } from '../../helpers/other-writer.js';

/*
 * copy-carry.ts carries the parts another writer committed above the cut (custom strategy; rebuild for new
 * columns). A background merge may join two such parts between the look at system.parts and the INSERT that
 * copies them: the rows are then in a part of another name. They must still be carried — before, the INSERT
 * picked the parts by name (`_part IN (…)`) and the merged rows were dropped with the old table, model success.
 * The merge is this test's OPTIMIZE, right before that INSERT (a condition, not timing).
 */
const setup = openedPerTest();

const MODEL = insertNewModel("order_by='id', partition_by='intDiv(id, 100)'");

/** The strategy's own statement, on the copy. */
const WORK = /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i;
/** The carry's INSERT (the parts above the cut, by their names or block ranges). */
const CARRY = /^\s*INSERT INTO \S+ SELECT \* FROM \S+ WHERE [\s\S]*\b_part\b/i;

describe('carried rows a merge joined into one part after they were listed', () => {
  const build = async () => {
    const { p, project } = setup({ 'macros/strategies.sql': INSERT_NEW_STRATEGY, 'models/m.sql': MODEL });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    return { p, project };
  };
  const rows = (project: TsdbtProject, schema: string) => idMsgRows(project, `${schema}.m`);
  const base = [{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }];

  it('before the EXCHANGE: two direct parts merged right before the carry are carried', async () => {
    const { p, project } = await build();
    const merged = await atStatement(project, CARRY, async (_, send) => {
      await send(`OPTIMIZE TABLE ${p.schema}.m PARTITION 7 FINAL`);
    }, { before: true });
    // Right after the strategy's statement on the copy: two INSERTs into the table, two parts in a partition of their own.
    await atStatement(project, WORK, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (700, 'direct')`);
      await send(`INSERT INTO ${p.schema}.m VALUES (701, 'direct')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(merged()).toBe(true);
    expect(await rows(project, p.schema)).toEqual([...base, { id: 700, msg: 'direct' }, { id: 701, msg: 'direct' }]);
  });

  it('after the EXCHANGE: two parts committed into the old table, merged right before the carry, are carried', async () => {
    const { p, project } = await build();
    let old: string | undefined;
    const merged = await atStatement(project, (sql) => old !== undefined && CARRY.test(sql), async (_, send) => {
      // The carry stops the old table's merges first (it is dropped after): then this merge is refused.
      await send(`OPTIMIZE TABLE ${p.schema}.${old} PARTITION 7 FINAL`).catch(() => {});
    }, { before: true });
    // The two late parts: committed into the old table once it is under the copy's name (as an INSERT that bound it before would).
    await atStatement(project, EXCHANGE_COPY, async (sql, send) => {
      old = EXCHANGE_COPY.exec(sql)![1];
      await send(`INSERT INTO ${p.schema}.${old} VALUES (700, 'late')`);
      await send(`INSERT INTO ${p.schema}.${old} VALUES (701, 'late')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(merged()).toBe(true);
    expect(await rows(project, p.schema)).toEqual([...base, { id: 700, msg: 'late' }, { id: 701, msg: 'late' }]);
  });
  it('a merge joining a listed direct part with older rows right before the carry: the model fails before the EXCHANGE, the row kept', async () => {
    const { p, project } = await build();
    const merged = await atStatement(project, CARRY, async (_, send) => {
      await send(`OPTIMIZE TABLE ${p.schema}.m PARTITION 0 FINAL`);
    }, { before: true });
    await atStatement(project, WORK, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (5, 'direct')`);
    });
    const r = await project.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(merged()).toBe(true);
    expect(r.results[0]!.message).toContain(`Rows were INSERTed into ${p.schema}.m while its custom incremental strategy ran`);
    expect(await rows(project, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 5, msg: 'direct' }]);
  });
});
