import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FaultCase } from '../fault/harness.js';
import { FaultHarness, formatCounts, type CaseCounts, type Warehouse } from '../fault/harness.js';
import { CLUSTER, clusterProfile, SKIP_CLUSTER_TESTS, startCluster, type TestCluster } from './cluster.js';

/*
 * The fault-injection harness (test/fault/) on the 2-shard 18.16 cluster: the distributed
 * materializations. A cluster's DDL takes ~0.1 s a statement (ZooKeeper's queue), so here each
 * statement that writes is failed, and the process killed right after it (the states a kill after
 * a read leaves are among those), then its answer lost, with four iterations side by side. (18.16 has no partition
 * commands ON CLUSTER: a distributed_incremental run there rebuilds and swaps the table whatever
 * its strategy or schema change, so one incremental case covers the mechanism.)
 */
const dist = (config: string, select: string) => `{{ config(materialized='distributed_incremental', sharding_key='id', order_by='id', ${config}) }}\n${select}`;
const CASES: FaultCase[] = [
  {
    name: 'distributed_table: rebuild',
    files: { 'models/t.sql': "{{ config(materialized='distributed_table', sharding_key='id', order_by='id') }}\nselect number as id, 'a' as v from numbers(4)" },
    changedFiles: { 'models/t.sql': "{{ config(materialized='distributed_table', sharding_key='id', order_by='id') }}\nselect number as id, 'b' as v from numbers(6)" },
    targets: ['t', 't_local'],
  },
  {
    name: 'distributed_incremental: delete+insert',
    files: { 'models/t.sql': dist("unique_key='id'", "select number as id, 'old' as v from numbers(5)") },
    changedFiles: { 'models/t.sql': dist("unique_key='id'", "select number as id, 'new' as v from numbers(3, 4)") },
    targets: ['t'],
  },
];

describe.skipIf(SKIP_CLUSTER_TESTS)('fault injection (cluster)', () => {
  let cluster: TestCluster;
  let harness: FaultHarness;
  const counts: CaseCounts[] = [];
  beforeAll(async () => {
    cluster = await startCluster();
    const node = cluster.nodes[0]!;
    const query = async <T,>(sql: string): Promise<T[]> => {
      const reads = /^\s*(select|describe)/i.test(sql);
      const text = await node.query(reads ? `${sql} FORMAT JSONEachRow` : sql);
      return reads ? text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T) : [];
    };
    const warehouse: Warehouse = {
      kind: 'cluster',
      profile: (schema) => clusterProfile({ name: 'fault', port: node.port, schema }).replace('threads: 2', 'threads: 1'),
      query,
      // 18.16 cannot always drop a database holding Distributed tables ("Directory not empty"): its tables, one by one.
      dropSchema: async (schema) => {
        const names = await query<{ name: string }>(`SELECT DISTINCT name FROM cluster('${CLUSTER}', system, tables) WHERE database = '${schema}'`);
        for (const { name } of names) await query(`DROP TABLE IF EXISTS \`${schema}\`.\`${name}\` ON CLUSTER ${CLUSTER}`);
      },
      tables: `cluster('${CLUSTER}', system, tables)`,
      onCluster: ` ON CLUSTER ${CLUSTER}`,
    };
    harness = new FaultHarness(warehouse);
  }, 180_000);
  afterAll(async () => {
    console.log(formatCounts('2-shard 18.16 cluster', counts));
    harness?.cleanup();
    await cluster?.stop();
  });

  for (const [i, c] of CASES.entries())
    it(`${c.name}: old or new rows whatever statement fails or is the last`, async () => {
      counts.push(await harness.run(c, `fault_${i}`, { ks: 'writes', slots: 4 }));
    }, 900_000);

  // Lost answers: an ON CLUSTER statement that ran on every host while its answer was lost (a retry of what wrote would double rows).
  for (const [i, c] of CASES.entries())
    it(`${c.name}: old or new rows whatever statement's answer is lost`, async () => {
      counts.push(await harness.run(c, `fault_lost_${i}`, { ks: 'writes', slots: 4, modes: ['lost'] }));
    }, 900_000);
});
