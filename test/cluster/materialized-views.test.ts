import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../helpers/inline-project.js';
import { clusterProfile, SKIP_CLUSTER_TESTS, startCluster, type TestCluster } from './cluster.js';

/*
 * Materialized views and dictionaries in cluster mode, on the 2-shard ClickHouse 18.16 cluster of
 * cluster.ts (one replica per shard, ZooKeeper). tsdbt talks to shard 1 only; each shard's view
 * writes its own inserts into its own replicated target.
 */
describe.skipIf(SKIP_CLUSTER_TESTS)('cluster mode: materialized views ON CLUSTER, replicated targets', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const setup = openedPerTest((p) => p.write({ 'profiles.yml': clusterProfile({ port: cluster.nodes[0]!.port, schema: p.schema }) }));
  const onShard = async (shard: number, sql: string) => (await cluster.nodes[shard - 1]!.query(sql)).trim();

  const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';

  async function withEvents(files: Record<string, string>) {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, ...files });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    await adapter.ddl(`CREATE TABLE ${p.schema}.events${adapter.onCluster()} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    return { p, project };
  }

  it('creates the view and its replicated target on every shard; each shard captures its own inserts', async () => {
    const { p, project } = await withEvents({
      'models/copy.sql': "{{ config(materialized='materialized_view', order_by='id', catchup=false) }}\nselect id, kind from {{ source('raw', 'events') }}",
    });
    const r = await project.run();
    expectStatuses(r, { copy: 'success' });
    for (const shard of [1, 2]) {
      expect(await onShard(shard, `SELECT name, engine FROM system.tables WHERE database = '${p.schema}' AND name LIKE 'copy%' ORDER BY name FORMAT TSV`)).toBe(
        'copy\tReplicatedMergeTree\ncopy_mv\tMaterializedView',
      );
    }
    await onShard(1, `INSERT INTO ${p.schema}.events VALUES (1, 'a'), (2, 'b')`);
    await onShard(2, `INSERT INTO ${p.schema}.events VALUES (3, 'c')`);
    expect([await onShard(1, `SELECT count() FROM ${p.schema}.copy`), await onShard(2, `SELECT count() FROM ${p.schema}.copy`)]).toEqual(['2', '1']);
    expect((await setup.reopen(p).run()).results[0]!.message).toBe('OK unchanged');
  });

  it('catchup on several shards is refused with what to do, and nothing is created', async () => {
    const { p, project } = await withEvents({
      'models/copy.sql': "{{ config(materialized='materialized_view', order_by='id') }}\nselect id, kind from {{ source('raw', 'events') }}",
    });
    const r = await project.run();
    expectStatuses(r, { copy: 'error' });
    expect(r.results[0]!.message).toMatch(/catchup on a cluster of several shards .* is not supported in cluster mode/);
    for (const shard of [1, 2]) expect(await onShard(shard, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name FORMAT TSV`)).toBe('events');
  });

  it('a view into a table model, ON CLUSTER; a dictionary is "not supported by this server"', async () => {
    const { p, project } = await withEvents({
      'models/target.sql': "{{ config(materialized='table', order_by='id') }}\nselect toUInt64(0) as id, '' as kind where 0",
      'models/feed.sql': "{{ config(materialized='materialized_view', target=ref('target'), catchup=false) }}\nselect id, kind from {{ source('raw', 'events') }}",
      'models/d.sql': "{{ config(materialized='dictionary') }}\nselect toUInt64(1) as id, 'a' as v",
    });
    const r = await project.run();
    expectStatuses(r, { target: 'success', feed: 'success', d: 'error' });
    expect(r.results.find((x) => x.node.name === 'd')!.message).toMatch(/not supported by this server/);
    await onShard(2, `INSERT INTO ${p.schema}.events VALUES (5, 'e')`);
    expect(await onShard(2, `SELECT id, kind FROM ${p.schema}.target FORMAT TSV`)).toBe('5\te');
    expect(await onShard(2, `SELECT engine FROM system.tables WHERE database = '${p.schema}' AND name = 'target'`)).toBe('ReplicatedMergeTree');
  });
});
