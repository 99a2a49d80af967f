// The resident process (`tsdbt daemon`) against the command in its own process, side by side, rounds interleaved:
// - warm `ls` and warm `compile` of the 10k Jinja-heavy project (gen-project.mjs --jinja), wall of the client, the client's
//   CPU and the resident process's CPU for the command (its /proc stat before and after), stdout compared every round;
// - the first statement of a warm `run` of the 1k project (two copies: one for each way): wall from the spawn of the command to its first statement
//   (bench/resident-probe.mjs, preloaded into the in-process run and into the daemon); the resident's run is then
//   stopped with Ctrl-C, the in-process one ends at the statement (TSDBT_PROBE_EXIT=1).
// Usage: node bench/resident.mjs [--rounds 7] [--base /dev/shm] [--n 10000] [--first 1000] [--parts ls,compile,first]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : argv.splice(i, 2)[1];
};
const rounds = Number(option('rounds', 7));
const base = option('base', '/dev/shm');
const n = Number(option('n', 10000));
const firstN = Number(option('first', 1000));
const parts = option('parts', 'ls,compile,first').split(',');
const cli = fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url));
const probe = fileURLToPath(new URL('./resident-probe.mjs', import.meta.url));
const residentDir = mkdtempSync(join(base, 'tsdbt-resident-bench-'));
const env = { ...process.env, TSDBT_RESIDENT_DIR: residentDir };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ticks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, 100 Hz ticks → ms
};

function timed(args, extra) {
  const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...env, ...extra } });
  if (p.status !== 0) throw new Error(p.stderr);
  const [wall, user, sys] = /TIME (\S+) (\S+) (\S+)/.exec(p.stderr).slice(1).map(Number);
  return { wall, cpu: +(user + sys).toFixed(2), stdout: p.stdout };
}

/** Starts `tsdbt daemon` on `dir`, resolves with the child once it answers. */
async function daemon(dir, preload) {
  const child = spawn(process.execPath, [...(preload ? ['--import', probe] : []), cli, 'daemon', '--project-dir', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.log = '';
  child.stdout.on('data', (d) => (child.log += d));
  child.stderr.on('data', (d) => (child.log += d));
  await new Promise((done, fail) => {
    const t = setInterval(() => (child.log.includes('Resident process') ? (clearInterval(t), done()) : child.exitCode !== null && (clearInterval(t), fail(new Error(child.log)))), 50);
  });
  return child;
}
const stop = (child) => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM')));

const report = (what, rows) => console.log(JSON.stringify({ what, rounds, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '), ...rows }));

if (parts.includes('ls') || parts.includes('compile')) {
  const dir = join(base, `tsdbt-resident-jinja-${n}`);
  if (!existsSync(join(dir, 'project.yml'))) generateProject(n, dir, { jinja: true });
  for (const cmd of ['ls', 'compile'].filter((c) => parts.includes(c))) timed([cmd, '--project-dir', dir], { TSDBT_RESIDENT: '0' }); // the warm start
  const d = await daemon(dir, false);
  try {
    for (const cmd of ['ls', 'compile'].filter((c) => parts.includes(c))) {
      const here = [];
      const resident = [];
      for (let r = 0; r < rounds; r++) {
        const a = timed([cmd, '--project-dir', dir], { TSDBT_RESIDENT: '0' });
        const before = ticks(d.pid);
        const b = timed([cmd, '--project-dir', dir]);
        b.residentCpu = (ticks(d.pid) - before) / 1000;
        if (a.stdout !== b.stdout) throw new Error(`${cmd}: the resident's output differs`);
        here.push(a);
        resident.push(b);
      }
      // The daemon's log is read between the synchronous runs.
      for (let i = 0; i < 40 && !d.log.includes(`${cmd}: exit 0`); i++) await new Promise((r) => setTimeout(r, 50));
      if (!d.log.includes(`${cmd}: exit 0`)) throw new Error(`${cmd} did not run in the resident process:\n${d.log}`);
      report(`warm ${cmd}, ${n} Jinja models (${base})`, {
        inProcess: { wall: median(here.map((x) => x.wall)), cpu: median(here.map((x) => x.cpu)) },
        resident: { wall: median(resident.map((x) => x.wall)), clientCpu: median(resident.map((x) => x.cpu)), residentCpu: median(resident.map((x) => x.residentCpu)) },
      });
    }
  } finally {
    await stop(d);
  }
}

if (parts.includes('first')) {
  // Two copies: the in-process runs open their own warehouse, as without a resident process (beside one, they would go through it).
  const here0 = join(base, `tsdbt-resident-first-${firstN}-here`);
  const dir = join(base, `tsdbt-resident-first-${firstN}`);
  for (const d of [here0, dir]) {
    rmSync(d, { recursive: true, force: true });
    generateProject(firstN, d);
  }
  const firstHere = () => {
    const t0 = performance.timeOrigin + performance.now();
    const p = spawnSync(process.execPath, ['--import', probe, cli, 'run', '--project-dir', here0], { encoding: 'utf8', env: { ...env, TSDBT_RESIDENT: '0', TSDBT_PROBE_EXIT: '1' } });
    const m = /TSDBT_FIRST_AT (\S+)/.exec(p.stderr);
    if (!m) throw new Error(`no statement:\n${p.stdout}\n${p.stderr}`);
    return Number(m[1]) - t0;
  };
  firstHere(); // the warm start
  const d = await daemon(dir, true);
  const firstResident = async () => {
    const from = d.log.length;
    const t0 = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, [cli, 'run', '--project-dir', dir], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    let at;
    await new Promise((done) => {
      const t = setInterval(() => {
        const m = /TSDBT_FIRST_AT (\S+)/.exec(d.log.slice(from));
        if (m && at === undefined) {
          at = Number(m[1]);
          child.kill('SIGINT');
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          clearInterval(t);
          done();
        }
      }, 5);
    });
    if (at === undefined) throw new Error(`no statement in the resident process:\n${d.log.slice(from)}`);
    return at - t0;
  };
  try {
    const here = [];
    const resident = [];
    for (let r = 0; r < rounds; r++) {
      here.push(firstHere());
      resident.push(await firstResident());
    }
    report(`first statement of a warm run, ${firstN} models (${base})`, { inProcessMs: { min: Math.min(...here), median: median(here) }, residentMs: { min: Math.min(...resident), median: median(resident) } });
  } finally {
    await stop(d);
    for (const d of [here0, dir]) rmSync(d, { recursive: true, force: true });
  }
}
rmSync(residentDir, { recursive: true, force: true });
