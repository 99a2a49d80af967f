import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../helpers/inline-project.js';
import { INSERT_NEW_STRATEGY, insertNewModel } from '../helpers/other-writer.js';
import { clusterProfile, SKIP_CLUSTER_TESTS, startCluster, type TestCluster } from './cluster.js';

/*
 * Cluster mode against a real 2-shard ClickHouse 18.16 cluster on loopback (one replica per shard,
 * ZooKeeper for replication and ON CLUSTER DDL), started by this file. tsdbt talks to shard 1 only.
 */
describe.skipIf(SKIP_CLUSTER_TESTS)('cluster mode: ON CLUSTER DDL, replicated and distributed models', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster();
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const setup = openedPerTest((p, clusterName?: string) =>
    p.write({ 'profiles.yml': clusterProfile({ port: cluster.nodes[0]!.port, schema: p.schema, cluster: clusterName }) }),
  );
  const reopen = setup.reopen;

  /** A number from one shard's own server. */
  async function onShard(shard: number, sql: string): Promise<string> {
    return (await cluster.nodes[shard - 1]!.query(sql)).trim();
  }

  const count = async (shard: number, table: string) => Number(await onShard(shard, `SELECT count() FROM ${table}`));
  const tablesOn = async (shard: number, schema: string) =>
    (await onShard(shard, `SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`)).split('\n').filter(Boolean);

  it('builds and rebuilds a distributed_table: rows split over both shards, swapped whole, no leftovers', async () => {
    const model = (n: number) => `{{ config(materialized='distributed_table', sharding_key='id', order_by='id') }}\nselect number as id, 'v${n}' as v from numbers(${n})`;
    const { p, project } = setup({ 'models/events.sql': model(1000) });
    const first = await project.run();
    expectStatuses(first, { events: 'success' });
    expect(first.results[0]!.message).toBe('OK 1,000 rows');
    const s = p.schema;
    // sharding_key = id over two equal shards: even ids on one, odd on the other.
    expect([await count(1, `${s}.events_local`), await count(2, `${s}.events_local`)]).toEqual([500, 500]);
    expect(await count(2, `${s}.events`)).toBe(1000); // the Distributed table answers from any shard
    for (const shard of [1, 2]) {
      expect(await tablesOn(shard, s)).toEqual(['events', 'events_local']);
      expect(await onShard(shard, `SELECT engine FROM system.tables WHERE database = '${s}' AND name = 'events_local'`)).toBe('ReplicatedMergeTree');
      expect(await onShard(shard, `SELECT engine FROM system.tables WHERE database = '${s}' AND name = 'events'`)).toBe('Distributed');
    }
    expect(await onShard(2, `SELECT zookeeper_path FROM system.replicas WHERE database = '${s}'`)).toMatch(new RegExp(`^/clickhouse/tables/02/${s}/events_local__tsdbt_tmp_`));

    p.write({ 'models/events.sql': model(301) });
    const again = await reopen(p).run();
    expectStatuses(again, { events: 'success' });
    expect(again.results[0]!.message).toBe('OK 301 rows');
    expect([await count(1, `${s}.events_local`), await count(2, `${s}.events_local`)].sort()).toEqual([150, 151]);
    expect(await count(1, `${s}.events`)).toBe(301);
    expect(await onShard(1, `SELECT DISTINCT v FROM ${s}.events`)).toBe('v301');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['events', 'events_local']);
  });

  it('distributed_incremental: append, then delete+insert (partitions replaced ON CLUSTER, or a rebuild on 18.x), rand() sharding', async () => {
    const model = (where: string, strategy: string) =>
      `{{ config(materialized='distributed_incremental', unique_key='id', incremental_strategy='${strategy}', order_by='id') }}\n` +
      `select number as id, {% if is_incremental() %}'new'{% else %}'old'{% endif %} as v from numbers(100)\n` +
      `{% if is_incremental() %}where ${where}{% endif %}`;
    const { p, project } = setup({ 'models/inc.sql': model('id >= 100', 'append') });
    const s = p.schema;
    expectStatuses(await project.run(), { inc: 'success' });
    const split = [await count(1, `${s}.inc_local`), await count(2, `${s}.inc_local`)];
    expect(split[0]! + split[1]!).toBe(100);
    expect(split.every((n) => n > 10)).toBe(true); // rand(): both shards got rows

    p.write({ 'models/inc.sql': model('id >= 90', 'append').replace('numbers(100)', 'numbers(120)') });
    const appended = await reopen(p).run();
    expectStatuses(appended, { inc: 'success' });
    expect(appended.results[0]!.message).toBe('OK append 30 rows');
    expect(await count(1, `${s}.inc`)).toBe(130);

    // delete+insert: ids 50..119 are replaced (the duplicates 90..99 included), wherever they live.
    p.write({ 'models/inc.sql': model('id >= 50', 'delete+insert').replace('numbers(100)', 'numbers(120)') });
    const replaced = await reopen(p).run();
    expectStatuses(replaced, { inc: 'success' });
    expect(replaced.results[0]!.message).toBe('OK delete+insert 70 rows');
    expect(await count(1, `${s}.inc`)).toBe(120);
    expect(await onShard(2, `SELECT v, count() FROM ${s}.inc GROUP BY v ORDER BY v`)).toBe('new\t70\nold\t50');
    expect(await onShard(1, `SELECT count() FROM (SELECT id FROM ${s}.inc GROUP BY id HAVING count() > 1)`)).toBe('0');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['inc', 'inc_local']);
  });

  it("distributed_incremental insert_overwrite (dbt-clickhouse's TestInsertOverwriteDistributedIncremental): a partition the new rows fall in is replaced on every shard", async () => {
    const rows = (r: string[]) => r.map((x) => `select ${x}`).join(' union all ');
    const model =
      "{{ config(materialized='distributed_incremental', incremental_strategy='insert_overwrite', partition_by=['partitionKey'], order_by=['orderKey'], sharding_key='shardingKey') }}\n" +
      `{% if not is_incremental() %}${rows(["toUInt8(1) as shardingKey, 'p1' as partitionKey, toUInt8(1) as orderKey, 'a' as value", "toUInt8(1), 'p1', toUInt8(2), 'b'", "toUInt8(2), 'p1', toUInt8(3), 'c'", "toUInt8(2), 'p2', toUInt8(4), 'd'"])}\n` +
      `{% else %}${rows(["toUInt8(1) as shardingKey, 'p1' as partitionKey, toUInt8(2) as orderKey, 'e' as value", "toUInt8(3), 'p1', toUInt8(2), 'f'"])}{% endif %}`;
    const { p, project } = setup({ 'models/io.sql': model });
    const s = p.schema;
    expectStatuses(await project.run(), { io: 'success' });
    const all = () => onShard(1, `SELECT shardingKey, partitionKey, orderKey, value FROM ${s}.io ORDER BY shardingKey, partitionKey, orderKey`);
    expect(await all()).toBe('1\tp1\t1\ta\n1\tp1\t2\tb\n2\tp1\t3\tc\n2\tp2\t4\td');
    const again = await reopen(p).run();
    expectStatuses(again, { io: 'success' });
    expect(again.results[0]!.message).toBe('OK insert_overwrite 2 rows');
    // p1 replaced on both shards (2/p1/c lived on the shard that got no new p1 row); p2 kept.
    expect(await all()).toBe('1\tp1\t2\te\n2\tp2\t4\td\n3\tp1\t2\tf');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['io', 'io_local']);
  });

  it("a custom incremental strategy on distributed_incremental is refused, naming its macro (it runs on materialized='incremental')", async () => {
    const { p, project } = setup({
      'macros/mine.sql': "{% macro get_incremental_mine_sql(arg_dict) %}insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }}{% endmacro %}",
      'models/c.sql': "{{ config(materialized='distributed_incremental', incremental_strategy='mine') }}\nselect 1 as id",
    });
    const result = await project.run();
    expectStatuses(result, { c: 'error' });
    expect(result.results[0]!.message).toContain("the custom incremental strategy 'mine' (get_incremental_mine_sql) runs on materialized='incremental' only");
    expect(await tablesOn(1, p.schema)).toEqual([]);
  });

  /** Runs `act(sql)` right after the first statement of `project`'s client that `when` matches (another writer's moment). */
  async function afterStatement(project: TsdbtProject, when: RegExp, act: (sql: string) => Promise<void>): Promise<void> {
    type Send = (sql: string, o?: unknown) => Promise<unknown>;
    const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
    const original = client.command.bind(client);
    let done = false;
    client.command = async (sql, o) => {
      const answer = await original(sql, o);
      if (!done && when.test(sql)) {
        done = true;
        await act(sql);
      }
      return answer;
    };
  }

  // 18.x rebuilds a distributed_incremental whole each run (no partition moves ON CLUSTER): its old rows are copied
  // through the Distributed table, at a count of every shard's rows (copy-count.ts) — a row another writer puts into a
  // shard meanwhile was dropped with the old local tables.
  const incModel = (n: number) =>
    `{{ config(materialized='distributed_incremental', order_by='id', sharding_key='id') }}\nselect number as id, 'm' as v from numbers(${n})\n{% if is_incremental() %}where id >= ${n - 2}{% endif %}`;
  const oldRowsCopy = /^\s*INSERT INTO `[^`]+`\.`inc__tsdbt_tmp_\w+__fill` \([^)]*\) SELECT [^]*FROM `[^`]+`\.`inc`(\s|$)/;

  it("distributed_incremental rebuilt whole (18.x): a row another writer inserts into a shard while the old rows are copied is copied too", async () => {
    const { p, project } = setup({ 'models/inc.sql': incModel(10) });
    const s = p.schema;
    expectStatuses(await project.run(), { inc: 'success' });
    p.write({ 'models/inc.sql': incModel(12) });
    const next = reopen(p);
    await afterStatement(next, oldRowsCopy, async () => {
      await onShard(2, `INSERT INTO ${s}.inc_local VALUES (1001, 'direct')`);
    });
    const r = await next.run();
    expectStatuses(r, { inc: 'success' });
    expect(await onShard(1, `SELECT count(), countIf(v = 'direct') FROM ${s}.inc`)).toBe('13\t1');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['inc', 'inc_local']);
  });

  it('distributed_incremental rebuilt whole (18.x): a row committed into a shard\'s old local table after the swap: the model fails, that table kept and named', async () => {
    const { p, project } = setup({ 'models/inc.sql': incModel(10) });
    const s = p.schema;
    expectStatuses(await project.run(), { inc: 'success' });
    p.write({ 'models/inc.sql': incModel(12) });
    const next = reopen(p);
    await afterStatement(next, /^\s*RENAME TABLE [^]*`inc_local__tsdbt_backup_\w+`/, async (sql) => {
      const backup = /`(inc_local__tsdbt_backup_\w+)`/.exec(sql)![1]!;
      await onShard(2, `INSERT INTO ${s}.${backup} VALUES (1001, 'late')`);
    });
    const r = await next.run();
    expectStatuses(r, { inc: 'error' });
    expect(r.results[0]!.message).toContain(`${s}.inc_local got 1 row more from another writer while it was rebuilt whole`);
    const kept = /is kept as [^.]+\.(inc_local__tsdbt_direct_rows_\w+)/.exec(r.results[0]!.message ?? '')?.[1];
    expect(kept, r.results[0]!.message ?? '').toBeDefined();
    expect(await onShard(1, `SELECT count() FROM ${s}.inc`)).toBe('12');
    expect(await onShard(2, `SELECT id, v FROM ${s}.${kept} WHERE v = 'late'`)).toBe('1001\tlate');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['inc', 'inc_local', kept]);
  });

  it('an incremental model rebuilt in cluster mode (18.x: no partition moves ON CLUSTER): a row another writer inserts while its old rows are copied is copied too', async () => {
    const model = (n: number) => `{{ config(materialized='incremental', order_by='id') }}\nselect toUInt32(number) as id from numbers(${n})\n{% if is_incremental() %}where id >= ${n - 1}{% endif %}`;
    const { p, project } = setup({ 'models/c.sql': model(3) });
    const s = p.schema;
    expectStatuses(await project.run(), { c: 'success' });
    p.write({ 'models/c.sql': model(4) });
    const next = reopen(p);
    await afterStatement(next, /^\s*INSERT INTO `[^`]+`\.`c__tsdbt_tmp_\w+__new` \([^)]*\) SELECT [^]*? FROM `[^`]+`\.`c`(\s|$)/, async () => {
      await onShard(1, `INSERT INTO ${s}.c VALUES (7)`);
    });
    expectStatuses(await next.run(), { c: 'success' });
    expect(await onShard(1, `SELECT groupArray(id) FROM (SELECT id FROM ${s}.c ORDER BY id)`)).toBe('[0,1,2,3,7]');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['c']);
  });

  it('an incremental model rebuilt in cluster mode (18.x): a row another writer put on another shard stops the build, nothing changed (the copy from this host would drop it)', async () => {
    const model = (n: number) => `{{ config(materialized='incremental', order_by='id') }}\nselect toUInt32(number) as id from numbers(${n})\n{% if is_incremental() %}where id >= ${n - 1}{% endif %}`;
    const { p, project } = setup({ 'models/c.sql': model(3) });
    const s = p.schema;
    expectStatuses(await project.run(), { c: 'success' });
    await onShard(2, `INSERT INTO ${s}.c VALUES (100)`);
    p.write({ 'models/c.sql': model(4) });
    const r = await reopen(p).run();
    expectStatuses(r, { c: 'error' });
    expect(r.results[0]!.message).toContain(`${s}.c holds 1 row on other shards of cluster tsdbt_cluster than this host's, which its rebuild from this host's rows would drop: nothing was changed`);
    expect(await onShard(1, `SELECT groupArray(id) FROM (SELECT id FROM ${s}.c ORDER BY id)`)).toBe('[0,1,2]');
    expect(await onShard(2, `SELECT groupArray(id) FROM ${s}.c`)).toBe('[100]');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['c']);
  });

  it("a custom incremental strategy in cluster mode (18.x: no partition moves ON CLUSTER to copy the table): its statements run on the table as written", async () => {
    const { p, project } = setup({ 'macros/strategies.sql': INSERT_NEW_STRATEGY, 'models/m.sql': insertNewModel("order_by='id'") });
    const s = p.schema;
    expectStatuses(await project.run(), { m: 'success' });
    const again = await reopen(p).run();
    expectStatuses(again, { m: 'success' });
    expect(await onShard(1, `SELECT groupArray((id, msg)) FROM (SELECT id, msg FROM ${s}.m ORDER BY id)`)).toBe("[(1,'a'),(2,'b'),(3,'c')]");
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['m']);
  });

  it('a view and a plain table ON CLUSTER (replicated engine), and a test through the Distributed table', async () => {
    const { p, project } = setup({
      'models/dist.sql': "{{ config(materialized='distributed_table', sharding_key='n') }}\nselect number as n, number % 5 as k from numbers(10)",
      'models/plain.sql': "{{ config(materialized='table', engine='ReplacingMergeTree()', order_by='n') }}\nselect n, k from {{ ref('dist') }}",
      'models/v.sql': "{{ config(materialized='view') }}\nselect k, count() as c from {{ ref('dist') }} group by k",
      'models/solo.sql': "{{ config(materialized='table', disable_on_cluster=true) }}\nselect 1 as x",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: dist',
        '    columns:',
        '      - name: n',
        '        tests: [unique, not_null]',
        '      - name: k',
        '        tests: [unique]',
        '',
      ].join('\n'),
    });
    const s = p.schema;
    const built = await project.run();
    const byName = Object.fromEntries(built.results.map((r) => [r.node.name, r]));
    expect(byName.dist!.status).toBe('success');
    expect(byName.plain!.status, byName.plain!.message).toBe('success');
    expect(byName.v!.status, byName.v!.message).toBe('success');
    expect(byName.solo!.status, byName.solo!.message).toBe('success');
    const result = await project.test();
    // k = n % 5 repeats across shards only (n and n + 5 differ in parity): a per-shard check would pass.
    const kUnique = result.results.find((r) => r.node.name.startsWith('unique_dist_k'))!;
    expect(kUnique.status).toBe('fail');
    expect(kUnique.failures).toBe(5);
    expect(result.results.find((r) => r.node.name.startsWith('unique_dist_n'))!.status).toBe('pass');

    for (const shard of [1, 2]) {
      expect(await onShard(shard, `SELECT name, engine FROM system.tables WHERE database = '${s}' AND name IN ('plain', 'v') ORDER BY name`)).toBe(
        'plain\tReplicatedReplacingMergeTree\nv\tView',
      );
      expect(await tablesOn(shard, s)).toEqual(shard === 1 ? ['dist', 'dist_local', 'plain', 'solo', 'v'] : ['dist', 'dist_local', 'plain', 'v']);
      expect(await onShard(shard, `SELECT sum(c) FROM ${s}.v`)).toBe('10');
    }
    // A plain table's rows are written on the node tsdbt talks to (and its replicas).
    expect(await count(1, `${s}.plain`)).toBe(10);
    expect(await count(2, `${s}.plain`)).toBe(0);

    // Rebuild: swapped by RENAME … ON CLUSTER on both shards, no leftovers.
    const again = await reopen(p).run({ select: ['plain', 'v'] });
    expectStatuses(again, { plain: 'success', v: 'success' });
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(shard === 1 ? ['dist', 'dist_local', 'plain', 'solo', 'v'] : ['dist', 'dist_local', 'plain', 'v']);
  });

  it('source load on a cluster: the table is created ON CLUSTER (replicated), loaded on this shard and reloaded whole', async () => {
    const yml = (schema: string) =>
      `version: 2\nsources:\n  - name: ext\n    schema: ${schema}\n    tables:\n      - name: ev\n        external: {location: data/ev.csv}\n        columns: [{name: id, data_type: UInt32}, {name: label, data_type: String}]\n`;
    const { p, project } = setup({ 'data/ev.csv': 'id,label\n1,a\n2,b\n3,c\n' });
    p.write({ 'models/src.yml': yml(p.schema) });
    const loaded = await reopen(p).sourceLoad();
    expectStatuses(loaded, { ev: 'success' });
    expect(loaded.results[0]!.message).toBe('INSERT 3');
    const s = p.schema;
    for (const shard of [1, 2]) {
      expect(await tablesOn(shard, s)).toEqual(['ev']);
      expect(await onShard(shard, `SELECT engine FROM system.tables WHERE database = '${s}' AND name = 'ev'`)).toBe('ReplicatedMergeTree');
    }
    expect(await count(1, `${s}.ev`)).toBe(3);
    p.write({ 'data/ev.csv': 'id,label\n9,z\n' });
    expectStatuses(await reopen(p).sourceLoad(), { ev: 'success' });
    expect(await onShard(1, `SELECT id FROM ${s}.ev`)).toBe('9');
    for (const shard of [1, 2]) expect(await tablesOn(shard, s)).toEqual(['ev']);
    await project.close();
  });

  it('an unknown cluster name is a clear error', async () => {
    const { project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" }, 'no_such_cluster');
    const result = await project.run();
    expect(result.results[0]!.status).toBe('error');
    expect(result.results[0]!.message).toMatch(/Cluster 'no_such_cluster' is not defined .*known: .*tsdbt_cluster/);
  });

  it('a stopped shard: clear error, and nothing lost on the other shard', async () => {
    const model = (n: number) => `{{ config(materialized='distributed_table', sharding_key='id') }}\nselect number as id from numbers(${n})`;
    const inc = "{{ config(materialized='distributed_incremental') }}\nselect number as id from numbers(10)";
    const { p, project } = setup({ 'models/d.sql': model(100), 'models/i.sql': inc });
    const s = p.schema;
    expectStatuses(await project.run(), { d: 'success', i: 'success' });
    expect(await count(1, `${s}.d_local`)).toBe(50);

    await cluster.nodes[1]!.kill();
    try {
      p.write({ 'models/d.sql': model(10) });
      const failed = await reopen(p).run();
      for (const r of failed.results) {
        expect(r.status).toBe('error');
        expect(r.message).toMatch(/A shard of cluster 'tsdbt_cluster' is unreachable/);
        // found by the up-front check, not after waiting out distributed_ddl_task_timeout (no clock needed)
        expect(r.message).not.toMatch(/distributed_ddl_task_timeout|is executing longer than/);
      }
      // Shard 1 still has its old rows and no half-built tables.
      expect(await count(1, `${s}.d_local`)).toBe(50);
      expect(await tablesOn(1, s)).toEqual(['d', 'd_local', 'i', 'i_local']);
      expect(await onShard(1, `SELECT count() FROM ${s}.d SETTINGS skip_unavailable_shards = 1`)).toBe('50');
    } finally {
      await cluster.nodes[1]!.start();
    }
    // Back up: the rebuild goes through.
    const recovered = await reopen(p).run();
    expectStatuses(recovered, { d: 'success', i: 'success' });
    expect(await count(2, `${s}.d`)).toBe(10);
    expect(await count(1, `${s}.i`)).toBe(20);
  });
});
