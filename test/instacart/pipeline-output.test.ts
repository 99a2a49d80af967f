// `npm run instacart` prints as the CLI does (issue #16): the console printer's lines (timestamps,
// START/OK lines in order, dbt's summary) and the guide's verification results as aligned tables.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { PROJECT_FILES } from './instacart-project.js';

const base = mkdtempSync(join(tmpdir(), 'tsdbt-instacart-pipeline-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

it('prints through the console printer and shows the verification results as aligned tables', () => {
  const dir = join(base, 'project');
  mkdirSync(dir);
  for (const f of PROJECT_FILES) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  writeFileSync(join(base, 'profiles.yml'), `instacart:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(base, 'warehouse')}\n      schema: default\n      threads: 2\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'examples/instacart/pipeline.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DBT_PROJECT_DIR: dir, DBT_PROFILES_DIR: base, INSTACART_SCALE: '0.002' },
    timeout: 600_000,
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const out = r.stdout;
  // the CLI's lines: a timestamp, START before OK, dbt's summary
  expect(out).toMatch(/^\d\d:\d\d:\d\d {2}Generating synthetic Instacart data/m);
  expect(out).toMatch(/^\d\d:\d\d:\d\d {2}Found \d+ models?, /m);
  const start = out.search(/\d+ of \d+ START sql \w+ model mart\.g2_v2_dim_customers \.+ \[RUN\]/);
  const ok = out.search(/\d+ of \d+ OK created sql \w+ model mart\.g2_v2_dim_customers \.+ \[.+ in \d+\.\d\ds\]/);
  expect(start).toBeGreaterThan(0);
  expect(ok).toBeGreaterThan(start);
  expect(out).toMatch(/Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=\d+/);
  // the verification results: a header, a rule with right-aligned number columns, no quotes, no index
  const table = out.slice(out.indexOf('Step 19: Customer churn segments'));
  const lines = table.split('\n').slice(1, 4);
  expect(lines[0]).toMatch(/^\| lifecycle_segment +\| customers \| avg_churn_prob \|$/);
  expect(lines[1]).toMatch(/^\| -+ \| -+: \| -+: \|$/);
  expect(lines[2]).toMatch(/^\| [a-zA-Z_]+ +\| +\d+ \| +\d\.\d\d \|$/);
  expect(out).not.toMatch(/\(index\)|\| '/); // console.table's index column and quoted strings
  for (const line of out.split('\n').filter((l) => l.startsWith('|'))) expect(line.length).toBeLessThanOrEqual(120);
}, 600_000);

it('opens the built warehouse on chDB\'s own thread while tsdbt loads (as the CLI does)', () => {
  // A preload that reports the directory the pipeline sends to chdb-ahead.ts' thread, then ends the run there (nothing
  // was sent to the warehouse yet): the warehouse the test above built is opened ahead, not after the load. It ends it
  // by SIGKILL: process.exit() while chDB's thread is opening the warehouse can die in chDB's native teardown
  // ("FATAL ERROR: Error::ThrowAsJavaScriptException napi_throw") and hang there (seen on 668a9c2 as on later commits).
  const preload = join(base, 'ahead-probe.mjs');
  writeFileSync(
    preload,
    `import { Worker } from 'node:worker_threads';
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  const sent = post.call(this, message, ...rest);
  if (message && typeof message.open === 'string') { process.stderr.write('AHEAD_OPEN ' + message.open + '\\n'); process.kill(process.pid, 'SIGKILL'); }
  return sent;
};
`,
  );
  const r = spawnSync(process.execPath, ['--import', preload, join(ROOT, 'examples/instacart/pipeline.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DBT_PROJECT_DIR: join(base, 'project'), DBT_PROFILES_DIR: base, INSTACART_SCALE: '0.002' },
    timeout: 120_000,
  });
  expect(r.signal, r.stdout + r.stderr).toBe('SIGKILL');
  expect(r.stderr).toContain(`AHEAD_OPEN ${join(base, 'warehouse')}\n`);
}, 180_000);
