// `tsdbt build` of the Instacart reference project (16 models + their tests) on generated data.
//
// Generates the raw data (run-operation generate_instacart) into a fresh temp warehouse, then builds the whole
// project in a second process and reports: total wall, CPU (chDB runs in-process, so process CPU counts the
// warehouse's work, background merges included), peak RSS of the build process, per-model times (with their start
// offset, to see the critical path) and the slowest tests. Each phase runs in a child process of its own, so the
// build's peak RSS is not the generator's.
//
// Usage: node bench/instacart-build.mjs [--scale 1] [--seed 42] [--threads 4] [--repeat 3] [--keep] [--warehouse DIR]
//                                       [--expect FILE] [--save-checksums FILE] [--json]
//   --repeat N       build N times on the same generated data (each in a fresh process): median wall and CPU, the
//                    largest peak RSS; per-model and test times are those of the median build.
//   --warehouse DIR  reuse DIR (a chDB directory already holding raw.*): no generation. Never a directory another
//                    process has open.
//   --keep           keep the temp project and warehouse (printed) instead of deleting them.
// After the last build, every table's checksum (bench/instacart-checksums.mjs: rows + order-independent row hash) is
// compared with --expect FILE (default bench/instacart-checksums.scale<scale>-seed<seed>.json when it exists: the
// checksums of the build before the issue-17 performance work) and "checksums equal: yes/no" printed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareChecksums, tableChecksums, typeChanges } from './instacart-checksums.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT_FILES = ['project.yml', 'sources.yml', 'models', 'macros', 'tests'];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);

/** Child-process phases: `--phase generate|build --project DIR --profiles DIR --out FILE`. */
async function runPhase(phase) {
  const { TsdbtProject } = await import('@tsdbt/core');
  const project = TsdbtProject.open({ projectDir: arg('project'), profilesDir: arg('profiles') });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let report;
  if (phase === 'generate') {
    await project.runOperation('generate_instacart', { scale: Number(arg('scale', '1')), seed: Number(arg('seed', '42')) });
    report = {};
  } else {
    // RSS sampled during the build: when the peak happens and what runs then (the report names the nodes)
    let peak = { rss: 0, at: Date.now() };
    const sampler = setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss > peak.rss) peak = { rss, at: Date.now() };
    }, 100);
    const result = await project.build();
    clearInterval(sampler);
    report = {
      success: result.success,
      results: result.results.map((r) => ({
        name: r.node.name,
        type: r.node.resourceType,
        status: r.status,
        seconds: r.executionTime,
        startedAt: r.timing?.[0]?.startedAt,
        message: r.message.split('\n')[0],
        finishedAt: r.timing?.[0]?.completedAt,
      })),
      sampledPeak: { rssMB: peak.rss / 2 ** 20, at: new Date(peak.at).toISOString() },
    };
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const maxRssMB = process.resourceUsage().maxRSS / 1024; // before the checksums' own queries
  if (phase === 'build' && flag('checksums')) report.checksums = await tableChecksums((sql) => project.show({ inline: sql, limit: -1 }));
  await project.close();
  report = { ...report, wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, userSeconds: cpu.user / 1e6, systemSeconds: cpu.system / 1e6, maxRssMB };
  writeFileSync(arg('out'), JSON.stringify(report));
}

/** The median build's sampled RSS peak: when (+s from the first node) and which nodes were running then. */
function peakOf(build, t0) {
  const at = Date.parse(build.sampledPeak.at);
  const running = build.results.filter((r) => r.startedAt && r.finishedAt && Date.parse(r.startedAt) <= at && at <= Date.parse(r.finishedAt)).map((r) => r.name);
  return { rssMB: Math.round(build.sampledPeak.rssMB), atSeconds: +((at - t0) / 1000).toFixed(1), running };
}

