// Snapshots on ClickHouse: a run that changes k rows of an N-row snapshot, tsdbt's hard-link path
// against a full rewrite (what dbt-clickhouse does every run, and tsdbt's fallback on old servers),
// measured side by side on the same source, alternating which goes first. Then the alternatives
// that were considered for applying the same k changes, on copies of the same table.
// Usage: node bench/snapshot-merge.mjs [rows=10000000] [changes=1000] [repeats=3]
import { cpus, loadavg } from 'node:os';
import { TsdbtProject } from '@tsdbt/core';
import { writeProject, seconds } from './bench-project.mjs';

const rows = Number(process.argv[2] ?? 10_000_000);
const changes = Number(process.argv[3] ?? 1000);
const repeats = Number(process.argv[4] ?? 3);
const schema = 'snapbench';

// Two snapshots of one source, the same config; only the apply path differs.
const block = (name) => `{% snapshot ${name} %}
{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
select * from {{ source('raw', 'orders') }}
{% endsnapshot %}
`;
const dir = writeProject(
  {
    'models/sources.yml': `version: 2\nsources:\n  - name: raw\n    schema: ${schema}\n    tables:\n      - name: orders\n`,
    'snapshots/hardlink.sql': block('snap_hardlink'),
    'snapshots/rewrite.sql': block('snap_rewrite'),
  },
  { name: schema, threads: 2 },
);
const project = TsdbtProject.open({ projectDir: dir });
const adapter = await project.adapter();
const client = adapter.client;
const sql = (text, settings) => client.command(text, settings ? { settings } : undefined);
const one = async (text) => Object.values((await client.query(text))[0])[0];
const timed = async (work) => {
  const t = performance.now();
  await work();
  return performance.now() - t;
};

// A realistic row: 12 columns (ids, a low-cardinality status, money, text, times).
await sql(`CREATE DATABASE IF NOT EXISTS ${schema}`);
await sql(`DROP TABLE IF EXISTS ${schema}.orders SYNC`);
await sql(`CREATE TABLE ${schema}.orders (
  id UInt64, customer_id UInt32, status LowCardinality(String), amount Decimal(12, 2), currency LowCardinality(String),
  email String, street String, city LowCardinality(String), country LowCardinality(String), note String,
  created_at DateTime, updated_at DateTime
) ENGINE = MergeTree ORDER BY id`);
await sql(`INSERT INTO ${schema}.orders SELECT
  number, rand32() % 1000000, ['placed','paid','shipped','delivered','returned'][number % 5 + 1], toDecimal64((number % 100000) / 100, 2), ['EUR','USD','GBP'][number % 3 + 1],
  concat('user', toString(number % 1000000), '@example.com'), concat(toString(number % 997), ' Long Street Name ', toString(number % 13)), concat('city', toString(number % 500)), ['FR','DE','US','GB','ES'][number % 5 + 1],
  if(number % 3 = 0, '', concat('note about order ', toString(number))), toDateTime('2024-01-01 00:00:00') + number % 10000000, toDateTime('2024-01-01 00:00:00') + number % 10000000
FROM numbers(${rows})`);

const forceRewrite = (on) => {
  if (on) adapter.hasFunction = async (name) => (name === 'joinGet' ? false : true);
  else delete adapter.hasFunction;
};
// Both snapshots of a repeat run at the same snapshot time (deletions close at it), so their histories compare.
let fixedTime;
{
  const query = client.query.bind(client);
  client.query = (text, ...rest) => (fixedTime && /^SELECT toString\(now64\(6\)\) AS t$/.test(text) ? Promise.resolve([{ t: fixedTime }]) : query(text, ...rest));
}
const snapshot = async (name) => {
  forceRewrite(name === 'snap_rewrite');
  // Which statements the run spends its time in: finding the changes, or applying them.
  const spent = { detect: 0, apply: 0 };
  const command = client.command;
  client.command = async (text, ...rest) => {
    const t = performance.now();
    try {
      return await command.call(client, text, ...rest);
    } finally {
      const ms = performance.now() - t;
      if (/__changes` ENGINE = MergeTree/.test(text)) spent.detect += ms;
      else if (/__(shadow|rewrite|closes)`/.test(text) || /^(EXCHANGE|RENAME)/.test(text)) spent.apply += ms;
    }
  };
  try {
    let result;
    const total = await timed(async () => {
      result = await project.snapshot({ select: [name] });
    });
    const r = result.results[0];
    if (r.status !== 'success') throw new Error(`${name}: ${r.message}`);
    return { total, ...spent, message: r.message };
  } finally {
    client.command = command;
    forceRewrite(false);
  }
};

