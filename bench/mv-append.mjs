// An incremental append into a table two materialized views read, the two ways tsdbt has done it, alternated in ONE chDB
// process (CPU of the process — chDB runs in-process — and wall): `old`, one INSERT … SELECT of the staged rows (the views
// fire block by block); `new`, each view's SELECT over the staged rows into a copy of its target, then one ATTACH
// PARTITION per table (adapter/materializations/append-through-views.ts). Each round starts from fresh tables; the row
// counts of the table and both targets are printed beside the figures (they must be equal).
//
// Usage: nice node bench/mv-append.mjs [--rows 3000000] [--rounds 3] [--dir /dev/shm/mv-append]   (a scratch dir no other process has open)
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '3000000' }, rounds: { type: 'string', default: '3' }, dir: { type: 'string', default: '/dev/shm/mv-append' } } });
const { Session } = createRequire(import.meta.url)('chdb');
rmSync(values.dir, { recursive: true, force: true });
const s = new Session(values.dir);
const q = (sql) => s.query(sql, 'CSV').trim();
const N = Number(values.rows);

function setup() {
  q('DROP DATABASE IF EXISTS p SYNC');
  q('CREATE DATABASE p');
  for (const t of ['t', 'v', 'w', 's', 'sv', 'sw']) q(`CREATE TABLE p.${t} (id UInt64, x String) ENGINE = MergeTree ORDER BY id`);
  q('CREATE MATERIALIZED VIEW p.mv TO p.v AS SELECT id, x FROM p.t');
  q('CREATE MATERIALIZED VIEW p.mw TO p.w AS SELECT id * 2 AS id, upper(x) AS x FROM p.t');
  q(`INSERT INTO p.s SELECT number, toString(number) FROM numbers(${N})`);
}
const ways = {
  old: () => q('INSERT INTO p.t SELECT * FROM p.s'),
  new: () => {
    q('INSERT INTO p.sv (id, x) SELECT id, x FROM (SELECT id, x FROM p.s)');
    q('INSERT INTO p.sw (id, x) SELECT id, x FROM (SELECT id * 2 AS id, upper(x) AS x FROM p.s)');
    for (const [a, b] of [['t', 's'], ['v', 'sv'], ['w', 'sw']]) q(`ALTER TABLE p.${a} ATTACH PARTITION ID 'all' FROM p.${b}`);
  },
};
for (let i = 0; i < Number(values.rounds); i++)
  for (const name of i % 2 ? ['new', 'old'] : ['old', 'new']) {
    setup();
    const cpu = process.cpuUsage();
    const wall = performance.now();
    ways[name]();
    const d = process.cpuUsage(cpu);
    const counts = q("SELECT (SELECT count() FROM p.t) || '/' || (SELECT count() FROM p.v) || '/' || (SELECT count() FROM p.w)");
    console.log(`${name} cpu ${((d.user + d.system) / 1e6).toFixed(2)} s wall ${((performance.now() - wall) / 1e3).toFixed(2)} s rows ${counts}`);
  }
rmSync(values.dir, { recursive: true, force: true });
