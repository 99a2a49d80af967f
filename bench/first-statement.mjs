// Start-up overhead of a command: the time from the process start to the first statement sent to
// the warehouse (bench/first-statement-probe.mjs, preloaded, prints it and ends the process), for
// `tsdbt run` of a generated 1,000-model project on the embedded engine (chDB) — and the wall time
// of `tsdbt ls` of the same project — cold (no target folder: no parse cache, no warm start) and
// warm (nothing changed since the last command: target/warm_start.bin is used). What is counted:
// Node's own start, loading tsdbt's modules, the load (or the warm start), graph and selection,
// opening chDB (loading its native library, opening the data directory) — everything before the
// first statement. Baselines measured in the same run: `node -e 0` and `node -e "import('@tsdbt/core')"`.
// Usage: node bench/first-statement.mjs [models=1000] [repeats=5] [base folder=os.tmpdir(), e.g. /dev/shm] [--jinja]
//                                       [--cli <another checkout>/packages/cli/dist/cli.js]  (side by side, same probe)
//                                       [--built]  (the project is built once first, so the warehouse chDB opens holds
//                                                   its ~100 tables and ~900 views, as a real project's does; without
//                                                   it the warehouse is empty: only the probe's first statement ran)
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateProject } from './gen-project.mjs';

const cliAt = process.argv.indexOf('--cli');
const otherCli = cliAt > 0 ? process.argv[cliAt + 1] : undefined;
const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--cli');
const jinja = process.argv.includes('--jinja');
const built = process.argv.includes('--built');
const n = Number(args[0] ?? 1000);
const repeats = Number(args[1] ?? 5);
const base = args[2] ?? tmpdir();
const cli = otherCli ?? fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url));
const probe = fileURLToPath(new URL('./first-statement-probe.mjs', import.meta.url));
// the package's entry (the bundle) of the CLI measured
const core = otherCli ? pathToFileURL(join(dirname(otherCli), '../../core/dist/tsdbt-core.js')).href : import.meta.resolve('@tsdbt/core');

/** ms from the process start to the first statement of `tsdbt run` (the process ends there); the process's CPU ms until then in `cpu`. */
const cpuMs = [];
const mainCpuMs = [];
function firstStatement(dir) {
  const p = spawnSync(process.execPath, ['--import', probe, cli, 'run', '--project-dir', dir], { encoding: 'utf8', env: { ...process.env, TSDBT_PROBE_EXIT: '1' } });
  const m = /TSDBT_FIRST_STATEMENT_MS (\S+)(?: CPU_MS (\S+))?(?: MAIN_CPU_MS (\S+))?/.exec(p.stderr);
  if (!m) throw new Error(`no statement was sent:\n${p.stdout}\n${p.stderr}`);
  cpuMs.push(Number(m[2]));
  // The main thread's own CPU (Linux): with chDB opened on another thread, a quiet machine's wall is about this plus any wait for that thread.
  if (m[3] !== undefined) mainCpuMs.push(Number(m[3]));
  return Number(m[1]);
}

/** Wall seconds of a process. */
function wall(argv) {
  const t = performance.now();
  const p = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (p.status !== 0) throw new Error(p.stderr);
  return +((performance.now() - t) / 1000).toFixed(3);
}

const dir = join(base, `tsdbt-first-statement-${jinja ? 'jinja-' : ''}${n}-${process.pid}`);
generateProject(n, dir, { jinja });
if (built) {
  const b = spawnSync(process.execPath, [cli, 'run', '--project-dir', dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (b.status !== 0) throw new Error(`the build failed:\n${b.stdout.slice(-2000)}\n${b.stderr}`);
}
const coldFirst = firstStatement(dir); // writes the parse cache and the warm start
cpuMs.length = 0;
mainCpuMs.length = 0;
const warmFirst = [];
const lsWarm = [];
const node = [];
const importCore = [];
for (let r = 0; r < repeats; r++) {
  warmFirst.push(firstStatement(dir));
  lsWarm.push(wall([cli, 'ls', '--project-dir', dir]));
  node.push(wall(['-e', '0']));
  importCore.push(wall(['--input-type=module', '-e', `await import(${JSON.stringify(core)})`]));
}
const best = (xs) => Math.min(...xs);
console.log(JSON.stringify({
  models: n,
  kind: jinja ? 'jinja' : 'static',
  warehouse: built ? 'built' : 'empty',
  cli,
  coldFirstStatementMs: coldFirst,
  warmFirstStatementMs: warmFirst,
  warmFirstStatementCpuMs: cpuMs,
  warmFirstStatementMainThreadCpuMs: mainCpuMs,
  lsWarm,
  nodeAlone: node,
  importCore,
  best: { warmFirstStatementMs: best(warmFirst), warmFirstStatementCpuMs: best(cpuMs), ...(mainCpuMs.length ? { warmFirstStatementMainThreadCpuMs: best(mainCpuMs) } : {}), lsWarm: best(lsWarm), nodeAlone: best(node), importCore: best(importCore) },
}));
rmSync(dir, { recursive: true, force: true });
