// A/B of SELECT variants on one built warehouse, in a form that survives a shared machine: the files' statements run
// alternately (round 1: A, B, …; round 2: A, B, …) in ONE chDB process, each timed by the process's CPU (chDB runs
// in-process, so its threads count) and wall, results discarded (FORMAT Null). Then each file's result is checked once:
// row count and an order-independent row hash (sum(cityHash64(*))), so "same rows" is shown beside the figures.
//
// Usage: node bench/sql-ab.mjs --warehouse DIR [--rounds 3] A.sql B.sql …
//   Each file holds one SELECT (WITH … allowed), optionally ending in a `SETTINGS …` line (kept for both the timed run
//   and the check). A model's SQL: the part after `AS` of its `CREATE TABLE` in target/run/… (the model's settings are
//   its last line). Or a model's whole statement, to count its write too (sorting, compressing, writing the parts: most
//   of a big table model's CPU): a file starting `CREATE TABLE` (a target/run/… file as is; what follows its first `;`,
//   the RENAME, is ignored) runs into a scratch table `default.sql_ab_<n>`, dropped before each run and after the check,
//   which then hashes the table's rows. Never a warehouse another process has open (one process per chDB data directory).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setChdbAllocatorEnv } from '../packages/core/dist/adapter/chdb-allocator.js';
import { splitStatements } from '../packages/core/dist/shared/sql-statements.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// chDB runs with tsdbt's allocator set-up (adapter/chdb-allocator.ts), as in a build: under chDB's own (the default when
// chdb is loaded bare) every large allocation faults its pages in again, and a model's statement took up to 2x the CPU
// (BENCHMARKS.md › build-15). A JE_MALLOC_CONF already set wins, so a variant can still be measured under another.
setChdbAllocatorEnv();
const { Session } = createRequire(import.meta.url)(join(ROOT, 'node_modules/chdb'));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const warehouse = opt('warehouse');
const rounds = Number(opt('rounds', '3'));
if (!warehouse || args.length === 0) {
  console.error('usage: node bench/sql-ab.mjs --warehouse DIR [--rounds 3] A.sql B.sql …');
  process.exit(2);
}
const CREATE = /^CREATE TABLE\s+(?:`[^`]+`|\w+)(?:\.(?:`[^`]+`|\w+))?/i;
const scratchOf = Object.fromEntries(args.map((f, i) => [f, `default.sql_ab_${i}`]));
const sqlOf = Object.fromEntries(
  args.map((f) => {
    // The first statement: a ';' ends one only outside literals, quoted names and comments (tsdbt's own splitter);
    // a model's comment such as `-- a; b` is part of its statement.
    const first = splitStatements(readFileSync(f, 'utf8'))[0] ?? '';
    return [f, CREATE.test(first) ? first.replace(CREATE, `CREATE TABLE ${scratchOf[f]}`) : first];
  }),
);
const isCreate = (f) => CREATE.test(sqlOf[f]);
const dropScratch = (f) => session.query(`DROP TABLE IF EXISTS ${scratchOf[f]} SYNC`, 'Null');
const session = new Session(resolve(warehouse));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const runs = Object.fromEntries(args.map((f) => [f, []]));
for (let r = 0; r < rounds; r++) {
  for (const f of args) {
    if (isCreate(f)) dropScratch(f);
    const c = cpu();
    const t = performance.now();
    session.query(sqlOf[f], 'Null');
    runs[f].push({ cpu: cpu() - c, wall: (performance.now() - t) / 1000 });
  }
}
for (const f of args) {
  const sql = sqlOf[f];
  const m = /\nSETTINGS ([^\n]*)$/.exec(sql);
  const body = m ? sql.slice(0, m.index) : sql;
  const check = isCreate(f)
    ? session.query(`SELECT count(), sum(cityHash64(*)) FROM ${scratchOf[f]}`, 'CSV').trim()
    : session.query(`SELECT count(), sum(cityHash64(*)) FROM (${body})${m ? ` SETTINGS ${m[1]}` : ''}`, 'CSV').trim();
  if (isCreate(f)) dropScratch(f);
  const each = runs[f].map((x) => `${x.cpu.toFixed(2)}/${x.wall.toFixed(2)}`).join(' ');
  console.log(`${f}: CPU/wall s per round ${each}; rows, hash ${check}`);
}
session.close();
