import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';
import { dieAfter } from '../../helpers/die-after.js';
import { atStatement, type Send } from '../../helpers/other-writer.js';

/*
 * A table whose engine has no parts (Log here; Memory, StripeLog…) changed on a copy of itself and swapped back in:
 * a custom incremental strategy (custom-strategy.ts), or the whole-table rebuild every incremental run of such an
 * engine takes (incremental.ts rebuildTable). Block numbers cannot say which rows another writer INSERTed into the
 * table meanwhile (a MergeTree table carries them: custom-strategy-direct-rows, rebuild-direct-rows), so they were
 * dropped with the old table. Now they are counted (copy-count.ts): copied again while the copy is made; else the
 * model fails, naming what happened, and no row is lost. Cluster mode takes the same path (every host's rows). The
 * writer is this test, at chosen statements (conditions, not timing).
 */
const setup = openedPerTest();

const STRATEGY = `{% macro get_incremental_insert_new_sql(arg_dict) %}
  insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }}
  where id not in (select id from {{ arg_dict['target_relation'] }})
{% endmacro %}`;
const CUSTOM = `{{ config(materialized='incremental', incremental_strategy='insert_new', engine='Log') }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(2) as id, 'B' as msg union all select 3, 'c'{% endif %}`;
const APPEND = `{{ config(materialized='incremental', engine='Log') }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(3) as id, 'c' as msg{% endif %}`;

/** Runs `act(sql, send)` right after the first statement of the build that `when` matches (`send`: the other writer's). */
const after = (project: TsdbtProject, when: RegExp, act: (sql: string, send: Send) => Promise<void>) => atStatement(project, when, act);

const EXCHANGE = /^\s*EXCHANGE TABLES `[^`]+`\.`(m__tsdbt_tmp_\w+__(?:work|new))`/;
/** After the EXCHANGE, the old table is under the copy's name: a row an INSERT that had bound it commits there. */
const lateRow = (schema: string) => async (sql: string, send: Send) => {
  await send(`INSERT INTO ${schema}.${EXCHANGE.exec(sql)![1]!} VALUES (9, 'late')`);
};

const rows = (project: TsdbtProject, table: string) => queryRows(project, `SELECT id, msg FROM ${table} ORDER BY id, msg`);
const tables = async (project: TsdbtProject, schema: string) =>
  (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`)).map((r) => r.name);

describe('custom incremental strategy on a Log table: rows INSERTed into it while its copy is worked on', () => {
  const build = async () => {
    const { p, project } = setup({ 'macros/strategies.sql': STRATEGY, 'models/m.sql': CUSTOM });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    return { p, project };
  };

  it('a row inserted while the copy is made: copied again, the row kept', async () => {
    const { p, project } = await build();
    await after(project, /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__work` SELECT \* FROM `[^`]+`\.`m`/, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (7, 'direct')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(await rows(project, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 7, msg: 'direct' }]);
  });

  it("a row inserted while the strategy's statements run on the copy: the model fails before the EXCHANGE, the table keeps its rows and that one", async () => {
    const { p, project } = await build();
    await after(project, /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work` select \* from `[^`]+`\.`m__tsdbt_tmp_\w+__new`/, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (7, 'direct')`);
    });
    const r = await project.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(r.results[0]!.message).toContain(`${p.schema}.m got 1 row more from another writer while its custom incremental strategy ran on a copy`);
    expect(r.results[0]!.message).toContain('nothing was changed');
    expect(await rows(project, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 7, msg: 'direct' }]);
    expect(await tables(project, p.schema)).toEqual(['m']);
  });

  it('a row an INSERT commits into the old table after the EXCHANGE: the model fails, the old table with it kept under a name it gives', async () => {
    const { p, project } = await build();
    await after(project, EXCHANGE, lateRow(p.schema));
    const r = await project.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    const kept = /is kept as [^.]+\.(m__tsdbt_direct_rows_\w+)/.exec(r.results[0]!.message ?? '')?.[1];
    expect(kept, r.results[0]!.message ?? '').toBeDefined();
    expect(r.results[0]!.message).toContain('the change was applied without them');
    expect(await rows(project, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
    expect(await rows(project, `${p.schema}.${kept}`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 9, msg: 'late' }]);
    expect(await tables(project, p.schema)).toEqual(['m', kept]);
  });

  it('killed right after the EXCHANGE, a late row in the old table: the next run keeps that table (not dropped with the leftovers), its build of the table stops naming it once', async () => {
    const { p } = await build();
    const dying = setup.reopen(p);
    await dieAfter(dying, EXCHANGE, lateRow(p.schema));
    expect(statuses(await dying.run())).toEqual({ m: 'error' });
    await dying.close();
    const next = setup.reopen(p);
    const r = await next.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(r.results[0]!.message).toMatch(/the old table, with those rows, is kept as \S+\.m__tsdbt_direct_rows_\w+/);
    expect(await rows(next, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
    const left = await tables(next, p.schema);
    expect(left).toHaveLength(2);
    expect(left[1]).toMatch(/^m__tsdbt_direct_rows_\w+$/);
    expect(await rows(next, `${p.schema}.${left[1]}`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 9, msg: 'late' }]);
    await next.close();
    expect(statuses(await setup.reopen(p).run())).toEqual({ m: 'success' });
  });

  it('killed right after the EXCHANGE, no late row: the next run drops the old table', async () => {
    const { p } = await build();
    const dying = setup.reopen(p);
    await dieAfter(dying, EXCHANGE, async () => {});
    expect(statuses(await dying.run())).toEqual({ m: 'error' });
    await dying.close();
    const next = setup.reopen(p);
    expect(statuses(await next.run())).toEqual({ m: 'success' });
    expect(await rows(next, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
    expect(await tables(next, p.schema)).toEqual(['m']);
  });
});

describe("an incremental Log table (rebuilt beside itself every run): rows INSERTed into it while it is rebuilt", () => {
  const build = async () => {
    const { p, project } = setup({ 'models/m.sql': APPEND });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    return { p, project };
  };

  it('a row inserted while its rows are copied: copied again, the row kept once', async () => {
    const { p, project } = await build();
    await after(project, /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__new` \([^)]*\) SELECT [^]*? FROM `[^`]+`\.`m`(\s|$)/, async (_, send) => {
      await send(`INSERT INTO ${p.schema}.m VALUES (7, 'direct')`);
    });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(await rows(project, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 7, msg: 'direct' }]);
    expect(await tables(project, p.schema)).toEqual(['m']);
  });

  it('a row an INSERT commits into the old table after the EXCHANGE: the model fails, the old table with it kept under a name it gives', async () => {
    const { p, project } = await build();
    await after(project, EXCHANGE, lateRow(p.schema));
    const r = await project.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(r.results[0]!.message).toContain(`${p.schema}.m got 1 row more from another writer while it was rebuilt beside itself`);
    const kept = /is kept as [^.]+\.(m__tsdbt_direct_rows_\w+)/.exec(r.results[0]!.message ?? '')?.[1];
    expect(kept, r.results[0]!.message ?? '').toBeDefined();
    expect(await rows(project, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
    expect(await rows(project, `${p.schema}.${kept}`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 9, msg: 'late' }]);
  });

  it('runs again and again with nothing else writing: no leftovers, every row once', async () => {
    const { p, project } = await build();
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    expect(await rows(project, `${p.schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 3, msg: 'c' }]);
    expect(await tables(project, p.schema)).toEqual(['m']);
  });
});