const first = {};
fixedTime = await one('SELECT toString(now64(6))');
for (const name of ['snap_hardlink', 'snap_rewrite']) {
  await sql(`DROP TABLE IF EXISTS ${schema}.${name} SYNC`);
  first[name] = await snapshot(name);
}
const size = async (table) => one(`SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = '${schema}' AND table = '${table}'`);

// Each repeat: k rows change (updated_at moves, status changes), k/10 are deleted, k/10 are new.
const runs = [];
let nextId = rows;
for (let r = 0; r < repeats; r++) {
  const changed = Math.max(1, changes - Math.floor(changes / 5));
  const step = Math.floor(rows / changed);
  await sql(`ALTER TABLE ${schema}.orders UPDATE updated_at = updated_at + INTERVAL ${r + 1} DAY, status = 'changed' WHERE id % ${step} = ${r} AND id < ${rows}`, { mutations_sync: 2 });
  await sql(`ALTER TABLE ${schema}.orders DELETE WHERE id % ${step * 10} = ${5 + r} AND id < ${rows}`, { mutations_sync: 2 });
  await sql(`INSERT INTO ${schema}.orders SELECT id + ${nextId}, customer_id, status, amount, currency, email, street, city, country, note, created_at, updated_at FROM ${schema}.orders WHERE id < ${Math.floor(changes / 10)}`);
  nextId += rows;
  fixedTime = await one('SELECT toString(now64(6))');
  const order = r % 2 === 0 ? ['snap_hardlink', 'snap_rewrite'] : ['snap_rewrite', 'snap_hardlink'];
  const out = {};
  for (const name of order) out[name] = await snapshot(name);
  runs.push(out);
}
// Both paths wrote the same history.
const digest = (t) => one(`SELECT groupBitXor(cityHash64(id, dbt_scd_id, dbt_valid_from, dbt_valid_to, status)) FROM ${schema}.${t}`);
const identical = (await digest('snap_hardlink')) === (await digest('snap_rewrite'));
const versions = Number(await one(`SELECT count() FROM ${schema}.snap_hardlink`));

