import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { freshTempPath, inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * The CLI runs in child processes. This file never opens a warehouse itself (chDB locks its
 * data directory per process): each child opens the one below, one after another.
 */
const WAREHOUSE = freshTempPath('tsdbt-cli-warehouse');


function cli(p: InlineProject, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): InlineProject {
  const p = inlineProject(files);
  const schema = p.schema;
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${schema}\n      threads: 2\n` });
  projects.push(p);
  return p;
}

const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
  rmSync(WAREHOUSE, { recursive: true, force: true });
});

describe('tsdbt CLI exit codes', () => {
  it('exits 0 when every node succeeds', () => {
    const p = project({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [not_null, unique]\n',
    });
    const r = cli(p, 'build');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/a\b/);
  });

  it('exits 1 when a test fails', () => {
    const p = project({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id union all select 1",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n',
    });
    expect(cli(p, 'run').code).toBe(0);
    const r = cli(p, 'test');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/unique_a_id/);
    expect(r.stdout).toMatch(/Got 1 result, configured to fail if != 0/);
    // warnings alone do not fail the run
    p.write({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [{unique: {severity: warn}}]\n' });
    expect(cli(p, 'test').code).toBe(0);
    expect(cli(p, 'test', '--warn-error').code).toBe(1);
  });

  it('exits 1 when a model errors in the warehouse', () => {
    const p = project({ 'models/a.sql': "{{ config(materialized='table') }}\nselect throwIf(1) as x" });
    const r = cli(p, 'run');
    expect(r.code).toBe(1);
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^\s+at /m);
  });

  it('exits 2 on a project error (unknown ref), naming file:line without a stack trace', () => {
    const p = project({
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "-- a comment\nselect * from {{ ref('nope') }}",
    });
    const r = cli(p, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/models\/b\.sql:2\b/);
    expect(r.stderr).toMatch(/nope/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/\.ts:\d+:\d+|node:internal/);
  });

  it('exits 2 on an unknown flag', () => {
    const p = project({ 'models/a.sql': 'select 1 as id' });
    expect(cli(p, 'run', '--no-such-flag').code).toBe(2);
  });
});

describe('--target-path', () => {
  it('puts compiled SQL and the manifest in the given folder instead of target/', () => {
    const p = project({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    const r = cli(p, 'compile', '--target-path', 'out/elsewhere');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(p.dir, 'out/elsewhere/manifest.json'))).toBe(true);
    expect(existsSync(join(p.dir, 'out/elsewhere/compiled/proj/models/b.sql'))).toBe(true);
    expect(existsSync(join(p.dir, 'target'))).toBe(false);
  });
});
