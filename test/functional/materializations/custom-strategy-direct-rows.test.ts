import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';
import { dieAfter } from '../../helpers/die-after.js';
import { atStatement, EXCHANGE_COPY, idMsgRows, INSERT_NEW_STRATEGY, insertNewModel, tableNames } from '../../helpers/other-writer.js';

/*
 * A custom incremental strategy runs its statements on a copy of the table, swapped in by EXCHANGE
 * (custom-strategy.ts). Rows another writer INSERTs into the table itself meanwhile must not go with
 * the old table: they are carried (copy-carry.ts). The writer is this test, at chosen statements of
 * the build (conditions, not timing).
 */
const setup = openedPerTest();

const MODEL = insertNewModel("order_by='id', partition_by='id % 2'");
/** The strategy's own statement, on the copy. */
const WORK = /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i;

/** Resolves once `cond()` holds (asked again and again; the test's timeout bounds it). */
async function until(cond: () => Promise<boolean>): Promise<void> {
  while (!(await cond())) await new Promise((r) => setImmediate(r));
}

describe('custom incremental strategy: rows INSERTed into the table while its copy is worked on', () => {
  const build = async () => {
    const { p, project } = setup({ 'macros/strategies.sql': INSERT_NEW_STRATEGY, 'models/m.sql': MODEL });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    return { p, project };
  };
  const rows = (project: TsdbtProject, schema: string) => idMsgRows(project, `${schema}.m`);

  it("a row inserted while the strategy's statements run on the copy is carried into it before the EXCHANGE", async () => {
    const { p, project } = await build();
    await atStatement(project, WORK, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (7, 'direct'), (8, 'direct')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(await rows(project, p.schema)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 7, msg: 'direct' }, { id: 8, msg: 'direct' },
    ]);
  });

  it('a row an INSERT commits into the old table after the EXCHANGE (it had bound it before) is carried into the new one', async () => {
    const { p, project } = await build();
    await atStatement(project, EXCHANGE_COPY, async (sql, send) => {
      await send(`INSERT INTO ${p.schema}.${EXCHANGE_COPY.exec(sql)![1]!} VALUES (9, 'late')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(await rows(project, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 9, msg: 'late' }]);
    expect(await tableNames(project, p.schema)).toEqual(['m']);
  });

  it('an INSERT that bound the table before the EXCHANGE and commits after it, however long it runs, is carried', async () => {
    const { p, project } = await build();
    let slow: Promise<unknown> | undefined;
    await atStatement(project, EXCHANGE_COPY, async (_, send) => {
      // Another writer's INSERT into the table, bound to it (running) before the EXCHANGE, committing well after
      // it: its sleep outlasts any wait for a quiet moment.
      slow = send(`INSERT INTO ${p.schema}.m SELECT toUInt32(100 + number), 'slow' FROM numbers(4) WHERE sleepEachRow(3) = 0 SETTINGS max_block_size = 1`);
      await until(async () => (await queryRows(project, `SELECT count() AS n FROM system.processes WHERE query LIKE '%sleepEachRow(3)%' AND query NOT LIKE '%system.processes%'`))[0]!.n !== '0');
    }, { before: true });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    await slow;
    expect(await rows(project, p.schema)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' },
      { id: 100, msg: 'slow' }, { id: 101, msg: 'slow' }, { id: 102, msg: 'slow' }, { id: 103, msg: 'slow' },
    ]);
  }, 120_000);

  it('a direct row a merge joined with older ones cannot be told apart: the model fails, the table unchanged but for that row', async () => {
    const { p, project } = await build();
    await atStatement(project, WORK, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (5, 'direct')`);
      await send(`OPTIMIZE TABLE ${p.schema}.m FINAL`);
    });
    const r = await project.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(r.results[0]!.message).toContain(`Rows were INSERTed into ${p.schema}.m while its custom incremental strategy ran`);
    expect(await rows(project, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 5, msg: 'direct' }]);
  });

  // The carry after the EXCHANGE: rows gathered into a table, renamed ready, the old table dropped, ready's partitions moved in.
  for (const [point, die] of [
    ['the EXCHANGE', /^\s*EXCHANGE TABLES/],
    ['the gathering INSERT', /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__carryf`/],
    ['the rename to ready', /^\s*RENAME TABLE `[^`]+`\.`m__tsdbt_tmp_\w+__carryf`/],
    ["the old table's DROP", /^\s*DROP TABLE IF EXISTS `[^`]+`\.`m__tsdbt_tmp_\w+__work`/],
    ['the partition MOVE', /MOVE PARTITION/],
  ] as const)
    it(`killed right after ${point} (before the carry after the EXCHANGE ends): the next run's sweep carries the old table's late rows, once`, async () => {
      const { p } = await build();
      const dying = setup.reopen(p);
      await dieAfter(dying, EXCHANGE_COPY, async (sql, send) => {
        await send(`INSERT INTO ${p.schema}.${EXCHANGE_COPY.exec(sql)![1]!} VALUES (9, 'late')`);
      }, die);
      expect(statuses(await dying.run())).toEqual({ m: 'error' });
      await dying.close();
      const next = setup.reopen(p);
      expect(statuses(await next.run())).toEqual({ m: 'success' });
      expect(await rows(next, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 9, msg: 'late' }]);
      expect(await tableNames(next, p.schema)).toEqual(['m']);
    });
});
