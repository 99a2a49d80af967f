import { afterAll, beforeAll, describe, it } from 'vitest';
import type { FaultCase } from '../fault/harness.js';
import { FaultHarness, formatCounts, type CaseCounts, type Warehouse } from '../fault/harness.js';
import { serverProfile } from '../server/clickhouse-server.js';
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

/*
 * A ReplicatedMergeTree model outside cluster mode, a second replica of it on the other server (as in
 * replicated-carry.test.ts): its rebuild for a new column copies the table, and a row INSERTed on the other replica
 * before one INSERTed here (a lower block number), its fetch held back, arrives right after the copy, below the copy's
 * cut. The copy's blocks are noted exactly (block-ranges.ts), so it is carried (copy-carry.ts), never dropped with the
 * old table. Statements starting `/*rb*\/` run on the other server; `{zk}` is the table's ZooKeeper path here.
 */
const ENGINE = `engine="ReplicatedMergeTree('/clickhouse/tables/{database}/{table}', 'ra')"`;
/** Row 3 only once: the harness's clean rerun after a run that succeeded appends nothing. */
const replicatedModel = (more: string) => `{{ config(materialized='incremental', on_schema_change='append_new_columns', order_by='id', ${ENGINE}) }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(3) as id, 'c' as msg${more} where id not in (select id from {{ this }}){% endif %}`;
const FETCH = ['SYSTEM START FETCHES $.m', 'SYSTEM SYNC REPLICA $.m'];
const REPLICATED: FaultCase = {
  name: 'incremental on a replicated table: rebuild for a new column, a row fetched from the other replica after the copy, below its cut (carried)',
  files: { 'models/m.sql': replicatedModel('') },
  changedFiles: { 'models/m.sql': replicatedModel(', toUInt8(1) as x') },
  change: [
    '/*rb*/ CREATE DATABASE IF NOT EXISTS $',
    "/*rb*/ CREATE TABLE $.m (id UInt32, msg String) ENGINE = ReplicatedMergeTree('{zk}', 'rb') ORDER BY id",
    '/*rb*/ SYSTEM SYNC REPLICA $.m',
    'SYSTEM STOP FETCHES $.m',
    "/*rb*/ INSERT INTO $.m (id, msg) VALUES (4, 'elsewhere')",
    "INSERT INTO $.m (id, msg) VALUES (5, 'here')",
  ],
  targets: ['m'],
  writer: { at: /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__new`.* FROM `[^`]+`\.`m` WHERE/s, sql: FETCH, asIf: FETCH, late: FETCH },
};

describe.skipIf(SKIP_CLUSTER_TESTS)('fault injection (cluster)', () => {
  let cluster: TestCluster;
  let harness: FaultHarness;
  let replicated: FaultHarness;
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
    // The replicated case: a server profile on the first node (not cluster mode), its second replica on the other.
    const other = cluster.nodes[1]!;
    const routed = async <T,>(sql: string): Promise<T[]> => {
      if (!sql.startsWith('/*rb*/')) return query<T>(sql);
      const db = /CREATE (?:DATABASE IF NOT EXISTS|TABLE) `?(\w+)/.exec(sql)?.[1];
      const zk = sql.includes('{zk}') ? (await node.query(`SELECT zookeeper_path FROM system.replicas WHERE database = '${db}' AND table = 'm'`)).trim() : '';
      await other.query(sql.replace('{zk}', zk));
      return [];
    };
    replicated = new FaultHarness({
      kind: 'server',
      profile: (schema) => serverProfile({ name: 'fault', port: node.port, schema, threads: 1 }),
      query: routed,
      dropSchema: async (schema) => {
        await other.query(`DROP DATABASE IF EXISTS \`${schema}\``);
        await node.query(`DROP DATABASE IF EXISTS \`${schema}\``);
      },
    });
  }, 180_000);
  afterAll(async () => {
    console.log(formatCounts('2-shard 18.16 cluster', counts));
    harness?.cleanup();
    replicated?.cleanup();
    await cluster?.stop();
  });

  for (const [i, c] of CASES.entries())
    it(`${c.name}: old or new rows whatever statement fails or is the last`, async () => {
      counts.push(await harness.run(c, `fault_${i}`, { ks: 'writes', slots: 4 }));
    }, 900_000);

  it(`${REPLICATED.name}: old or new rows whatever statement fails or is the last`, async () => {
    counts.push(await replicated.run(REPLICATED, 'fault_replicated', { ks: 'writes', slots: 2 }));
  }, 1_800_000);

  // Lost answers: an ON CLUSTER statement that ran on every host while its answer was lost (a retry of what wrote would double rows).
  for (const [i, c] of CASES.entries())
    it(`${c.name}: old or new rows whatever statement's answer is lost`, async () => {
      counts.push(await harness.run(c, `fault_lost_${i}`, { ks: 'writes', slots: 4, modes: ['lost'] }));
    }, 900_000);
});
