// Memory of an incremental append into a table a GROUP BY materialized view reads, the two ways tsdbt has done it:
// `old`, one INSERT … SELECT of the staged rows (the view fires block by block, each block's groups at a time);
// `new`, the view's SELECT over all the staged rows at once into a copy of its target, then ATTACH PARTITION
// (adapter/materializations/append-through-views.ts). chDB has no query_log, so each way runs in a fresh process over
// tables a setup process left: the figure is that process's peak RSS above its RSS once the tables are open (the
// statement's own peak, chDB's caches included), with its CPU and wall. Alternated; row counts printed (must be equal).
//
// Usage: nice node bench/mv-append-memory.mjs [--rows 3000000] [--groups 3000000] [--rounds 3] [--dir /dev/shm/mv-append-memory]
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '3000000' },
    groups: { type: 'string', default: '3000000' },
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string', default: '/dev/shm/mv-append-memory' },
    step: { type: 'string' },
  },
});
const N = Number(values.rows);
const G = Number(values.groups);

const steps = {
  setup: (q) => {
    q('DROP DATABASE IF EXISTS p SYNC');
    q('CREATE DATABASE p');
    for (const t of ['t', 's']) q(`CREATE TABLE p.${t} (id UInt64, x String) ENGINE = MergeTree ORDER BY id`);
    for (const t of ['g', 'sg']) q(`CREATE TABLE p.${t} (k UInt64, n UInt64, l UInt64) ENGINE = SummingMergeTree ORDER BY k`);
    q(`CREATE MATERIALIZED VIEW p.mg TO p.g AS SELECT id % ${G} AS k, count() AS n, sum(length(x)) AS l FROM p.t GROUP BY k`);
    q(`INSERT INTO p.s SELECT number, toString(number) FROM numbers(${N})`);
  },
  old: (q) => q('INSERT INTO p.t SELECT * FROM p.s'),
  new: (q) => {
    q(`INSERT INTO p.sg (k, n, l) SELECT k, n, l FROM (SELECT id % ${G} AS k, count() AS n, sum(length(x)) AS l FROM p.s GROUP BY k)`);
    for (const [a, b] of [['t', 's'], ['g', 'sg']]) q(`ALTER TABLE p.${a} ATTACH PARTITION ID 'all' FROM p.${b}`);
  },
};

if (values.step) {
  const { Session } = createRequire(import.meta.url)('chdb');
  const s = new Session(values.dir);
  const q = (sql) => s.query(sql, 'CSV').trim();
  q('SELECT count() FROM system.tables');
  const base = process.resourceUsage().maxRSS;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  steps[values.step](q);
  const d = process.cpuUsage(cpu);
  const peak = process.resourceUsage().maxRSS;
  const counts = values.step === 'setup' ? '' : q("SELECT (SELECT count() FROM p.t) || '/' || (SELECT sum(n) FROM p.g) || '/' || (SELECT uniqExact(k) FROM p.g)");
  console.log(`${values.step} cpu ${((d.user + d.system) / 1e6).toFixed(2)} s wall ${((performance.now() - wall) / 1e3).toFixed(2)} s peak RSS +${Math.round((peak - base) / 1024)} MB (rows/view sum/groups ${counts})`);
  s.close?.();
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const run = (step) => execFileSync(process.execPath, [self, '--step', step, '--rows', values.rows, '--groups', values.groups, '--dir', values.dir], { encoding: 'utf8' }).trim();
rmSync(values.dir, { recursive: true, force: true });
for (let i = 0; i < Number(values.rounds); i++)
  for (const name of i % 2 ? ['new', 'old'] : ['old', 'new']) {
    run('setup');
    console.log(run(name));
  }
rmSync(values.dir, { recursive: true, force: true });
