import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows, type InlineProject } from '../helpers/inline-project.js';
import { carriedRows, heldBy, heldRows, placeOf } from '../../packages/core/src/adapter/materializations/block-ranges.js';
import { atStatement, idMsgRows, INSERT_NEW_STRATEGY, insertNewModel } from '../helpers/other-writer.js';
import { serverProfile } from '../server/clickhouse-server.js';
import { SKIP_CLUSTER_TESTS, startCluster, type TestCluster } from './cluster.js';

/*
 * A ReplicatedMergeTree table outside cluster mode, with a second replica on another server: rows another
 * writer INSERTs while a copy of the table is worked on (copy-carry.ts) reach this replica by a fetch, in a
 * part whose block number (allocated in ZooKeeper when that INSERT began) can be below the cut the copy was
 * taken at. They must be carried, not dropped with the old table. Fetches are held back (SYSTEM STOP FETCHES)
 * to make the order certain: the other replica's row is numbered first, this replica's next, the fetch after.
 */
describe.skipIf(SKIP_CLUSTER_TESTS)('replicated tables outside cluster mode: rows fetched from another replica during a copy', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const setup = openedPerTest((p) => p.write({ 'profiles.yml': serverProfile({ port: cluster.nodes[0]!.port, schema: p.schema, threads: 1 }) }));
  const here = (sql: string) => cluster.nodes[0]!.query(sql);
  const there = (sql: string) => cluster.nodes[1]!.query(sql);

  const ENGINE = `engine="ReplicatedMergeTree('/clickhouse/tables/{database}/{table}', 'ra')"`;

  /** Builds model `m` on this server (replica 'ra'), then adds replica 'rb' of it on the other server, in sync. */
  async function build(files: Record<string, string>): Promise<{ p: InlineProject; schema: string; project: TsdbtProject }> {
    const { p, project } = setup(files);
    expectStatuses(await project.run(), { m: 'success' });
    // The path this replica uses (18.x keeps `{table}` in the metadata, expanded with the name the table was created under).
    const path = (await here(`SELECT zookeeper_path FROM system.replicas WHERE database = '${p.schema}' AND table = 'm'`)).trim();
    await there(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await there(`CREATE TABLE ${p.schema}.m (id UInt32, msg String) ENGINE = ReplicatedMergeTree('${path}', 'rb') ORDER BY id`);
    await there(`SYSTEM SYNC REPLICA ${p.schema}.m`);
    expect((await there(`SELECT count() FROM ${p.schema}.m`)).trim()).toBe('2');
    return { p, schema: p.schema, project };
  }

  /** Another writer: a row on the other replica (block n), then one here (block n + 1), the other's not fetched here yet. */
  async function writeOnBoth(schema: string): Promise<void> {
    await here(`SYSTEM STOP FETCHES ${schema}.m`);
    await there(`INSERT INTO ${schema}.m (id, msg) VALUES (4, 'elsewhere')`);
    await here(`INSERT INTO ${schema}.m (id, msg) VALUES (5, 'here')`);
  }
  const fetchNow = async (schema: string) => {
    await here(`SYSTEM START FETCHES ${schema}.m`);
    await here(`SYSTEM SYNC REPLICA ${schema}.m`);
  };
  /** The build's copy of the table's rows into the table it builds beside it. */
  const COPY_ROWS = /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__new`.* FROM `[^`]+`\.`m` WHERE/s;

  it('custom strategy: a row INSERTed on the other replica during the copy, fetched late with a lower block number, is carried', async () => {
    const { schema, project } = await build({ 'macros/strategies.sql': INSERT_NEW_STRATEGY, 'models/m.sql': insertNewModel(`${ENGINE}, order_by='id'`) });
    await here(`SYSTEM STOP FETCHES ${schema}.m`);
    // While the strategy's statement runs on the copy: a row on the other replica (block n), one here (block n + 1).
    await atStatement(project, /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i, async () => {
      await there(`INSERT INTO ${schema}.m VALUES (4, 'elsewhere')`);
      await here(`INSERT INTO ${schema}.m VALUES (5, 'here')`);
    });
    // Right before the swap, the other replica's part (block n) is fetched into the table.
    await atStatement(project, /^\s*(RENAME|EXCHANGE) TABLE/, () => fetchNow(schema), { before: true });
    expectStatuses(await project.run(), { m: 'success' });
    expect(await idMsgRows(project, `${schema}.m`)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 4, msg: 'elsewhere' }, { id: 5, msg: 'here' },
    ]);
  }, 120_000);

  it('custom strategy: a row the other replica wrote during the copy, not fetched here until the old table is synced after the swap, is carried', async () => {
    const { schema, project } = await build({ 'macros/strategies.sql': INSERT_NEW_STRATEGY, 'models/m.sql': insertNewModel(`${ENGINE}, order_by='id'`) });
    await here(`SYSTEM STOP FETCHES ${schema}.m`);
    await atStatement(project, /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i, async () => {
      await there(`INSERT INTO ${schema}.m VALUES (4, 'elsewhere')`);
    });
    // This replica fetches it only once the old table (swapped out) is synced before its last carry.
    await atStatement(project, /^\s*SYSTEM SYNC REPLICA `[^`]+`\.`(m__tsdbt_\w+)`/, async (sql) => {
      await here(`SYSTEM START FETCHES ${schema}.${/`(m__tsdbt_\w+)`/.exec(sql)![1]!}`);
    }, { before: true });
    expectStatuses(await project.run(), { m: 'success' });
    expect(await idMsgRows(project, `${schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 4, msg: 'elsewhere' }]);
  }, 120_000);

  /** The old table's sync after the swap (finishCarry), refused as `answer` says instead of sent (every time, with `every`); `also` runs first. */
  const refuseSync = (project: TsdbtProject, answer: string, options: { every?: boolean; also?: (old: string) => Promise<unknown> } = {}) =>
    atStatement(project, /^\s*SYSTEM SYNC REPLICA `[^`]+`\.`(m__tsdbt_\w+)`/, async (sql) => {
      await options.also?.(/`(m__tsdbt_\w+)`/.exec(sql)![1]!);
      throw new Error(answer);
    }, { before: true, every: options.every });
  const oldTables = async (schema: string) =>
    (await here(`SELECT name FROM system.tables WHERE database = '${schema}' AND startsWith(name, 'm__tsdbt_') AND position(name, '__carry') = 0 ORDER BY name`)).split('\n').filter(Boolean);

  it('custom strategy: the old table\'s SYSTEM SYNC REPLICA refused for want of the privilege: waited for without it, the row carried', async () => {
    const { schema, project } = await build({ 'macros/strategies.sql': INSERT_NEW_STRATEGY, 'models/m.sql': insertNewModel(`${ENGINE}, order_by='id'`) });
    await here(`SYSTEM STOP FETCHES ${schema}.m`);
    await atStatement(project, /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i, async () => {
      await there(`INSERT INTO ${schema}.m VALUES (4, 'elsewhere')`);
    });
    // A user without the grant (20.x+ ACCESS_DENIED); this replica fetches the other's part meanwhile.
    await refuseSync(project, "Code: 497. DB::Exception: tsdbt_user: Not enough privileges. To execute this query it's necessary to have grant SYSTEM SYNC REPLICA ON *.*", {
      also: (old) => here(`SYSTEM START FETCHES ${schema}.${old}`),
    });
    // Before: the model failed after its swap, its old table kept (one more each run).
    expectStatuses(await project.run(), { m: 'success' });
    expect(await idMsgRows(project, `${schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 4, msg: 'elsewhere' }]);
    expect(await oldTables(schema)).toEqual([]);
  }, 120_000);

  it('custom strategy: the old table cannot be synced (a replica down): kept unsynced, named; the next runs stop before changing anything until it can, then carry', async () => {
    const { p, schema, project } = await build({ 'macros/strategies.sql': INSERT_NEW_STRATEGY, 'models/m.sql': insertNewModel(`${ENGINE}, order_by='id'`) });
    await here(`SYSTEM STOP FETCHES ${schema}.m`);
    await atStatement(project, /^\s*(\/\*.*?\*\/\s*)?insert into `[^`]+`\.`m__tsdbt_tmp_\w+__work`/i, async () => {
      await there(`INSERT INTO ${schema}.m VALUES (4, 'elsewhere')`);
    });
    const DOWN = 'Code: 159. DB::Exception: SYNC REPLICA: Timeout exceeded while waiting for the replication queue to become empty';
    await refuseSync(project, DOWN, { every: true });
    const first = await project.run();
    expectStatuses(first, { m: 'error' });
    const kept = await oldTables(schema);
    expect(kept).toHaveLength(1);
    expect(first.results[0]!.message).toMatch(new RegExp(`wrote into ${schema}\\.${kept[0]} \\(.*Nothing was dropped: that table and its carry record stay`));
    expect(await idMsgRows(project, `${schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]); // swapped, the carry owed
    // Still down: the next run's sweep cannot finish the carry, and the build stops before its own swap (before: a second old table).
    const second = setup.reopen(p);
    await refuseSync(second, DOWN, { every: true });
    const stopped = await second.run();
    expectStatuses(stopped, { m: 'error' });
    expect(stopped.results[0]!.message).toMatch(new RegExp(`wrote into ${schema}\\.${kept[0]} \\(.*Nothing was dropped`));
    expect(await oldTables(schema)).toEqual(kept);
    // Up again: the carry is finished first, then the build runs.
    await here(`SYSTEM START FETCHES ${schema}.${kept[0]}`);
    const third = setup.reopen(p);
    expectStatuses(await third.run(), { m: 'success' });
    expect(await idMsgRows(third, `${schema}.m`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 4, msg: 'elsewhere' }]);
    expect(await oldTables(schema)).toEqual([]);
  }, 180_000);

  it('rebuild for a new column: a row fetched from the other replica after the copy, below its cut, is carried', async () => {
    const model = (more: string) => `{{ config(materialized='incremental', on_schema_change='append_new_columns', order_by='id', ${ENGINE}) }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(3) as id, 'c' as msg${more}{% endif %}`;
    const { p, schema } = await build({ 'models/m.sql': model('') });
    await writeOnBoth(schema);
    p.write({ 'models/m.sql': model(', toUInt8(1) as x') });
    const project = setup.reopen(p);
    await atStatement(project, COPY_ROWS, () => fetchNow(schema));
    expectStatuses(await project.run(), { m: 'success' });
    expect(await queryRows(project, `SELECT id, msg, x FROM ${schema}.m ORDER BY id`)).toEqual([
      { id: 1, msg: 'a', x: null }, { id: 2, msg: 'b', x: null }, { id: 3, msg: 'c', x: 1 }, { id: 4, msg: 'elsewhere', x: null }, { id: 5, msg: 'here', x: null },
    ]);
  }, 120_000);

  it('delete+insert: a row fetched from the other replica after the kept rows were copied, below the cut, is carried', async () => {
    const model = `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id', order_by='id', ${ENGINE}) }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(2) as id, 'B' as msg union all select 3, 'c'{% endif %}`;
    const { p, schema } = await build({ 'models/m.sql': model });
    await writeOnBoth(schema);
    const project = setup.reopen(p);
    await atStatement(project, COPY_ROWS, () => fetchNow(schema));
    expectStatuses(await project.run(), { m: 'success' });
    expect(await idMsgRows(project, `${schema}.m`)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 3, msg: 'c' }, { id: 4, msg: 'elsewhere' }, { id: 5, msg: 'here' },
    ]);
  }, 120_000);

  const embedded = openedPerTest();
  it("the conditions naming held and carried blocks (block-ranges.ts) select exactly the parts placeOf() places so, on 18.16 and on chDB", async () => {
    const { p, project } = embedded({ 'models/x.sql': 'select 1 as a' });
    const onChdb = async (sql: string) => {
      if (!/^\s*SELECT/.test(sql)) return void (await (await project.adapter()).client.command(sql));
      return (await queryRows<Record<string, string>>(project, sql)).map((r) => Object.values(r).join('\t'));
    };
    const onServer = async (sql: string) => (await here(sql)).split('\n').filter(Boolean);
    for (const [name, run] of [['18.16', onServer], ['chDB', onChdb]] as const) {
      const t = `${p.schema}.t_${name === 'chDB' ? 'chdb' : 'server'}`;
      await run(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
      await run(`CREATE TABLE ${t} (id UInt32) ENGINE = MergeTree PARTITION BY id % 3 ORDER BY id`);
      for (let i = 0; i < 12; i++) await run(`INSERT INTO ${t} VALUES (${i})`);
      const [db, table] = t.split('.');
      const parts = ((await run(`SELECT partition_id, min_block_number, max_block_number FROM system.parts WHERE database = '${db}' AND table = '${table}' AND active`)) ?? [])
        .map((line) => line.split('\t'))
        .map(([id, lo, hi]) => ({ p: id!, lo: Number(lo), hi: Number(hi) }));
      // Held exactly: every other part (gaps between them); the others fresh, two apart in each partition.
      const held = heldBy(parts.filter((_, i) => i % 2 === 0), true);
      const fresh = parts.filter((x) => placeOf(held, x) === 'new');
      const named = (x: { p: string; lo: number }) => `${x.p}_${x.lo}`;
      const selected = async (where: string) =>
        ((await run(`SELECT DISTINCT concat(splitByChar('_', _part)[1], '_', splitByChar('_', _part)[2]) AS part FROM ${t} WHERE ${where} ORDER BY part`)) ?? []).sort();
      expect(fresh.length, name).toBe(6);
      expect(await selected(heldRows(held)), name).toEqual(parts.filter((x) => placeOf(held, x) === 'held').map(named).sort());
      expect(await selected(carriedRows(fresh)), name).toEqual(fresh.map(named).sort());
    }
  });
});
