import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';
import { dieAfter } from '../../helpers/die-after.js';

/*
 * A custom incremental strategy runs its statements on a copy of the table, swapped in by EXCHANGE
 * (custom-strategy.ts). Rows another writer INSERTs into the table itself meanwhile must not go with
 * the old table: they are carried (copy-carry.ts). The writer is this test, at chosen statements of
 * the build (conditions, not timing).
 */
const setup = openedPerTest();

const STRATEGY = `{% macro get_incremental_insert_new_sql(arg_dict) %}
  insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }}
  where id not in (select id from {{ arg_dict['target_relation'] }})
{% endmacro %}`;
const MODEL = `{{ config(materialized='incremental', incremental_strategy='insert_new', order_by='id', partition_by='id % 2') }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(2) as id, 'B' as msg union all select 3, 'c'{% endif %}`;

type Send = (sql: string, o?: unknown) => Promise<unknown>;

/** Resolves once `cond()` holds (asked again and again; the test's timeout bounds it). */
async function until(cond: () => Promise<boolean>): Promise<void> {
  while (!(await cond())) await new Promise((r) => setImmediate(r));
}

/** Runs `act(sql, send)` after each statement of the project's client that `when` matches (`send`: a statement of the other writer). */
async function after(project: TsdbtProject, when: RegExp, act: (sql: string, send: Send) => Promise<void>): Promise<void> {
  const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
  const original = client.command.bind(client);
  let done = false;
  client.command = async (sql, o) => {
    const answer = await original(sql, o);
    if (!done && when.test(sql)) {
      done = true;
      await act(sql, (s) => original(s));
    }
    return answer;
  };
}

describe('custom incremental strategy: rows INSERTed into the table while its copy is worked on', () => {
  const build = async () => {
    const { p, project } = setup({ 'macros/strategies.sql': STRATEGY, 'models/m.sql': MODEL });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    return { p, project };
  };
  const rows = (project: TsdbtProject, schema: string) => queryRows(project, `SELECT id, msg FROM ${schema}.m ORDER BY id, msg`);

  it("a row inserted while the strategy's statements run on the copy is carried into it before the EXCHANGE", async () => {
    const { p, project } = await build();
    await after(project, /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (7, 'direct'), (8, 'direct')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(await rows(project, p.schema)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 7, msg: 'direct' }, { id: 8, msg: 'direct' },
    ]);
  });

  it('a row an INSERT commits into the old table after the EXCHANGE (it had bound it before) is carried into the new one', async () => {
    const { p, project } = await build();
    await after(project, /^\s*EXCHANGE TABLES `[^`]+`\.`(m__tsdbt_tmp_\w+__work)`/, async (sql, send) => {
      const old = /`[^`]+`\.`(m__tsdbt_tmp_\w+__work)`/.exec(sql)![1]!;
      await send(`INSERT INTO ${p.schema}.${old} VALUES (9, 'late')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(await rows(project, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 9, msg: 'late' }]);
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([{ name: 'm' }]);
  });

  it('an INSERT that bound the table before the EXCHANGE and commits after it, however long it runs, is carried', async () => {
    const { p, project } = await build();
    const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
    const original = client.command.bind(client);
    let slow: Promise<unknown> | undefined;
    client.command = async (sql, o) => {
      if (!slow && /^\s*EXCHANGE TABLES `[^`]+`\.`m__tsdbt_tmp_\w+__work`/.test(sql)) {
        // Another writer's INSERT into the table, bound to it (running) before the EXCHANGE, committing well after
        // it: its sleep outlasts any wait for a quiet moment.
        slow = original(`INSERT INTO ${p.schema}.m SELECT toUInt32(100 + number), 'slow' FROM numbers(4) WHERE sleepEachRow(3) = 0 SETTINGS max_block_size = 1`);
        await until(async () => (await queryRows(project, `SELECT count() AS n FROM system.processes WHERE query LIKE '%sleepEachRow(3)%' AND query NOT LIKE '%system.processes%'`))[0]!.n !== '0');
      }
      return original(sql, o);
    };
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    await slow;
    expect(await rows(project, p.schema)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' },
      { id: 100, msg: 'slow' }, { id: 101, msg: 'slow' }, { id: 102, msg: 'slow' }, { id: 103, msg: 'slow' },
    ]);
  }, 120_000);

  it('a direct row a merge joined with older ones cannot be told apart: the model fails, the table unchanged but for that row', async () => {
    const { p, project } = await build();
    await after(project, /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i, async (_, send) => {
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
      await dieAfter(dying, /^\s*EXCHANGE TABLES `[^`]+`\.`(m__tsdbt_tmp_\w+__work)`/, async (sql, send) => {
        const old = /`[^`]+`\.`(m__tsdbt_tmp_\w+__work)`/.exec(sql)![1]!;
        await send(`INSERT INTO ${p.schema}.${old} VALUES (9, 'late')`);
      }, die);
      expect(statuses(await dying.run())).toEqual({ m: 'error' });
      await dying.close();
      const next = setup.reopen(p);
      expect(statuses(await next.run())).toEqual({ m: 'success' });
      expect(await rows(next, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 9, msg: 'late' }]);
      expect(await queryRows(next, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([{ name: 'm' }]);
    });
});
