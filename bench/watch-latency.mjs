// Watch-mode latency: from a file save to the first rebuilt statement being sent.
//
//   npm run build && node bench/watch-latency.mjs [--models 10000] [--edits 10] [--only synthetic|reference]
//
// For each project the watcher runs in this process (as `tsdbt watch` does). Each edit appends a
// changing SQL comment to one model file (the rendered SQL changes, so the model is rebuilt) and
// times, from just before writeFileSync:
//   detect+debounce  save -> `watch_change` (file-system event, then the debounce window closing)
//   re-parse         `watch_reloaded.parseMs` (incremental re-load: changed files only + graph patch)
//   plan             diff, rebuild set, selection (from the end of re-parse to `watch_reloaded`)
//   to statement     `watch_reloaded` -> the first `node_started` (emitted right before the first
//                    statement of the node is sent to the warehouse)
//   total            save -> first `node_started`
// Both with the default 50 ms debounce and with debounceMs = 0 (processing latency alone).
// Projects are copies in a temp dir; nothing in the repository is edited.
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsdbtProject, watch } from '@tsdbt/core';
import { generateProject } from './gen-project.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('models', 10000));
const EDITS = Number(arg('edits', 10));
const ONLY = arg('only', '');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];

function profiles(dir, name, warehouse, schema) {
  writeFileSync(join(dir, 'profiles.yml'), `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: ${schema}\n      threads: 4\n`);
}

/** Starts a watcher, edits `file` EDITS times, returns the per-edit phase timings. */
async function measure(label, dir, file, watchOptions) {
  const events = [];
  let waiter;
  const onEvent = (e) => {
    events.push({ e, t: performance.now() });
    if (waiter && waiter.pred(e)) {
      const w = waiter;
      waiter = undefined;
      w.done();
    }
  };
  const until = (pred, ms = 600_000) =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${label}: timed out`)), ms);
      waiter = { pred, done: () => (clearTimeout(timer), done()) };
    });
  const t0 = performance.now();
  const w = await watch({ projectDir: dir, onEvent, ...watchOptions });
  const startup = performance.now() - t0;
  const rows = [];
  try {
    for (let i = 0; i < EDITS; i++) {
      await sleep(300);
      const from = events.length;
      const started = until((e) => e.type === 'node_started' || e.type === 'watch_error');
      const saved = performance.now();
      appendFileSync(join(dir, file), `\n-- watch-latency edit ${i} ${Date.now()}\n`);
      await started;
      const slice = events.slice(from);
      const err = slice.find((x) => x.e.type === 'watch_error');
      if (err) throw new Error(`${label}: ${err.e.message}`);
      const change = slice.find((x) => x.e.type === 'watch_change');
      const reloaded = slice.find((x) => x.e.type === 'watch_reloaded');
      const first = slice.find((x) => x.e.type === 'node_started');
      rows.push({
        detect: change.t - saved,
        parse: reloaded.e.parseMs,
        plan: reloaded.t - change.t - reloaded.e.parseMs,
        toStatement: first.t - reloaded.t,
        total: first.t - saved,
        mode: reloaded.e.mode,
        rebuild: reloaded.e.rebuild.length,
      });
      await w.idle();
    }
  } finally {
    await w.close();
  }
  return { label, startup, rows };
}

function report(r) {
  const col = (k) => r.rows.map((x) => x[k]);
  const f = (xs) => `${median(xs).toFixed(1).padStart(7)} ${p90(xs).toFixed(1).padStart(7)}`;
  console.log(`\n${r.label}  (watcher start-up ${(r.startup / 1000).toFixed(1)} s; ${r.rows.length} edits; mode ${[...new Set(col('mode'))].join('/')}; ${median(col('rebuild'))} node(s) rebuilt per edit)`);
  console.log('  phase (ms)          median     p90');
  for (const [name, k] of [['detect+debounce', 'detect'], ['re-parse', 'parse'], ['plan', 'plan'], ['to statement', 'toStatement'], ['total', 'total']])
    console.log(`  ${name.padEnd(18)}${f(col(k))}`);
  return r;
}

const results = [];
const work = mkdtempSync(join(tmpdir(), 'tsdbt-watch-bench-'));
try {
  if (ONLY !== 'synthetic') {
    // The reference project (repo root), copied, with synthetic Instacart data at a tiny scale.
    const dir = join(work, 'reference');
    for (const p of ['project.yml', 'sources.yml', 'models', 'macros', 'tests', 'seeds', 'selectors.yml'])
      if (existsSync(join(root, p))) cpSync(join(root, p), join(dir, p), { recursive: true });
    profiles(dir, 'instacart', join(work, 'wh-ref'), 'default');
    const project = TsdbtProject.open({ projectDir: dir });
    const t = performance.now();
    await project.runOperation('generate_instacart', { scale: 0.01, seed: 42 });
    const build = await project.build();
    await project.close();
    console.log(`reference: generated data (scale 0.01) and built ${build.results.length} nodes in ${((performance.now() - t) / 1000).toFixed(1)} s (success=${build.success})`);
    for (const debounceMs of [50, 0])
      results.push(report(await measure(`reference project, edit models/clean/g2_v2_aisles_3nf.sql, debounce ${debounceMs} ms`, dir, 'models/clean/g2_v2_aisles_3nf.sql', { initialRun: false, debounceMs })));
  }
  if (ONLY !== 'reference') {
    const dir = join(work, 'synthetic');
    generateProject(N, dir);
    profiles(dir, 'synth', join(work, 'wh-synth'), 'synth');
    const file = `models/layer_9/m_${String(N - 1).padStart(5, '0')}.sql`;
    // No initial build of 10,000 models: the rebuilt view's statement is sent (and fails on its
    // missing parents, quickly): the latency up to the statement is what is measured.
    for (const debounceMs of [50, 0])
      results.push(report(await measure(`synthetic ${N} models, edit ${file}, debounce ${debounceMs} ms`, dir, file, { initialRun: false, debounceMs })));
    // With a user selection (evaluated on every cycle).
    results.push(report(await measure(`synthetic ${N} models, --select layer_9 (selection evaluated per cycle), debounce 0 ms`, dir, file, { initialRun: false, debounceMs: 0, select: ['tag:layer_9'] })));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
