// Start-up to the first statement, side by side: several builds of the CLI, rounds interleaved, each build on its
// OWN copy of the project (the warm start is keyed by tsdbt's build: two builds alternating on one project would each
// pay a cold load every time). Measures a warm `tsdbt run` with bench/first-statement-probe.mjs, as
// bench/first-statement.mjs does, and prints min / median of the wall, the process's CPU and the main thread's CPU.
// Usage: node bench/first-statement-side.mjs [models=1000] [rounds=5] [base=/dev/shm] [--built] [--served] <cli.js> <cli.js> …
//   --built: each copy is built first by its own CLI (the warehouse then holds ~100 tables and ~900 views).
//   --served: each copy's warehouse is held by a `tsdbt serve` of its own CLI while the rounds run (as when `serve` or
//             `watch` runs beside the commands): each `run` reaches it over its endpoint instead of opening chDB.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const clis = args.filter((a) => a.endsWith('.js'));
const [n = 1000, rounds = 5, base = '/dev/shm'] = args.filter((a) => !a.endsWith('.js'));
const built = process.argv.includes('--built');
const served = process.argv.includes('--served');
const probe = fileURLToPath(new URL('./first-statement-probe.mjs', import.meta.url));

const template = join(base, `tsdbt-first-side-${process.pid}`);
generateProject(Number(n), template);
const dirs = clis.map((_, i) => {
  const dir = `${template}-${i}`;
  cpSync(template, dir, { recursive: true });
  return dir;
});

function first(cli, dir) {
  const p = spawnSync(process.execPath, ['--import', probe, cli, 'run', '--project-dir', dir], { encoding: 'utf8', env: { ...process.env, TSDBT_PROBE_EXIT: '1' } });
  const m = /TSDBT_FIRST_STATEMENT_MS (\S+) CPU_MS (\S+)(?: MAIN_CPU_MS (\S+))?/.exec(p.stderr);
  if (!m) throw new Error(`no statement was sent:\n${p.stdout}\n${p.stderr}`);
  return { wall: Number(m[1]), cpu: Number(m[2]), main: Number(m[3] ?? NaN) };
}

/** Starts `tsdbt serve` on the copy (its own CLI, a port of its own) and waits until it answers. */
async function serve(cli, dir, port) {
  const child = spawn(process.execPath, [cli, 'serve', '--project-dir', dir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(child);
  let out = '';
  await new Promise((done, fail) => {
    const seen = (chunk) => ((out += chunk), /Serving the embedded warehouse/.test(out) && done());
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => fail(new Error(`serve ended (${code}):\n${out}`)));
  });
}

const servers = [];
try {
  for (const [i, cli] of clis.entries()) {
    if (built) {
      const b = spawnSync(process.execPath, [cli, 'run', '--project-dir', dirs[i]], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (b.status !== 0) throw new Error(`the build failed:\n${b.stdout.slice(-2000)}\n${b.stderr}`);
    }
    if (served) await serve(cli, dirs[i], 20000 + ((process.pid * 7 + i) % 20000));
    first(cli, dirs[i]); // the parse cache and the warm start of this build
  }
  const samples = clis.map(() => []);
  for (let r = 0; r < Number(rounds); r++) clis.forEach((cli, i) => samples[i].push(first(cli, dirs[i])));
  const stat = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0]} / ${s[Math.floor((s.length - 1) / 2)]}`;
  };
  for (const [i, cli] of clis.entries()) {
    const xs = samples[i];
    console.log(`${cli}\n  min / median ms: wall ${stat(xs.map((x) => x.wall))}, process CPU ${stat(xs.map((x) => x.cpu))}, main thread CPU ${stat(xs.map((x) => x.main))}`);
  }
} finally {
  for (const child of servers) child.kill('SIGINT');
  await Promise.all(servers.map((child) => (child.exitCode !== null ? undefined : new Promise((done) => child.on('exit', done)))));
  for (const dir of [template, ...dirs]) rmSync(dir, { recursive: true, force: true });
}