function child(phase, projectDir, profilesDir, extra = []) {
  const out = join(profilesDir, `${phase}.json`);
  const args = [fileURLToPath(import.meta.url), '--phase', phase, '--project', projectDir, '--profiles', profilesDir, '--out', out, '--scale', arg('scale', '1'), '--seed', arg('seed', '42'), ...extra];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT });
  if (r.status !== 0) throw new Error(`${phase} phase failed (exit ${r.status})`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

async function main() {
  const base = mkdtempSync(join(tmpdir(), 'tsdbt-instacart-bench-'));
  const projectDir = join(base, 'project');
  const profilesDir = join(base, 'profiles');
  const reuse = arg('warehouse');
  const warehouse = reuse ? resolve(reuse) : join(base, 'warehouse');
  mkdirSync(projectDir);
  mkdirSync(profilesDir);
  for (const f of PROJECT_FILES) cpSync(join(ROOT, f), join(projectDir, f), { recursive: true });
  const threads = Number(arg('threads', '4'));
  writeFileSync(join(profilesDir, 'profiles.yml'), `instacart:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: default\n      threads: ${threads}\n`);

  try {
    let gen;
    if (!reuse) gen = child('generate', projectDir, profilesDir);
    else if (!existsSync(warehouse)) throw new Error(`--warehouse ${warehouse} does not exist`);
    const repeat = Math.max(1, Number(arg('repeat', '1')));
    const builds = [];
    for (let i = 1; i <= repeat; i++) builds.push(child('build', projectDir, profilesDir, i === repeat ? ['--checksums'] : []));
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const medianWall = median(builds.map((b) => b.wallSeconds));
    const build = builds.find((b) => b.wallSeconds === medianWall);
    const checksums = builds.at(-1).checksums;
    if (arg('save-checksums')) writeFileSync(arg('save-checksums'), JSON.stringify(checksums, null, 1) + '\n');
    const expectFile = arg('expect', join(ROOT, 'bench', `instacart-checksums.scale${arg('scale', '1')}-seed${arg('seed', '42')}.json`));
    const expected = existsSync(expectFile) ? JSON.parse(readFileSync(expectFile, 'utf8')) : undefined;
    const differing = expected ? compareChecksums(expected, checksums) : [];

    const t0 = Math.min(...build.results.map((r) => (r.startedAt ? Date.parse(r.startedAt) : Infinity)));
    const models = build.results.filter((r) => r.type === 'model').sort((a, b) => b.seconds - a.seconds);
    const tests = build.results.filter((r) => r.type === 'test').sort((a, b) => b.seconds - a.seconds);
    const bad = build.results.filter((r) => !['success', 'pass'].includes(r.status));
    const summary = {
      scale: Number(arg('scale', '1')),
      threads,
      generate: gen && { wallSeconds: +gen.wallSeconds.toFixed(1), cpuSeconds: +gen.cpuSeconds.toFixed(1), maxRssMB: Math.round(gen.maxRssMB) },
      build: {
        success: build.success,
        nodes: build.results.length,
        models: models.length,
        tests: tests.length,
        notPassing: bad.map((r) => `${r.name}: ${r.status}: ${r.message}`),
        runs: builds.length,
        wallSeconds: +medianWall.toFixed(1),
        wallSecondsEach: builds.map((b) => +b.wallSeconds.toFixed(1)),
        cpuSeconds: +median(builds.map((b) => b.cpuSeconds)).toFixed(1),
        cpuSecondsEach: builds.map((b) => +b.cpuSeconds.toFixed(1)),
        userSeconds: +build.userSeconds.toFixed(1),
        systemSeconds: +build.systemSeconds.toFixed(1),
        maxRssMB: Math.round(Math.max(...builds.map((b) => b.maxRssMB))),
        sampledPeak: peakOf(build, t0),
      },
      checksums: expected
        ? { equal: differing.length === 0, tables: Object.keys(checksums).length, expected: expectFile.replace(`${ROOT}/`, ''), differing, typeChanges: typeChanges(expected, checksums) }
        : { equal: null, tables: Object.keys(checksums).length, note: `no ${expectFile}` },
    };
    if (flag('json')) {
      console.log(JSON.stringify({ ...summary, results: build.results }));
    } else {
      console.log(JSON.stringify(summary, null, 2));
      console.log(`\nchecksums equal: ${summary.checksums.equal === null ? 'n/a (nothing to compare with)' : summary.checksums.equal ? 'yes' : 'NO'} (${summary.checksums.tables} tables)`);
      console.log(`\nmodels of the median build, top 10 (seconds, started at +s):`);
      for (const m of models.slice(0, 10)) console.log(`  ${m.seconds.toFixed(2).padStart(7)}  +${((Date.parse(m.startedAt) - t0) / 1000).toFixed(1).padStart(5)}  ${m.name}`);
      console.log(`\ntests: ${tests.length}, sum of times ${tests.reduce((s, t) => s + t.seconds, 0).toFixed(1)} s (batched tests share one scan: each member reports the batch's time); slowest:`);
      const seen = new Set();
      for (const t of tests) {
        const key = `${t.seconds}|${t.startedAt}`; // one line per batch
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > 12) break;
        console.log(`  ${t.seconds.toFixed(2).padStart(7)}  +${((Date.parse(t.startedAt) - t0) / 1000).toFixed(1).padStart(5)}  ${t.name}`);
      }
    }
    if (!builds.every((b) => b.success) || differing.length) process.exitCode = 1;
  } finally {
    if (flag('keep')) console.log(`\nkept: ${base}${reuse ? '' : ` (warehouse ${warehouse})`}`);
    else rmSync(base, { recursive: true, force: true });
  }
}

const phase = arg('phase');
if (phase) await runPhase(phase);
else await main();
