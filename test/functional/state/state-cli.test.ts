import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { freshTempPath, inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/* The CLI runs in child processes, one after another, on this file's own warehouse folder. */
const WAREHOUSE = freshTempPath('tsdbt-state-cli-warehouse');
const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
  rmSync(WAREHOUSE, { recursive: true, force: true });
});

function project(files: Record<string, string>): InlineProject {
  const p = inlineProject(files);
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n      threads: 2\n` });
  projects.push(p);
  return p;
}

function cli(p: InlineProject, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const FILES = {
  'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/c.sql': "select id from {{ ref('b') }}",
};

describe('tsdbt --state (CLI)', () => {
  it('ls --select state:modified+ --state DIR lists the changed model and its descendants; DBT_STATE works too', () => {
    const p = project(FILES);
    expect(cli(p, ['compile']).code).toBe(0);
    cpSync(join(p.dir, 'target'), join(p.dir, 'prod-artifacts'), { recursive: true });
    p.write({ 'models/b.sql': "select id * 2 as id from {{ ref('a') }}" });
    const r = cli(p, ['ls', '--select', 'state:modified+', '--state', 'prod-artifacts', '--output', 'path']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').sort()).toEqual(['models/b.sql', 'models/c.sql']);
    const viaEnv = cli(p, ['ls', '--select', 'state:modified', '--output', 'path'], { DBT_STATE: 'prod-artifacts' });
    expect(viaEnv.stdout.trim()).toBe('models/b.sql');
    const missing = cli(p, ['ls', '--select', 'state:modified']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs a comparison manifest: pass --state DIR/);
  });

  it('build --select state:modified+ --state builds only what changed and what depends on it', () => {
    const p = project(FILES);
    expect(cli(p, ['build']).code).toBe(0);
    cpSync(join(p.dir, 'target'), join(p.dir, 'state'), { recursive: true });
    p.write({ 'models/b.sql': "select id + 10 as id from {{ ref('a') }}" });
    const r = cli(p, ['build', '--select', 'state:modified+', '--state', 'state']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\bb\b/);
    expect(r.stdout).toMatch(/\bc\b/);
    expect(r.stdout).not.toMatch(/model \S*\ba\b/);
    expect(r.stdout).toMatch(/PASS=2\b/);
  });
});
