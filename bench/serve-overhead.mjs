// `tsdbt serve` overhead.
// 1. A 1M-row `SELECT … FORMAT JSONEachRow` read in full through `tsdbt serve` (a child process,
//    read over HTTP by this one) vs the same query in-process on chDB (queryAsync, and queryStream).
// 2. 200 small queries from 8 concurrent keep-alive clients: every answer checked, latency percentiles.
// Usage: node bench/serve-overhead.mjs [rows=1000000] [repeats=5] [queries=200] [clients=8]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { Session } from 'chdb';
import { writeProject } from './bench-project.mjs';

const [rows = 1_000_000, repeats = 5, queries = 200, clients = 8] = process.argv.slice(2).map(Number);
const CLI = resolve(import.meta.dirname, '../packages/cli/dist/cli.js');
const SQL = `SELECT number AS id, toString(number) AS name, number * 0.5 AS score, toDate('2024-01-01') + (number % 365) AS day FROM numbers(${rows}) FORMAT JSONEachRow`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const ms = (x) => `${x.toFixed(1)} ms`;

// --- the server: `tsdbt serve` on a project of its own -------------------------------------------
const dir = writeProject({}, { name: 'serve_bench' });
const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--log-format', 'json', '--project-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((done, fail) => {
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
    const m = /"url":"([^"]+)"/.exec(out);
    if (m) done(m[1]);
  });
  child.on('exit', (code) => fail(new Error(`serve exited ${code}`)));
});
const agent = new Agent({ keepAlive: true, maxSockets: clients });

/** GET a query, reading the whole body; resolves with its size (or text when `text`). */
function get(sql, { text = false } = {}) {
  return new Promise((done, fail) => {
    const req = request(`${url}/?query=${encodeURIComponent(sql)}`, { agent }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        size += c.length;
        if (text) chunks.push(c);
      });
      res.on('end', () => (res.statusCode === 200 ? done(text ? Buffer.concat(chunks).toString() : size) : fail(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`))));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

// --- 1. large result ------------------------------------------------------------------------------
const localDir = mkdtempSync(join(tmpdir(), 'tsdbt-serve-bench-local-'));
const local = new Session(localDir);
const timesAsync = [];
const timesStream = [];
const timesServe = [];
let bytesLocal = 0;
let bytesServe = 0;
await local.queryAsync(SQL, { format: 'JSONEachRow' }); // warm-up
await get(SQL);
for (let r = 0; r < repeats; r++) {
  let t = performance.now();
  bytesLocal = (await local.queryAsync(SQL, { format: 'JSONEachRow' })).bytes().byteLength;
  timesAsync.push(performance.now() - t);
  t = performance.now();
  let streamed = 0;
  for await (const chunk of local.queryStream(SQL, { format: 'JSONEachRow' })) streamed += chunk.raw().byteLength;
  timesStream.push(performance.now() - t);
  if (streamed !== bytesLocal) throw new Error(`stream gave ${streamed} bytes, queryAsync ${bytesLocal}`);
  t = performance.now();
  bytesServe = await get(SQL);
  timesServe.push(performance.now() - t);
}
if (bytesServe !== bytesLocal) throw new Error(`serve returned ${bytesServe} bytes, in-process ${bytesLocal}`);
local.close();
rmSync(localDir, { recursive: true, force: true });

// --- 2. concurrency -------------------------------------------------------------------------------
const latencies = [];
let next = 0;
let wrong = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    for (let i = next++; i < queries; i = next++) {
      const t = performance.now();
      const answer = await get(`SELECT ${i} AS q, sum(number) FROM numbers(${1000 + i})`, { text: true });
      latencies.push(performance.now() - t);
      const n = 1000 + i;
      if (answer !== `${i}\t${(n * (n - 1)) / 2}\n`) wrong++;
    }
  }),
);
const wall = performance.now() - started;

agent.destroy();
child.kill('SIGTERM');
await new Promise((done) => child.on('exit', done));
rmSync(dir, { recursive: true, force: true });

const mb = (bytesLocal / 1e6).toFixed(1);
const base = median(timesStream);
console.log(`1. ${rows.toLocaleString('en-US')}-row SELECT … FORMAT JSONEachRow (${mb} MB), median of ${repeats}:`);
console.log(`   in-process chDB queryAsync (buffered):  ${ms(median(timesAsync))}`);
console.log(`   in-process chDB queryStream:            ${ms(base)}`);
console.log(`   through tsdbt serve (HTTP, streamed):   ${ms(median(timesServe))}  → ${(median(timesServe) / base).toFixed(2)}× queryStream, ${(median(timesServe) / median(timesAsync)).toFixed(2)}× queryAsync`);
console.log(`2. ${queries} small queries from ${clients} concurrent clients: ${latencies.length} answered, ${wrong} wrong, ${queries - latencies.length} lost`);
console.log(`   wall ${ms(wall)} (${((queries / wall) * 1000).toFixed(0)} queries/s); latency p50 ${ms(pct(latencies, 50))}, p95 ${ms(pct(latencies, 95))}, p99 ${ms(pct(latencies, 99))}, max ${ms(Math.max(...latencies))}`);
if (wrong || latencies.length !== queries) process.exitCode = 1;
