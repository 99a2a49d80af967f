import { it } from 'vitest';
import { startCluster } from './cluster.js';

it('probe', async () => {
  const c = await startCluster();
  const q = (sql: string) => c.nodes[0]!.query(sql);
  await q("CREATE DATABASE IF NOT EXISTS d ON CLUSTER tsdbt_cluster");
  for (let i = 0; i < 6; i++) {
    const t0 = Date.now();
    await q(`CREATE TABLE d.x${i} ON CLUSTER tsdbt_cluster (id UInt32) ENGINE = MergeTree ORDER BY id`);
    const t1 = Date.now();
    await q(`DROP TABLE d.x${i} ON CLUSTER tsdbt_cluster`);
    const t2 = Date.now();
    const r = await q(`SELECT 1`);
    console.log('create', t1 - t0, 'drop', t2 - t1, 'select', Date.now() - t2);
  }
  console.log(await q("SELECT name, value FROM system.settings WHERE name LIKE '%ddl%' FORMAT TSV"));
  await c.stop();
}, 300_000);
