// Side by side, rounds interleaved: a warm command of the 10k Jinja-heavy project (gen-project.mjs --jinja) in its own
// process and through a resident process (`tsdbt daemon`), for two builds (old, new): two copies of the project, one
// daemon each; stdout compared every round; wall + CPU of the client (/usr/bin/time), the daemon's CPU (/proc/<pid>/stat).
// Commands: any tsdbt command, or a `compile` after a change made just before it in that copy (each run sees a change
// since the copy's last command): `edit-model` (a comment appended to one model), `edit-yaml` (one model's description
// in a schema file), `vars` (--vars of a var no node reads, a new value each time).
// Usage: node bench/resident-side.mjs <old cli.js> <new cli.js> <base folder> [rounds=5] [commands=ls]
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [oldCli, newCli, base, rounds = '5', cmdsArg = 'ls'] = process.argv.slice(2);
const src = join(base, 'src');
if (!existsSync(join(src, 'project.yml'))) {
  const { generateProject } = await import('./gen-project.mjs');
  generateProject(10000, src, { jinja: true });
}
const res = mkdtempSync(join(base, 'res-'));
const env = { ...process.env, TSDBT_RESIDENT_DIR: res };
const ticks = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
function timed(cli, args, extra) {
  const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...env, ...extra } });
  if (p.status !== 0) throw new Error(p.stderr);
  const [wall, user, sys] = /TIME (\S+) (\S+) (\S+)/.exec(p.stderr).slice(1).map(Number);
  return { wall, cpu: +(user + sys).toFixed(2), stdout: p.stdout };
}
async function daemon(cli, dir) {
  const child = spawn(process.execPath, [cli, 'daemon', '--project-dir', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.log = '';
  child.stdout.on('data', (d) => (child.log += d));
  child.stderr.on('data', (d) => (child.log += d));
  await new Promise((done, fail) => { const t = setInterval(() => (child.log.includes('Resident process') ? (clearInterval(t), done()) : child.exitCode !== null && (clearInterval(t), fail(new Error(child.log)))), 50); });
  return child;
}
const nameOf = (cmd) => (cmd.startsWith('edit-') || cmd === 'vars' ? 'compile' : cmd);
let changes = 0;
/** The command line of `cmd` in project `dir`, after making its change there. */
function commandOf(cmd, dir) {
  const n = ++changes;
  if (cmd === 'edit-model') appendFileSync(join(dir, 'models/layer_3/m_03000.sql'), `\n-- edit ${n}\n`);
  else if (cmd === 'edit-yaml') {
    const yml = join(dir, 'models/layer_3/schema.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/Synthetic model 3000[^"]*/, `Synthetic model 3000, edit ${n}`));
  } else if (cmd === 'vars') return ['compile', '--project-dir', dir, '--vars', `{unread_var: ${n}}`];
  return [nameOf(cmd), '--project-dir', dir];
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// A copy per row: a command in its own process on a daemon's copy would replace the warm start the daemon kept.
const dirs = { old: join(base, 'p-old'), new: join(base, 'p-new'), 'old-here': join(base, 'p-old-here'), 'new-here': join(base, 'p-new-here') };
for (const [k, d] of Object.entries(dirs)) { rmSync(d, { recursive: true, force: true }); cpSync(src, d, { recursive: true }); }
const clis = { old: oldCli, new: newCli };
for (const cmd of cmdsArg.split(',')) for (const k of Object.keys(dirs)) timed(clis[k.slice(0, 3)], commandOf(cmd, dirs[k]), { TSDBT_RESIDENT: '0' });
const daemons = { old: await daemon(oldCli, dirs.old), new: await daemon(newCli, dirs.new) };
const out = {};
try {
  for (const cmd of cmdsArg.split(',')) {
    const rows = { 'old in-process': [], 'old daemon': [], 'new daemon': [], 'new in-process': [] };
    let ref;
    for (let r = 0; r < Number(rounds); r++) {
      for (const [label, k, here] of [['old in-process', 'old', true], ['old daemon', 'old', false], ['new daemon', 'new', false], ['new in-process', 'new', true]]) {
        const dir = dirs[here ? `${k}-here` : k];
        const before = here ? 0 : ticks(daemons[k].pid);
        const x = timed(clis[k], commandOf(cmd, dir), here ? { TSDBT_RESIDENT: '0' } : {});
        x.daemonCpu = here ? 0 : (ticks(daemons[k].pid) - before) / 1000;
        const text = x.stdout.split(dir).join('DIR');
        ref ??= text;
        if (text !== ref) throw new Error(`${label} ${cmd}: output differs`);
        rows[label].push(x);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    for (const k of ['old', 'new']) if (!daemons[k].log.includes(`${nameOf(cmd)}: exit 0`)) throw new Error(`${k} daemon did not run ${cmd}: ${daemons[k].log}`);
    out[cmd] = Object.fromEntries(Object.entries(rows).map(([l, xs]) => [l, { wall: median(xs.map((x) => x.wall)), clientCpu: median(xs.map((x) => x.cpu)), daemonCpu: median(xs.map((x) => x.daemonCpu)), total: median(xs.map((x) => +(x.cpu + x.daemonCpu).toFixed(2))) }]));
    out[cmd].keptLines = (daemons.new.log.match(/kept in memory/g) ?? []).length;
    // A command a daemon declined ran in the client's process: its row is not the daemon's.
    out[cmd].declined = Object.fromEntries(Object.entries(daemons).map(([k, d]) => [k, d.log.split('\n').filter((l) => l.includes("ran in the client's process"))]));
  }
} finally {
  for (const d of Object.values(daemons)) { d.kill('SIGTERM'); await new Promise((r) => d.once('exit', r)); }
  rmSync(res, { recursive: true, force: true });
}
console.log(JSON.stringify({ load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '), rounds: Number(rounds), ...out }, null, 1));
