// One build, one resident process (`tsdbt daemon`), two settings of the command's environment alternated round by
// round (the client's environment is the command's in the daemon): e.g. TSDBT_STAT_AHEAD=0 against the default, to
// measure what a setting saves with everything else equal (same process, same project, same minutes).
// Commands as bench/resident-side.mjs: any tsdbt command, or `edit-model` (a comment appended to one model, then `compile`).
// The 10k Jinja-heavy project of gen-project.mjs --jinja is generated under <base>/src when missing.
// Usage: node bench/resident-ab.mjs <cli.js> <base folder> <A: NAME=value,…> <B: NAME=value,…> [rounds=7] [commands=compile]
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
const [cli, base, aArg, bArg, rounds = '7', cmdsArg = 'compile'] = process.argv.slice(2);
const envOf = (arg) => Object.fromEntries(arg.split(',').filter(Boolean).map((kv) => kv.split('=')));
const sides = { A: envOf(aArg), B: envOf(bArg) };
const src = join(base, 'src');
if (!existsSync(join(src, 'project.yml'))) {
  const { generateProject } = await import('./gen-project.mjs');
  generateProject(10000, src, { jinja: true });
}
const dir = join(base, 'p-ab');
rmSync(dir, { recursive: true, force: true });
cpSync(src, dir, { recursive: true });
const res = mkdtempSync(join(base, 'res-'));
const env = { ...process.env, TSDBT_RESIDENT_DIR: res };
const ticks = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
let edits = 0;
function timed(cmd, extra) {
  if (cmd === 'edit-model') appendFileSync(join(dir, 'models/layer_3/m_03000.sql'), `\n-- edit ${++edits}\n`);
  const args = [cmd === 'edit-model' ? 'compile' : cmd, '--project-dir', dir];
  const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...env, ...extra } });
  if (p.status !== 0) throw new Error(p.stderr);
  const [wall, user, sys] = /TIME (\S+) (\S+) (\S+)/.exec(p.stderr).slice(1).map(Number);
  return { wall, cpu: +(user + sys).toFixed(2), stdout: p.stdout };
}
for (const cmd of cmdsArg.split(',')) timed(cmd, { TSDBT_RESIDENT: '0' }); // the warm start and compiled files
const daemon = spawn(process.execPath, [cli, 'daemon', '--project-dir', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
daemon.stdout.on('data', (d) => (log += d));
daemon.stderr.on('data', (d) => (log += d));
await new Promise((done, fail) => { const t = setInterval(() => (log.includes('Resident process') ? (clearInterval(t), done()) : daemon.exitCode !== null && (clearInterval(t), fail(new Error(log)))), 50); });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const out = { loadBefore: load() };
try {
  for (const cmd of cmdsArg.split(',')) {
    timed(cmd, {}); // the daemon's first command of this kind (keeps the load)
    const rows = { A: [], B: [] };
    for (let r = 0; r < Number(rounds); r++)
      for (const side of r % 2 ? ['B', 'A'] : ['A', 'B']) {
        const before = ticks(daemon.pid);
        const x = timed(cmd, sides[side]);
        x.daemonCpu = (ticks(daemon.pid) - before) / 1000;
        rows[side].push(x);
      }
    out[cmd] = Object.fromEntries(Object.entries(rows).map(([s, xs]) => [`${s} ${aArg === '' && s === 'A' ? '(default)' : s === 'A' ? aArg : bArg || '(default)'}`, { wall: median(xs.map((x) => x.wall)), walls: xs.map((x) => x.wall), clientCpu: median(xs.map((x) => x.cpu)), daemonCpu: median(xs.map((x) => x.daemonCpu)) }]));
  }
} finally {
  daemon.kill('SIGTERM');
  await new Promise((r) => daemon.once('exit', r));
  rmSync(res, { recursive: true, force: true });
}
out.loadAfter = load();
// A command the daemon declined ran in the client's own process: its figures are not the daemon's.
out.declined = log.split('\n').filter((l) => l.includes("ran in the client's process"));
console.log(JSON.stringify(out, null, 1));
