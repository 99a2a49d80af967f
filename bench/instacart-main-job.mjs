// The main job (`npm run instacart`: examples/instacart/pipeline.mjs — generate the scale-0.1 data, build every model
// and test, run the guide's verification queries) timed end to end, as a user runs it: a fresh process each time.
//
// Usage: node bench/instacart-main-job.mjs [--repeat 3] [--base DIR]
//   The project files are copied into a temp folder under --base (default the system temp folder), so the runs use
//   their own warehouse (<copy>/.tsdbt/chdb): run 1 starts without one (a fresh clone), the others find the previous
//   run's tables (a re-run). Each run is timed by GNU time (wall, user+sys CPU, peak RSS); the pipeline's own lines
//   give the generation and build times. Then every table's checksum (bench/instacart-checksums.mjs) is compared with
//   bench/instacart-checksums.scale0.1-seed42.json (the build before the issue-17 performance work).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT_FILES = ['project.yml', 'sources.yml', 'models', 'macros', 'tests'];
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

const repeat = Math.max(1, Number(arg('repeat', '3')));
const base = mkdtempSync(join(resolve(arg('base', tmpdir())), 'tsdbt-main-job-'));
const project = join(base, 'project');
mkdirSync(project);
for (const f of PROJECT_FILES) cpSync(join(ROOT, f), join(project, f), { recursive: true });

const runs = [];
try {
  for (let i = 1; i <= repeat; i++) {
    const timeFile = join(base, `time-${i}.txt`);
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, join(ROOT, 'examples/instacart/pipeline.mjs')], {
      cwd: ROOT,
      env: { ...process.env, DBT_PROJECT_DIR: project, NO_COLOR: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`run ${i} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    const [wall, user, sys, rssKB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    const generated = /Generated in ([\d.]+)s/.exec(r.stdout)?.[1];
    const built = /Finished running \d+ nodes in ([\d.]+)s/.exec(r.stdout)?.[1];
    const done = /Done\. (PASS=\d+ WARN=\d+ ERROR=\d+ SKIP=\d+ (?:NO-OP=\d+ )?TOTAL=\d+)/.exec(r.stdout)?.[1];
    runs.push({ run: i, wallSeconds: wall, cpuSeconds: +(user + sys).toFixed(2), maxRssMB: Math.round(rssKB / 1024), generateSeconds: Number(generated), buildSeconds: Number(built), result: done });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  console.log('run  wall s  cpu s  peak MB  generate s  build s  result');
  for (const r of runs)
    console.log(`${String(r.run).padStart(3)}  ${r.wallSeconds.toFixed(2).padStart(6)}  ${r.cpuSeconds.toFixed(2).padStart(5)}  ${String(r.maxRssMB).padStart(7)}  ${r.generateSeconds.toFixed(1).padStart(10)}  ${r.buildSeconds.toFixed(2).padStart(7)}  ${r.result}`);
  console.log(
    `median of ${runs.length}: wall ${median(runs.map((r) => r.wallSeconds)).toFixed(2)} s, cpu ${median(runs.map((r) => r.cpuSeconds)).toFixed(2)} s, build ${median(runs.map((r) => r.buildSeconds)).toFixed(2)} s; peak RSS ${Math.max(...runs.map((r) => r.maxRssMB))} MB`,
  );
  const expected = join(ROOT, 'bench/instacart-checksums.scale0.1-seed42.json');
  if (existsSync(expected)) {
    const c = spawnSync(process.execPath, [join(ROOT, 'bench/instacart-checksums.mjs'), '--warehouse', join(project, '.tsdbt/chdb'), '--compare', expected], { cwd: ROOT, encoding: 'utf8' });
    process.stdout.write(c.stdout);
    if (c.status !== 0) process.exitCode = 1;
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
