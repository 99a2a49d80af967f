// Where the main job's CPU goes, statement by statement, in a form that survives a shared machine: the pipeline's
// statements are captured (`--debug` logs each one as `On <node>: <sql>`), then replayed ONE AT A TIME in a fresh
// process on the finished warehouse, each timed by the process's CPU (chDB runs in-process, so its threads count).
// Wall times of a concurrent build depend on the load; the CPU of a statement run alone hardly does.
//
// Usage: node bench/instacart-statement-cpu.mjs [--scale 0.1] [--seed 42] [--base DIR] [--top 25] [--cli PATH]
//   --cli: the tsdbt CLI to capture with (default this checkout's packages/cli/dist/cli.js): give another checkout's
//   to see its statements (e.g. a worktree of main, for a before/after).
// Prints: the statement counts of generation and build (per model, per kind), the CPU of each generation statement,
// of each model's CREATE … AS SELECT (into a scratch table), of the tests' and the build's other reading statements,
// totals per kind, and the CPU and wall of the capturing processes themselves.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setChdbAllocatorEnv } from '../packages/core/dist/adapter/chdb-allocator.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// chDB runs with tsdbt's allocator set-up (adapter/chdb-allocator.ts), as in a build: under chDB's own (the default when
// chdb is loaded bare) every large allocation faults its pages in again, and a model's statement took up to 2x the CPU
// (BENCHMARKS.md › build-15). A JE_MALLOC_CONF already set wins, so a variant can still be measured under another.
setChdbAllocatorEnv();
const PROJECT_FILES = ['project.yml', 'sources.yml', 'models', 'macros', 'tests'];
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const scale = Number(arg('scale', '0.1'));
const seed = Number(arg('seed', '42'));
const top = Number(arg('top', '25'));
const cli = resolve(arg('cli', join(ROOT, 'packages/cli/dist/cli.js')));

/** `On <node>: <statement>` blocks of a --debug log (a statement runs until the next timestamped line). */
function statementsOf(log) {
  const out = [];
  let cur;
  for (const line of log.split('\n')) {
    const m = /^\d\d:\d\d:\d\d {2}On ([^:]+): (.*)$/.exec(line);
    if (m) out.push((cur = { node: m[1], lines: [m[2]] }));
    else if (/^\d\d:\d\d:\d\d {2}/.test(line)) cur = undefined;
    else if (cur) cur.lines.push(line);
  }
  return out.map((s) => ({ node: s.node, sql: s.lines.join('\n').replace(/^\/\*.*?\*\/\s*/s, '').trim() }));
}

