import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../helpers/inline-project.js';
import { atStatement } from '../helpers/other-writer.js';
import { clusterProfile, SKIP_CLUSTER_TESTS, startCluster, type TestCluster } from './cluster.js';

/*
 * Cluster mode with two replicas of one shard (the two 18.16 servers, layout 'replicas'); tsdbt talks to replica 1.
 * Another writer's row committed on replica 2 and not yet fetched by replica 1 (fetches held back: SYSTEM STOP
 * FETCHES) while a rebuild copies the table's rows and counts them (copy-count.ts): the copy reads replica 1, and so
 * did the count — the row was in neither, and was dropped with the old table. Fetches resume once tsdbt syncs the
 * table's replicas before counting (the 18.16 form: this host's replica).
 */
describe.skipIf(SKIP_CLUSTER_TESTS)('cluster mode, two replicas of a shard: rows a lagging replica has not fetched yet', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster({ layout: 'replicas' });
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const setup = openedPerTest((p) => p.write({ 'profiles.yml': clusterProfile({ port: cluster.nodes[0]!.port, schema: p.schema }) }));
  const here = (sql: string) => cluster.nodes[0]!.query(sql);
  const there = (sql: string) => cluster.nodes[1]!.query(sql);
  /** The table's replicas synced before a count: the first SYSTEM SYNC REPLICA of `table` (ON CLUSTER, or this host's). */
  const syncOf = (table: string) => new RegExp(`^\\s*SYSTEM SYNC REPLICA \`[^\`]+\`\\.\`${table}\``);

  it('distributed_incremental rebuilt whole (18.x): a row on the other replica, unfetched when the rebuild starts, is kept', async () => {
    const model = (v: string) =>
      `{{ config(materialized='distributed_incremental', unique_key='id', sharding_key='id', order_by='id') }}\nselect toUInt32(number) as id, '${v}' as msg from numbers(3)`;
    const { p, project } = setup({ 'models/t.sql': model('a') });
    expectStatuses(await project.run(), { t: 'success' });
    const s = p.schema;
    expect((await there(`SELECT count() FROM ${s}.t_local`)).trim()).toBe('3'); // a replica of the same table
    await here(`SYSTEM STOP FETCHES ${s}.t_local`);
    await there(`INSERT INTO ${s}.t_local (id, msg) VALUES (100, 'elsewhere')`);
    p.write({ 'models/t.sql': model('b') });
    const again = setup.reopen(p);
    await atStatement(again, syncOf('t_local'), () => here(`SYSTEM START FETCHES ${s}.t_local`), { before: true });
    const result = await again.run();
    await here(`SYSTEM START FETCHES ${s}.t_local`).catch(() => {}); // without the sync: fetched too late, into the old table
    expectStatuses(result, { t: 'success' });
    expect(await queryRows(again, `SELECT id, msg FROM ${s}.t ORDER BY id`)).toEqual([
      { id: 0, msg: 'b' }, { id: 1, msg: 'b' }, { id: 2, msg: 'b' }, { id: 100, msg: 'elsewhere' },
    ]);
    await there(`SYSTEM SYNC REPLICA ${s}.t_local`);
    expect((await there(`SELECT count() FROM ${s}.t_local`)).trim()).toBe('4');
  }, 120_000);

  it("incremental delete+insert rebuilt whole (18.x: a copy of this host's table): a row on the other replica, unfetched when the rebuild starts, is kept", async () => {
    const model = `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id', order_by='id') }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(2) as id, 'B' as msg union all select 3, 'c'{% endif %}`;
    const { p, project } = setup({ 'models/m.sql': model });
    expectStatuses(await project.run(), { m: 'success' });
    const s = p.schema;
    await here(`SYSTEM STOP FETCHES ${s}.m`);
    await there(`INSERT INTO ${s}.m (id, msg) VALUES (100, 'elsewhere')`);
    const again = setup.reopen(p);
    await atStatement(again, syncOf('m'), () => here(`SYSTEM START FETCHES ${s}.m`), { before: true });
    const result = await again.run();
    await here(`SYSTEM START FETCHES ${s}.m`).catch(() => {});
    expectStatuses(result, { m: 'success' });
    expect(await queryRows(again, `SELECT id, msg FROM ${s}.m ORDER BY id`)).toEqual([
      { id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 3, msg: 'c' }, { id: 100, msg: 'elsewhere' },
    ]);
  }, 120_000);
});
