// Cold `tsdbt ls` (no parse cache) of the generated 10k projects, side by side for several builds of
// tsdbt and the plain-nunjucks floor, rounds interleaved (issue 17's cold goals: ≤ 1.0 s, ≤ 0.5× the
// floor, peak ≤ 400 MB). Each build is a checkout with `npm run build` done (its packages/cli/dist/cli.js).
// Kinds: static (the static parser's project), jinja (uniform Jinja-heavy), varied (shapes drawn at
// random: 940 source shapes), unique (every model a shape of its own) — gen-project.mjs.
// Usage: node bench/cold-ls.mjs [--rounds 3] [--base /dev/shm] [--kinds static,jinja,varied,unique] [--threads 1,default] [--n 10000] [checkout …]
// (no checkout: this one). Prints one JSON line per (kind, build, threads) with the median wall, CPU and peak RSS,
// and the median CPU of the process's main thread (`mainCpu`) and of its other threads (`otherCpu`: V8's
// JIT and GC helpers, worker threads) — bench/thread-cpu.mjs, Linux only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : argv.splice(i, 2)[1];
};
const rounds = Number(option('rounds', 3));
const base = option('base', tmpdir());
const kinds = option('kinds', 'static,jinja,varied,unique').split(',');
const threads = option('threads', '1,default').split(',');
const n = Number(option('n', 10000));
const here = fileURLToPath(new URL('..', import.meta.url));
const builds = (argv.length ? argv : [here]).map((d) => resolve(d));
const floorScript = fileURLToPath(new URL('./nunjucks-floor.mjs', import.meta.url));
const threadCpu = new URL('./thread-cpu.mjs', import.meta.url).href;

function timed(args, env = {}) {
  const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, '--import', threadCpu, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  if (p.status !== 0) throw new Error(p.stderr);
  const [wall, user, sys, rss] = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(p.stderr).slice(1).map(Number);
  const [mainCpu, otherCpu] = (/THREADCPU (\S+) (\S+)/.exec(p.stderr)?.slice(1) ?? [NaN, NaN]).map(Number);
  return { wall, cpu: +(user + sys).toFixed(2), peakMB: Math.round(rss / 1024), mainCpu, otherCpu };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const kind of kinds) {
  const dir = join(base, `tsdbt-cold-${kind}-${n}`);
  if (!existsSync(join(dir, 'project.yml'))) generateProject(n, dir, { jinja: kind !== 'static', varied: kind === 'varied' || kind === 'unique', unique: kind === 'unique' });
  const runs = new Map();
  const add = (key, r) => runs.set(key, [...(runs.get(key) ?? []), r]);
  for (let r = 0; r < rounds; r++) {
    add('floor', timed([floorScript, dir]));
    // Builds in turn, the order reversed every other round.
    for (const build of r % 2 ? [...builds].reverse() : builds)
      for (const t of threads)
        add(`${build}\t${t}`, timed([join(build, 'packages/cli/dist/cli.js'), 'ls', '--project-dir', dir, '--no-partial-parse'], t === 'default' ? {} : { TSDBT_PARSE_THREADS: t }));
  }
  const floor = median(runs.get('floor').map((x) => x.wall));
  const floorCpu = median(runs.get('floor').map((x) => x.cpu));
  for (const [key, rs] of runs) {
    const [build, t] = key.split('\t');
    const wall = median(rs.map((x) => x.wall));
    console.log(JSON.stringify({ kind, build: key === 'floor' ? 'nunjucks floor' : build, threads: t, wall, cpu: median(rs.map((x) => x.cpu)), peakMB: Math.max(...rs.map((x) => x.peakMB)), ratioToFloor: +(wall / floor).toFixed(2), cpuRatioToFloor: +(median(rs.map((x) => x.cpu)) / floorCpu).toFixed(2), mainCpu: median(rs.map((x) => x.mainCpu)), otherCpu: median(rs.map((x) => x.otherCpu)), walls: rs.map((x) => x.wall), cpus: rs.map((x) => x.cpu) }));
  }
}