/** Runs the tsdbt CLI in `dir` with --debug; its statements and its own wall/CPU (GNU time). */
function capture(dir, args) {
  const timeFile = join(dir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, cli, ...args, '--debug'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`tsdbt ${args[0]} failed (exit ${r.status}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  const [wall, user, sys, rssKB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { statements: statementsOf(r.stdout), wall, cpu: user + sys, rssMB: Math.round(rssKB / 1024) };
}

/** Kind of a build statement, and how the replay runs it (undefined: not replayed, it changes the warehouse). */
function classify(s) {
  const sql = s.sql.replace(/^(--[^\n]*\n|\s)+/, '');
  if (/^CREATE TABLE \S+__tsdbt_tmp_\S+[\s\S]*?\bAS\b/i.test(sql) && s.node.startsWith('model.')) return { kind: 'model CREATE … AS SELECT', replay: 'ctas', sql };
  if (/^DESCRIBE \(/i.test(sql)) return { kind: 'DESCRIBE of a query (dbt_semantics)', replay: 'read', sql };
  if (/^SELECT explain FROM \(EXPLAIN AST/i.test(sql)) return { kind: 'EXPLAIN AST (dbt_semantics)', replay: 'read', sql };
  if (/^(SELECT|WITH)\b/i.test(sql) && /\bsystem\.\w+/i.test(sql) && !s.node.startsWith('test.')) return { kind: 'metadata SELECT (system tables)', replay: 'read', sql };
  if (/^(SELECT|WITH)\b/i.test(sql) && s.node.startsWith('test.')) return { kind: 'test query', replay: 'read', sql };
  if (/^(SELECT|WITH)\b/i.test(sql)) return { kind: 'other SELECT', replay: 'read', sql };
  return { kind: `not replayed: ${sql.split(/\s+/).slice(0, 2).join(' ').toUpperCase()}`, sql };
}

const REPLAY = `
const { Session } = require(${JSON.stringify(join(ROOT, 'node_modules/chdb'))});
const fs = require('fs');
const [dir, file] = process.argv.slice(1);
const jobs = JSON.parse(fs.readFileSync(file, 'utf8'));
const s = new Session(dir);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (const job of jobs) {
  const c = cpu(), t = performance.now();
  try { s.query(job.sql, 'Null'); job.cpu = cpu() - c; job.wall = (performance.now() - t) / 1000; }
  catch (e) { job.error = String(e.message).split('\\n')[0].slice(0, 200); }
  if (job.after) try { s.query(job.after, 'CSV'); } catch {}
}
s.close();
fs.writeFileSync(file, JSON.stringify(jobs));
`;

/** Replays `jobs` ({sql, after?}) one at a time on `warehouse` in a fresh process; fills in cpu/wall/error. */
function replay(warehouse, jobs, base) {
  const file = join(base, `jobs-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(jobs));
  const r = spawnSync(process.execPath, ['-e', REPLAY, warehouse, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`replay failed:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

const f2 = (x) => (x === undefined ? '   —' : x.toFixed(2).padStart(5));
const short = (sql) => sql.replace(/\/\*.*?\*\//gs, '').replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim().slice(0, 90);

const base = mkdtempSync(join(resolve(arg('base', tmpdir())), 'tsdbt-statement-cpu-'));
try {
  const project = join(base, 'project');
  mkdirSync(project);
  for (const f of PROJECT_FILES) cpSync(join(ROOT, f), join(project, f), { recursive: true });
  const gen = capture(project, ['run-operation', 'generate_instacart', '--args', `{scale: ${scale}, seed: ${seed}}`]);
  const build = capture(project, ['build']);
  const warehouse = join(project, '.tsdbt/chdb');
  console.log(`tsdbt ${cli}, scale ${scale}, seed ${seed}`);
  console.log(`generate: ${gen.statements.length} statements, process wall ${gen.wall.toFixed(2)} s, CPU ${gen.cpu.toFixed(2)} s, peak ${gen.rssMB} MB`);
  console.log(`build:    ${build.statements.length} statements, process wall ${build.wall.toFixed(2)} s, CPU ${build.cpu.toFixed(2)} s, peak ${build.rssMB} MB`);

  // Generation: its statements in order on a copy of the warehouse (its helper tables are Memory tables: one process).
  const genCopy = join(base, 'gen-copy');
  cpSync(warehouse, genCopy, { recursive: true });
  const genJobs = replay(genCopy, gen.statements.filter((s) => s.node === 'master' || s.node.startsWith('macro')).map((s) => ({ sql: s.sql })), base);
  rmSync(genCopy, { recursive: true, force: true });
  const genTotal = genJobs.reduce((a, j) => a + (j.cpu ?? 0), 0);
  console.log(`\ngeneration, each statement alone: ${genJobs.length} statements, CPU ${genTotal.toFixed(2)} s; the heaviest (CPU s, wall s):`);
  for (const j of [...genJobs].sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0)).slice(0, 8)) console.log(`  ${f2(j.cpu)} ${f2(j.wall)}  ${j.error ? `ERROR ${j.error}` : short(j.sql)}`);

  // Build: every reading statement and each model's CREATE … AS SELECT (into a scratch table, dropped after).
  const classified = build.statements.map((s) => ({ ...s, ...classify(s) }));
  const jobs = classified
    .filter((s) => s.replay)
    .map((s) => {
      if (s.replay !== 'ctas') return { node: s.node, kind: s.kind, sql: s.sql };
      const scratch = s.sql.replace(/^CREATE TABLE (`?\w+`?)\.`?(\w+?)__tsdbt_tmp_\w+`?/i, (_, db, name) => `CREATE TABLE ${db}.\`${name}__statement_cpu\``);
      const name = /^CREATE TABLE (\S+)/i.exec(scratch)[1];
      return { node: s.node, kind: s.kind, sql: scratch, after: `DROP TABLE IF EXISTS ${name} SYNC` };
    });
  const done = replay(warehouse, jobs, base);
  const byKind = new Map();
  for (const s of classified) {
    const k = byKind.get(s.kind) ?? { n: 0, cpu: 0 };
    k.n++;
    byKind.set(s.kind, k);
  }
  for (const j of done) byKind.get(j.kind).cpu += j.cpu ?? 0;
  console.log('\nbuild statements by kind (count, CPU s of the replayed ones alone):');
  for (const [kind, k] of [...byKind].sort((a, b) => b[1].cpu - a[1].cpu || b[1].n - a[1].n)) console.log(`  ${String(k.n).padStart(4)} ${f2(k.cpu)}  ${kind}`);
  const perModel = new Map();
  for (const s of classified) if (s.node.startsWith('model.')) perModel.set(s.node, (perModel.get(s.node) ?? 0) + 1);
  console.log('\nmodels: CREATE … AS SELECT alone (CPU s, wall s), statements the build sent for the model:');
  for (const j of done.filter((j) => j.kind.startsWith('model')).sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0)))
    console.log(`  ${f2(j.cpu)} ${f2(j.wall)} ${String(perModel.get(j.node)).padStart(3)}  ${j.node.replace(/^model\.\w+\./, '')}${j.error ? ` ERROR ${j.error}` : ''}`);
  console.log(`\nthe ${top} heaviest other statements (CPU s, wall s):`);
  for (const j of done.filter((j) => !j.kind.startsWith('model')).sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0)).slice(0, top))
    console.log(`  ${f2(j.cpu)} ${f2(j.wall)}  ${j.node.replace(/^(\w+)\.\w+\./, '$1 ').slice(0, 60)}: ${j.error ? `ERROR ${j.error}` : short(j.sql).slice(0, 60)}`);
  const total = done.reduce((a, j) => a + (j.cpu ?? 0), 0);
  console.log(`\nreplayed build statements: ${done.length}, CPU ${total.toFixed(2)} s alone (the build process: ${build.cpu.toFixed(2)} s with Node, loading, scheduling)`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
