import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';

/*
 * copy-carry.ts carries the parts another writer committed above the cut (custom strategy; rebuild for new
 * columns). A background merge may join two such parts between the look at system.parts and the INSERT that
 * copies them: the rows are then in a part of another name. They must still be carried — before, the INSERT
 * picked the parts by name (`_part IN (…)`) and the merged rows were dropped with the old table, model success.
 * The merge is this test's OPTIMIZE, right before that INSERT (a condition, not timing).
 */
const setup = openedPerTest();

const STRATEGY = `{% macro get_incremental_insert_new_sql(arg_dict) %}
  insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }}
  where id not in (select id from {{ arg_dict['target_relation'] }})
{% endmacro %}`;
const MODEL = `{{ config(materialized='incremental', incremental_strategy='insert_new', order_by='id', partition_by='intDiv(id, 100)') }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(2) as id, 'B' as msg union all select 3, 'c'{% endif %}`;

type Send = (sql: string, o?: unknown) => Promise<unknown>;
const WORK = /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i;
/** The carry's INSERT (the parts above the cut, by their names or block ranges). */
const CARRY = /^\s*INSERT INTO \S+ SELECT \* FROM \S+ WHERE [\s\S]*\b_part\b/i;

/** Hooks the project's client: `before(sql, send)` runs before each statement (`send`: the other writer's statements). */
async function hook(project: TsdbtProject, before: (sql: string, send: Send) => Promise<void>): Promise<void> {
  const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
  const original = client.command.bind(client);
  client.command = async (sql, o) => {
    await before(sql, (s) => original(s));
    return original(sql, o);
  };
}

describe('carried rows a merge joined into one part after they were listed', () => {
  const build = async () => {
    const { p, project } = setup({ 'macros/strategies.sql': STRATEGY, 'models/m.sql': MODEL });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    return { p, project };
  };
  const rows = (project: TsdbtProject, schema: string) => queryRows(project, `SELECT id, msg FROM ${schema}.m ORDER BY id, msg`);
  const base = [{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }];

  it('before the EXCHANGE: two direct parts merged right before the carry are carried', async () => {
    const { p, project } = await build();
    let merged = false;
    await hook(project, async (sql, send) => {
      if (!merged && CARRY.test(sql)) {
        merged = true;
        await send(`OPTIMIZE TABLE ${p.schema}.m PARTITION 7 FINAL`);
      }
    });
    // Right after the strategy's statement on the copy: two INSERTs into the table, two parts in a partition of their own.
    const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
    const hooked = client.command.bind(client);
    let sent = false;
    client.command = async (sql, o) => {
      const answer = await hooked(sql, o);
      if (!sent && WORK.test(sql)) {
        sent = true;
        await hooked(`INSERT INTO ${p.schema}.m VALUES (700, 'direct')`);
        await hooked(`INSERT INTO ${p.schema}.m VALUES (701, 'direct')`);
      }
      return answer;
    };
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(merged).toBe(true);
    expect(await rows(project, p.schema)).toEqual([...base, { id: 700, msg: 'direct' }, { id: 701, msg: 'direct' }]);
  });

  it('after the EXCHANGE: two parts committed into the old table, merged right before the carry, are carried', async () => {
    const { p, project } = await build();
    let old: string | undefined;
    let merged = false;
    await hook(project, async (sql, send) => {
      const exchange = /^\s*EXCHANGE TABLES `[^`]+`\.`(m__tsdbt_tmp_\w+__work)`/.exec(sql);
      if (exchange) old = exchange[1];
      else if (old && !merged && /^\s*INSERT INTO/i.test(sql) && CARRY.test(sql)) {
        merged = true;
        // The carry stops the old table's merges first (it is dropped after): then this merge is refused.
        await send(`OPTIMIZE TABLE ${p.schema}.${old} PARTITION 7 FINAL`).catch(() => {});
      }
    });
    // The two late parts: committed into the old table once it is under the copy's name (as an INSERT that bound it before would).
    const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
    const hooked = client.command.bind(client);
    client.command = async (sql, o) => {
      const answer = await hooked(sql, o);
      const exchange = /^\s*EXCHANGE TABLES `[^`]+`\.`(m__tsdbt_tmp_\w+__work)`/.exec(sql);
      if (exchange) {
        await hooked(`INSERT INTO ${p.schema}.${exchange[1]} VALUES (700, 'late')`);
        await hooked(`INSERT INTO ${p.schema}.${exchange[1]} VALUES (701, 'late')`);
      }
      return answer;
    };
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(merged).toBe(true);
    expect(await rows(project, p.schema)).toEqual([...base, { id: 700, msg: 'late' }, { id: 701, msg: 'late' }]);
  });
  it('a merge joining a listed direct part with older rows right before the carry: the model fails before the EXCHANGE, the row kept', async () => {
    const { p, project } = await build();
    let merged = false;
    await hook(project, async (sql, send) => {
      if (!merged && CARRY.test(sql)) {
        merged = true;
        await send(`OPTIMIZE TABLE ${p.schema}.m PARTITION 0 FINAL`);
      }
    });
    const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
    const hooked = client.command.bind(client);
    let sent = false;
    client.command = async (sql, o) => {
      const answer = await hooked(sql, o);
      if (!sent && WORK.test(sql)) {
        sent = true;
        await hooked(`INSERT INTO ${p.schema}.m VALUES (5, 'direct')`);
      }
      return answer;
    };
    const r = await project.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(merged).toBe(true);
    expect(r.results[0]!.message).toContain(`Rows were INSERTed into ${p.schema}.m while its custom incremental strategy ran`);
    expect(await rows(project, p.schema)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 5, msg: 'direct' }]);
  });
});
