// `tsdbt validate` (the analyze stage: the selection built with no data in a scratch chDB of its own,
// every model and test checked, column lineage computed, target/manifest.json and lineage.json
// written) on the Instacart reference project and on synthetic projects (bench/gen-project.mjs
// --valid: N models, 1.5·N tests), against `tsdbt compile` of the same project in the same run (what
// loading and rendering alone cost). Wall, CPU (the CLI and its scratch process) and peak RSS from
// GNU time; the analysis time as validate reports it; the scratch on /dev/shm (default) and on disk.
// Usage: node bench/validate.mjs [sizes=1000] [repeats=3] [base folder=os.tmpdir()]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const sizes = (process.argv[2] ?? '1000').split(',').map(Number);
const repeats = Number(process.argv[3] ?? 3);
const base = process.argv[4] ?? tmpdir();
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/cli/dist/cli.js');

function timed(args, env = {}) {
  const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const m = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(p.stderr);
  if (!m || (p.status !== 0 && p.status !== 1)) throw new Error(`${args.join(' ')}: exit ${p.status}\n${p.stdout}\n${p.stderr}`);
  const [wall, user, sys, rss] = m.slice(1).map(Number);
  const analysis = Number(/ in (\d+\.\d+)s: /.exec(p.stdout)?.[1] ?? NaN);
  const summary = p.stdout.trim().split('\n').pop();
  return { wall, cpu: +(user + sys).toFixed(2), peakMB: Math.round(rss / 1024), analysis, summary };
}

const stats = (runs, key) => {
  const v = runs.map((r) => r[key]).sort((a, b) => a - b);
  return { best: v[0], median: v[Math.floor(v.length / 2)] };
};

function measure(label, dir) {
  const diskScratch = mkdtempSync(join(tmpdir(), 'tsdbt-bench-scratch-'));
  // Side by side, alternating: compile, validate (scratch on /dev/shm), validate (scratch on disk).
  const compile = [];
  const shm = [];
  const disk = [];
  for (let r = 0; r < repeats; r++) {
    compile.push(timed(['compile', '--project-dir', dir]));
    shm.push(timed(['validate', '--project-dir', dir]));
    disk.push(timed(['validate', '--project-dir', dir], { TSDBT_SCRATCH_DIR: diskScratch }));
  }
  rmSync(diskScratch, { recursive: true, force: true });
  console.log(JSON.stringify({
    project: label,
    load: loadavg().map((l) => +l.toFixed(1)),
    compile: stats(compile, 'wall'),
    validate: { wall: stats(shm, 'wall'), cpu: stats(shm, 'cpu'), analysis: stats(shm, 'analysis'), peakMB: Math.max(...shm.map((r) => r.peakMB)) },
    validateScratchOnDisk: { wall: stats(disk, 'wall'), cpu: stats(disk, 'cpu'), analysis: stats(disk, 'analysis') },
    summary: shm[0].summary,
  }));
}

// The reference project, as a fresh clone has it (no warehouse yet: source types from sources.yml).
{
  const work = mkdtempSync(join(base, 'tsdbt-bench-validate-'));
  const dir = join(work, 'project');
  mkdirSync(dir);
  for (const f of ['project.yml', 'sources.yml', 'models', 'macros', 'tests']) cpSync(join(root, f), join(dir, f), { recursive: true });
  writeFileSync(join(dir, 'profiles.yml'), `instacart:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(work, 'warehouse')}\n      schema: default\n`);
  measure('instacart (16 models, 219 tests)', dir);
  rmSync(work, { recursive: true, force: true });
}

for (const n of sizes) {
  const dir = join(base, `tsdbt-synth-valid-${n}`);
  generateProject(n, dir, { valid: true });
  measure(`synthetic ${n} models`, dir);
  rmSync(dir, { recursive: true, force: true });
}
