// Runner overhead: `run` of N cheap table models (a layered DAG) vs the same statements sent
// directly, in the same order and with the same parallelism (each model's statements in sequence,
// models started as soon as their parents finished, `threads` at a time).
// Usage: node bench/runner-overhead.mjs [models=200] [threads=4] [repeats=3]
import { TsdbtProject } from '@tsdbt/core';
import { writeProject, seconds } from './bench-project.mjs';

const [n = 200, threads = 4, repeats = 3] = process.argv.slice(2).map(Number);
const files = {};
for (let i = 0; i < n; i++) {
  const parent = i >= 10 ? `m${i - 10}` : undefined;
  files[`models/m${i}.sql`] = parent
    ? `{{ config(materialized='table') }}\nselect id, v * ${i} as v from {{ ref('${parent}') }}`
    : `{{ config(materialized='table') }}\nselect number as id, number * ${i} as v from numbers(1000)`;
}
const dir = writeProject(files, { name: 'overhead', threads });

const project = TsdbtProject.open({ projectDir: dir });
const adapter = await project.adapter(threads);
// Record the statements each model sends.
const byModel = new Map();
let current = new Map();
const client = adapter.client;
for (const method of ['command', 'query']) {
  const original = client[method].bind(client);
  client[method] = (sql, o) => {
    const owner = current.get('owner');
    if (owner) (byModel.get(owner) ?? byModel.set(owner, []).get(owner)).push([method, sql]);
    return original(sql, o);
  };
}
// A first run creates databases and tables; later runs are the steady state we compare.
await project.run({ threads });
const runTimes = [];
for (let r = 0; r < repeats; r++) {
  const t = performance.now();
  const res = await project.run({ threads });
  runTimes.push(performance.now() - t);
  if (!res.success) throw new Error('run failed');
}
// Capture one run's statements per model (owner is set from node_started events).
const capture = TsdbtProject.open({ projectDir: dir, onEvent: (e) => { if (e.type === 'node_started') current.set('owner', e.node.uniqueId); } });
await project.close();
const a2 = await capture.adapter(threads);
for (const method of ['command', 'query']) {
  const original = a2.client[method].bind(a2.client);
  a2.client[method] = (sql, o) => {
    const owner = current.get('owner');
    if (owner) (byModel.get(owner) ?? byModel.set(owner, []).get(owner)).push([method, sql]);
    return original(sql, o);
  };
}
// With threads > 1 the owner slot is racy; record with one thread, replay with `threads`.
byModel.clear();
await capture.run({ threads: 1 });
// Replay: the same statements, per model in order, models scheduled by the same DAG rule.
const deps = new Map([...capture.manifest.nodes.values()].filter((x) => x.resourceType === 'model').map((x) => [x.uniqueId, x.dependsOn]));
const replayTimes = [];
current.delete('owner'); // stop recording
for (let r = 0; r < repeats; r++) {
  const t = performance.now();
  const done = new Set();
  const started = new Set();
  let running = 0;
  await new Promise((resolve, reject) => {
    const pump = () => {
      if (done.size === deps.size) return resolve();
      for (const [id, ps] of deps) {
        if (running >= threads) break;
        if (started.has(id) || !ps.every((p) => done.has(p))) continue;
        started.add(id);
        running++;
        (async () => {
          for (const [method, sql] of byModel.get(id) ?? []) await a2.client[method](sql.replace(/__tsdbt_tmp_[0-9a-f]{12}/g, `__tsdbt_tmp_replay${r}`));
        })().then(() => { running--; done.add(id); pump(); }, reject);
      }
    };
    pump();
  });
  replayTimes.push(performance.now() - t);
}
await capture.close();
const best = (xs) => Math.min(...xs);
console.log(JSON.stringify({ models: n, threads, statementsPerModel: (byModel.get('model.overhead.m50') ?? []).length, runSeconds: runTimes.map(seconds), replaySeconds: replayTimes.map(seconds), ratioBest: (best(runTimes) / best(replayTimes)).toFixed(3) }));
