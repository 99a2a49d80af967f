// delete+insert, as tsdbt runs it now (the partitions holding changed keys rebuilt beside the table,
// replaced in one ALTER) against the two designs it could have been: the previous one (a lightweight
// DELETE of the changed keys, then an INSERT: two statements, rows lost if the second fails or the
// process dies between them) and a full rebuild swapped in (dbt-clickhouse's "legacy" strategy).
// One incremental run over a table of N rows (24 months of data): 1% of the keys changed, all of
// them rows of the last month (as late-arriving updates are), and 1% new keys in that month; the
// table unpartitioned, then partitioned by month.
// Usage: node bench/incremental-strategies.mjs [rows=1000000,5000000] [repeats=3]
import { TsdbtProject } from '@tsdbt/core';
import { writeProject, seconds } from './bench-project.mjs';

const sizes = (process.argv[2] ?? '1000000,5000000').split(',').map(Number);
const repeats = Number(process.argv[3] ?? 3);
const source = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';
const model = (partition) =>
  `{{ config(materialized='incremental', unique_key='id', order_by='id'${partition ? ", partition_by='toYYYYMM(d)'" : ''}) }}\n` +
  "select id, d, v from {{ source('raw', 'events') }}\n{% if is_incremental() %}where d >= '2025-12-01'{% endif %}";
const dir = writeProject({ 'models/sources.yml': source, 'models/flat.sql': model(false), 'models/monthly.sql': model(true) }, { name: 'dibench', threads: 1 });
const project = TsdbtProject.open({ projectDir: dir });
const client = (await project.adapter(1)).client;
const q = (sql) => client.command(sql);
const s = 'dibench';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const n of sizes) {
  // N rows over 24 months; the change: 1% of the keys (in the last month) rewritten, 1% new.
  await q(`DROP TABLE IF EXISTS ${s}.events`);
  await q(`CREATE DATABASE IF NOT EXISTS ${s}`);
  await q(`CREATE TABLE ${s}.events (id UInt64, d Date, v String) ENGINE = MergeTree ORDER BY id`);
  await q(`INSERT INTO ${s}.events SELECT number, toDate('2024-01-01') + intDiv(number * 730, ${n}), repeat('x', 40) FROM numbers(${n})`);
  for (const m of ['flat', 'monthly']) {
    const r = await project.run({ select: [m], fullRefresh: true });
    if (!r.success) throw new Error(r.results[0].message);
    await q(`DROP TABLE IF EXISTS ${s}.${m}_base`);
    await q(`CREATE TABLE ${s}.${m}_base AS ${s}.${m}`);
    await q(`INSERT INTO ${s}.${m}_base SELECT * FROM ${s}.${m}`);
  }
  const changed = Math.floor(n / 100);
  await q(`INSERT INTO ${s}.events SELECT number, toDate('2025-12-15'), 'new' FROM numbers(${n}, ${changed})`);
  // The last month holds ~1/24 of the rows: a quarter of them changed is ~1% of the table.
  await q(`ALTER TABLE ${s}.events UPDATE v = 'changed' WHERE d >= '2025-12-01' AND id % 4 = 1 SETTINGS mutations_sync = 2`);
  const reset = async (m) => {
    await q(`DROP TABLE IF EXISTS ${s}.${m} SYNC`);
    await q(`CREATE TABLE ${s}.${m} AS ${s}.${m}_base`);
    await q(`INSERT INTO ${s}.${m} SELECT * FROM ${s}.${m}_base`);
  };
  const newRows = `SELECT id, d, v FROM ${s}.events WHERE d >= '2025-12-01'`;
  for (const m of ['flat', 'monthly']) {
    const times = { now: [], previous: [], rebuild: [] };
    for (let i = 0; i < repeats; i++) {
      await reset(m);
      let t = performance.now();
      const r = await project.run({ select: [m] });
      times.now.push(performance.now() - t);
      if (!r.success) throw new Error(r.results[0].message);
      const expected = await client.query(`SELECT count() AS c, sum(cityHash64(id, d, v)) AS h FROM ${s}.${m}`);

      await reset(m);
      t = performance.now();
      await q(`CREATE TABLE ${s}.${m}_new ENGINE = MergeTree ORDER BY id AS ${newRows}`);
      await q(`DELETE FROM ${s}.${m} WHERE id IN (SELECT id FROM ${s}.${m}_new) SETTINGS mutations_sync = 2, lightweight_deletes_sync = 2`);
      await q(`INSERT INTO ${s}.${m} SELECT * FROM ${s}.${m}_new`);
      times.previous.push(performance.now() - t);
      await q(`DROP TABLE ${s}.${m}_new SYNC`);

      await reset(m);
      t = performance.now();
      await q(`CREATE TABLE ${s}.${m}_new AS ${s}.${m}`);
      await q(`INSERT INTO ${s}.${m}_new SELECT * FROM ${s}.${m} WHERE id NOT IN (SELECT id FROM (${newRows}))`);
      await q(`INSERT INTO ${s}.${m}_new ${newRows}`);
      await q(`EXCHANGE TABLES ${s}.${m}_new AND ${s}.${m}`);
      times.rebuild.push(performance.now() - t);
      await q(`DROP TABLE ${s}.${m}_new SYNC`);
      const got = await client.query(`SELECT count() AS c, sum(cityHash64(id, d, v)) AS h FROM ${s}.${m}`);
      if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`the designs disagree on ${m}: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
    }
    rows.push({ rows: n, table: m, now: median(times.now), previous: median(times.previous), rebuild: median(times.rebuild) });
    console.log(`${n} rows, ${m}: now ${seconds(median(times.now))} s (whole run) | previous DELETE+INSERT ${seconds(median(times.previous))} s | full rebuild + EXCHANGE ${seconds(median(times.rebuild))} s`);
  }
}
await project.close();
console.log('\n| rows | table | tsdbt delete+insert (whole run) | previous: DELETE + INSERT | full rebuild + EXCHANGE |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.rows.toLocaleString('en-US')} | ${r.table === 'flat' ? 'unpartitioned' : 'by month (24)'} | ${seconds(r.now)} s | ${seconds(r.previous)} s | ${seconds(r.rebuild)} s |`);
