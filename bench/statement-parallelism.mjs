// How parallel a statement is, measured so that it holds on a loaded machine: the statement runs in a child process
// (chDB in-process) on a warehouse, and this process samples every ~2 ms which of the child's threads are runnable
// (state R in /proc/<pid>/task/*/stat). Under load the scheduler stretches a serial phase and a parallel phase alike,
// so the share of samples with one vs two runnable query threads is the statement's own; a quiet 2-core machine's wall
// is about its CPU / parallelism. Query threads: the calling thread, QueryPipelineEx, QueryPullPipeEx, ThreadPool*,
// ConcurrentJoin (chDB's background pools — PoolDelayExec, BgSchPool, MemoryWorker — run ~12 % of the time even idle).
//
// Usage: node bench/statement-parallelism.mjs --warehouse DIR [--repeat 1] FILE.sql…
//   Each file holds statements separated by a line `--SPLIT--` (set-up, the statement, clean-up: all are sampled);
//   use a copy of a warehouse no other process has open (e.g. a built main job's <copy>/.tsdbt/chdb, copied).
// Linux only.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setChdbAllocatorEnv } from '../packages/core/dist/adapter/chdb-allocator.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// chDB runs with tsdbt's allocator set-up (adapter/chdb-allocator.ts), as in a build: under chDB's own (the default when
// chdb is loaded bare) every large allocation faults its pages in again, and a model's statement took up to 2x the CPU
// (BENCHMARKS.md › build-15). A JE_MALLOC_CONF already set wins, so a variant can still be measured under another.
setChdbAllocatorEnv();
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv.splice(i, 2)[1] : fallback;
};
const warehouse = opt('warehouse');
const repeat = Number(opt('repeat', '1'));
if (!warehouse || argv.length === 0) throw new Error('usage: node bench/statement-parallelism.mjs --warehouse DIR [--repeat 1] FILE.sql…');

const CHILD = `
const { Session } = require(${JSON.stringify(join(ROOT, 'node_modules/chdb'))});
const fs = require('fs');
const [dir, file, repeat] = process.argv.slice(1);
const s = new Session(dir);
const sqls = fs.readFileSync(file, 'utf8').split('\\n--SPLIT--\\n').filter((x) => x.trim());
process.stdout.write('READY\\n');
process.stdin.once('data', () => {
  const u0 = process.cpuUsage();
  for (let r = 0; r < Number(repeat); r++) for (const q of sqls) s.query(q, /^\\s*(create|drop|insert|alter|system)/i.test(q) ? 'TSVRaw' : 'Null');
  const u = process.cpuUsage(u0);
  process.stdout.write('DONE ' + ((u.user + u.system) / 1e6).toFixed(3) + '\\n');
  s.close();
  process.exit(0);
});`;

const QUERY_THREAD = /^(node|QueryPipelineEx|QueryPullPipeEx|ThreadPool\w*|ConcurrentJoin)$/;

async function measure(file) {
  const child = spawn(process.execPath, ['-e', CHILD, warehouse, file, String(repeat)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let done = false;
  await new Promise((ready, fail) => {
    child.on('exit', (code) => (done || out.includes('DONE') ? undefined : fail(new Error(`${file}: the child ended (${code})`))));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY')) ready();
      if (out.includes('DONE')) done = true;
    });
  });
  child.stdin.write('go\n');
  const query = [0, 0, 0];
  const all = [0, 0, 0];
  while (!done) {
    let q = 0;
    let a = 0;
    try {
      for (const t of readdirSync(`/proc/${child.pid}/task`)) {
        try {
          const stat = readFileSync(`/proc/${child.pid}/task/${t}/stat`, 'latin1');
          const close = stat.lastIndexOf(')');
          if (stat[close + 2] !== 'R') continue;
          a++;
          if (QUERY_THREAD.test(stat.slice(stat.indexOf('(') + 1, close))) q++;
        } catch {
          // the thread ended
        }
      }
    } catch {
      break;
    }
    query[Math.min(q, 2)]++;
    all[Math.min(a, 2)]++;
    await new Promise((next) => setTimeout(next, 2));
  }
  await new Promise((ended) => (child.exitCode !== null ? ended() : child.on('exit', ended)));
  const cpu = Number(/DONE (\S+)/.exec(out)[1]);
  const parallelism = (h) => (h[1] + h[2] > 0 ? (h[1] + 2 * h[2]) / (h[1] + h[2]) : 1);
  const share = (h, k) => `${Math.round((h[k] / Math.max(1, h[0] + h[1] + h[2])) * 100)}%`;
  const p = parallelism(query);
  console.log(
    `${basename(file).padEnd(48)} CPU ${cpu.toFixed(2)} s, query threads runnable 1: ${share(query, 1)}, 2+: ${share(query, 2)} -> parallelism ${p.toFixed(2)} (all threads ${parallelism(all).toFixed(2)}), quiet-machine wall ~${(cpu / p).toFixed(2)} s (${query[0] + query[1] + query[2]} samples)`,
  );
}

for (const file of argv) await measure(file);
