// Disk kept by rebuilds on the embedded engine: a table model rebuilt B times in a row, the data
// directory's size measured after, with the previous versions dropped `SYNC` (now) and without (as
// before: Atomic databases keep a dropped table's data for 8 minutes). Each variant has a warehouse
// of its own.
// Usage: node bench/rebuild-disk.mjs [rows=2000000] [builds=10]
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TsdbtProject } from '@tsdbt/core';
import { writeProject } from './bench-project.mjs';

const [rows = 2_000_000, builds = 10] = process.argv.slice(2).map(Number);
const model = `{{ config(materialized='table', order_by='id') }}\nselect number as id, randomPrintableASCII(40) as payload from numbers(${rows})`;
const du = (path) => Number(execFileSync('du', ['-sk', path]).toString().split('\t')[0]) / 1024;

for (const variant of ['DROP … SYNC (now)', 'DROP without SYNC (before)']) {
  const dir = writeProject({ 'models/big.sql': model }, { name: 'disk', threads: 1 });
  const project = TsdbtProject.open({ projectDir: dir });
  const adapter = await project.adapter(1);
  if (variant.includes('before')) adapter.capabilities.learn('drop_sync', false);
  const t = performance.now();
  for (let i = 0; i < builds; i++) {
    const r = await project.run();
    if (!r.success) throw new Error(r.results[0].message);
  }
  const elapsed = (performance.now() - t) / 1000;
  const [live] = await adapter.client.query("SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE active AND database = 'disk'");
  const [dropped] = await adapter.client.query("SELECT count() AS n FROM system.dropped_tables WHERE database = 'disk'");
  const onDisk = du(join(dir, '.tsdbt/chdb'));
  console.log(
    `${variant}: ${builds} builds of ${rows.toLocaleString('en-US')} rows in ${elapsed.toFixed(1)} s; data directory ${onDisk.toFixed(0)} MB for a live table of ${(Number(live.b) / 2 ** 20).toFixed(0)} MB; ${dropped.n} dropped tables waiting`,
  );
  await project.close();
}
