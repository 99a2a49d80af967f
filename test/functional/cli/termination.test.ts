import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * SIGTERM and a closed stdout stop a run as Ctrl-C does: running statements cancelled, no
 * temporary left, run_results.json written, exit 2. Each project has a warehouse of its own, looked
 * at through the CLI only (the test process never holds it).
 */
const SLOW = "{{ config(materialized='table') }}\nselect number, sleepEachRow(0.1) as s from numbers(30) settings max_block_size = 1";
let projects: InlineProject[] = [];
afterEach(() => {
  for (const p of projects) p.cleanup();
  projects = [];
});

function project(): InlineProject {
  const p = inlineProject({
    'models/slow.sql': SLOW,
    'models/after_slow.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('slow') }}",
    'models/fast.sql': "{{ config(materialized='table') }}\nselect 1 as x",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: fast\n    columns:\n      - name: x\n        tests: [not_null, unique]\n',
  });
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(p.dir, 'warehouse')}\n      schema: s\n      threads: 1\n` });
  projects.push(p);
  return p;
}

/** Relations of schema `s`, asked through the CLI. */
function relations(p: InlineProject): string[] {
  const r = spawnSync(process.execPath, [CLI, 'show', '--project-dir', p.dir, '--inline', "select name from system.tables where database = 's' order by name", '--output', 'json', '--limit', '-1'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout).show as { name: string }[]).map((t) => t.name);
}

describe('a run stopped by SIGTERM or a closed stdout', () => {
  it('SIGTERM: the statement in flight is cancelled, nothing is left, run_results.json is written, exit 2', async () => {
    const p = project();
    const child = spawn(process.execPath, [CLI, 'run', '--project-dir', p.dir, '--select', 'slow+'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('START sql table model') && !child.killed) setTimeout(() => child.kill('SIGTERM'), 500);
    });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Before: exit 143 at once, no clean-up, no artifacts.
    expect(code, out + err).toBe(2);
    expect(out).toContain('The run was stopped before it finished.');
    expect(out).not.toContain('START sql table model s.after_slow');
    const results = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(results.results.map((r) => r.unique_id).sort()).toEqual(['model.proj.after_slow', 'model.proj.slow']);
    expect(relations(p)).toEqual([]);
  }, 60_000);

  it('`tsdbt build | head -3`: the run stops when the reader goes, cleans up, writes run_results.json, exit 2', () => {
    const p = project();
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" build --project-dir "${p.dir}" | head -3; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    // Before: exit 0 in the middle of the build, a temporary left, no run_results.json.
    expect(r.stderr, r.stderr).toMatch(/exit=2\b/);
    expect(existsSync(join(p.dir, 'target/run_results.json'))).toBe(true);
    const left = relations(p);
    expect(left.filter((n) => /__tsdbt_|_tmp_replace_/.test(n))).toEqual([]);
  }, 60_000);
});