// The alternatives considered for applying the same k changes, on copies of the snapshot table
// (the change detection is the same for all; only the write is timed).
const alt = {};
{
  const src = `${schema}.snap_hardlink`;
  const changedIds = `SELECT id FROM ${schema}.orders WHERE id % ${Math.floor(rows / changes)} = 0 AND id < ${rows} LIMIT ${changes}`;
  // What the change detection hands over (as tsdbt's changes table): the versions to close and the new rows, prepared untimed.
  for (const t of ['alt_closes', 'alt_close_ids', 'alt_new', 'alt_lw', 'alt_rmt']) await sql(`DROP TABLE IF EXISTS ${schema}.${t} SYNC`);
  await sql(`CREATE TABLE ${schema}.alt_close_ids ENGINE = MergeTree ORDER BY tuple() AS SELECT dbt_scd_id, toNullable(now()) AS vt FROM ${src} WHERE dbt_valid_to IS NULL AND id IN (${changedIds})`);
  await sql(`CREATE TABLE ${schema}.alt_closes ENGINE = Join(ANY, LEFT, dbt_scd_id) AS SELECT * FROM ${schema}.alt_close_ids`);
  await sql(`CREATE TABLE ${schema}.alt_new ENGINE = MergeTree ORDER BY tuple() AS SELECT * REPLACE (concat(dbt_scd_id, 'x') AS dbt_scd_id, now() AS dbt_valid_from) FROM ${src} WHERE dbt_valid_to IS NULL AND id IN (${changedIds})`);
  // Lightweight UPDATE in place (patch parts; needs block number/offset columns), then INSERT: two statements, not atomic.
  await sql(`CREATE TABLE ${schema}.alt_lw AS ${src} ENGINE = MergeTree ORDER BY tuple() SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1`);
  await sql(`INSERT INTO ${schema}.alt_lw SELECT * FROM ${src}`);
  alt.lightweightUpdateInPlace = await timed(async () => {
    await sql(`UPDATE ${schema}.alt_lw SET dbt_valid_to = joinGet('${schema}.alt_closes', 'vt', dbt_scd_id) WHERE dbt_scd_id IN (SELECT dbt_scd_id FROM ${schema}.alt_close_ids)`);
    await sql(`INSERT INTO ${schema}.alt_lw SELECT * FROM ${schema}.alt_new`);
  });
  // A versioned engine read through FINAL: the write is the closed copies and the new rows; every read pays FINAL.
  await sql(`CREATE TABLE ${schema}.alt_rmt ENGINE = ReplacingMergeTree(_version) ORDER BY dbt_scd_id AS SELECT *, toUInt64(0) AS _version FROM ${src}`);
  alt.versionedInsert = await timed(() =>
    sql(`INSERT INTO ${schema}.alt_rmt SELECT s.* REPLACE (c.vt AS dbt_valid_to), toUInt64(1) AS _version FROM ${src} AS s INNER JOIN ${schema}.alt_close_ids AS c USING (dbt_scd_id) WHERE s.dbt_valid_to IS NULL UNION ALL SELECT *, toUInt64(1) FROM ${schema}.alt_new`),
  );
  const read = (table, final) => timed(() => client.query(`SELECT count() AS n, sum(amount) AS s FROM ${schema}.${table}${final ? ' FINAL' : ''} WHERE dbt_valid_to IS NULL`));
  alt.readPlain = Math.min(await read('snap_hardlink', false), await read('snap_hardlink', false), await read('snap_hardlink', false));
  alt.readFinal = Math.min(await read('alt_rmt', true), await read('alt_rmt', true), await read('alt_rmt', true));
  // Partition-level replacement: with a hash of the key as partition (16 buckets), how many partitions k scattered changes touch.
  alt.partitionsTouchedOf16 = Number(await one(`SELECT uniqExact(cityHash64(id) % 16) FROM (${changedIds})`));
  for (const t of ['alt_closes', 'alt_close_ids', 'alt_new', 'alt_lw', 'alt_rmt']) await sql(`DROP TABLE IF EXISTS ${schema}.${t} SYNC`);
}

const summary = {
  rows,
  changes,
  repeats,
  cores: cpus().length,
  loadAverageAtEnd: loadavg().map((l) => l.toFixed(2)),
  versionsAfter: versions,
  snapshotBytesOnDisk: Number(await size('snap_hardlink')),
  identicalHistories: identical,
  firstBuildSeconds: { hardlink: seconds(first.snap_hardlink.total), rewrite: seconds(first.snap_rewrite.total) },
  runs: runs.map((o) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace('snap_', ''), { total: seconds(v.total), detect: seconds(v.detect), apply: seconds(v.apply), message: v.message }])),
  ),
  alternativesApplySeconds: {
    lightweightUpdateInPlace: seconds(alt.lightweightUpdateInPlace),
    versionedEngineInsert: seconds(alt.versionedInsert),
    readCurrentVersions: { plainTable: seconds(alt.readPlain), versionedFinal: seconds(alt.readFinal) },
    partitionsTouchedOf16: alt.partitionsTouchedOf16,
  },
};
await project.close();
console.log(JSON.stringify(summary, null, 1));
