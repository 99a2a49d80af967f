import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../helpers/cli.js';
import { freshTempPath, inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * `tsdbt run`/`build`/`show` open the embedded warehouse on a worker thread while the project loads
 * (adapter/chdb-ahead.ts): the commands give the same results with it, and one that ends up sending
 * nothing still creates no warehouse. Each command is a child process (chDB: one per directory).
 */

const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
});

function project(files: Record<string, string>): { p: InlineProject; warehouse: string } {
  const p = inlineProject(files);
  const warehouse = join(p.dir, '.warehouse');
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: ahead\n      threads: 2\n` });
  projects.push(p);
  return { p, warehouse };
}

const cli = (p: InlineProject, ...args: string[]) => runCli([...args, '--project-dir', p.dir], { cwd: p.dir, env: { NO_COLOR: '1', TSDBT_NO_CHDB_AHEAD: '' } });

describe('the embedded warehouse opened ahead by the CLI', () => {
  it('builds, rebuilds and shows the same rows when the warehouse exists before the command', () => {
    const { p } = project({
      'models/a.sql': "{{ config(materialized='table') }}\nselect number as id from numbers(3)",
      'models/b.sql': "select sum(id) as total from {{ ref('a') }}",
    });
    // The first run creates the warehouse (nothing opened ahead); the next ones open it ahead.
    for (let i = 0; i < 2; i++) {
      const r = cli(p, 'build');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/PASS=2 /);
    }
    p.write({ 'models/a.sql': "{{ config(materialized='table') }}\nselect number as id from numbers(5)" });
    expect(cli(p, 'run').code).toBe(0);
    const shown = cli(p, 'show', '--inline', "select total from {{ ref('b') }}", '--output', 'json');
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout).show).toEqual([{ total: 10 }]);
  });

  it('creates no warehouse for a run that selects nothing', () => {
    const { p, warehouse } = project({ 'models/a.sql': 'select 1 as id' });
    expect(cli(p, 'parse').code).toBe(0);
    const r = cli(p, 'run', '--select', 'tag:none');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Nothing to do/);
    expect(existsSync(warehouse)).toBe(false);
    expect(readdirSync(p.dir)).not.toContain('.warehouse');
  });

  it('runs a project with no profiles.yml (tsdbt’s default warehouse, opened before the project loads) as before', () => {
    const p = inlineProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect number as id from numbers(4)",
      'models/b.sql': "select count() as n from {{ ref('a') }}",
    });
    projects.push(p);
    p.remove('profiles.yml');
    for (let i = 0; i < 2; i++) {
      const r = cli(p, 'run');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/PASS=2 /);
    }
    expect(existsSync(join(p.dir, '.tsdbt', 'chdb'))).toBe(true);
    const shown = cli(p, 'show', '--inline', "select n from {{ ref('b') }}", '--output', 'json');
    expect(JSON.parse(shown.stdout).show).toEqual([{ n: 4 }]);
  });
});

describe('no chDB thread where this process will not open the warehouse', () => {
  /** A preload that reports, at exit, whether the process started the chDB thread and whether chDB's library was mapped. */
  const report = (p: InlineProject) => {
    p.write({ 'report.mjs': "process.on('exit', () => process.stderr.write(`AHEAD=${Boolean(globalThis[Symbol.for('tsdbt.chdbAhead')])} MAPPED=${require('node:fs').readFileSync('/proc/self/maps', 'utf8').includes('chdb_node.node')}\\n`));\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n" });
    return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(p.dir, 'report.mjs')}`.trim() };
  };

  it.runIf(process.platform === 'linux')('loads nothing of chDB while `tsdbt serve` holds the default warehouse (its endpoint answers)', async () => {
    const p = inlineProject({ 'models/a.sql': "{{ config(materialized='table') }}\nselect number as id from numbers(4)" });
    projects.push(p);
    p.remove('profiles.yml');
    expect(cli(p, 'run').code).toBe(0);
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--project-dir', p.dir], { cwd: p.dir, env: { ...process.env, NO_COLOR: '1' } });
    try {
      await new Promise<void>((done, fail) => {
        let out = '';
        server.stdout.on('data', (c) => ((out += c), /Serving the embedded warehouse/.test(out) && done()));
        server.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
      });
      const env = { NO_COLOR: '1', TSDBT_NO_CHDB_AHEAD: '', ...report(p) };
      const run = runCli(['run', '--project-dir', p.dir], { cwd: p.dir, env });
      expect(run.stdout).toMatch(/PASS=1 /);
      expect(run.stderr).toContain('AHEAD=false MAPPED=false');
      const shown = runCli(['show', '--inline', "select count() as n from {{ ref('a') }}", '--output', 'json', '--project-dir', p.dir], { cwd: p.dir, env });
      expect(JSON.parse(shown.stdout).show).toEqual([{ n: 4 }]);
      expect(shown.stderr).toContain('AHEAD=false MAPPED=false');
    } finally {
      const exited = new Promise((done) => server.on('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
    // Not held any more: the next command opens it ahead again.
    const again = runCli(['run', '--project-dir', p.dir], { cwd: p.dir, env: { NO_COLOR: '1', TSDBT_NO_CHDB_AHEAD: '', ...report(p) } });
    expect(again.stdout).toMatch(/PASS=1 /);
    expect(again.stderr).toContain('AHEAD=true MAPPED=true');
  }, 300_000);

  it.runIf(process.platform === 'linux')('starts no chDB thread for a server target', () => {
    const p = inlineProject({ 'models/a.sql': 'select 1 as id' });
    projects.push(p);
    p.write({ 'profiles.yml': 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      host: 127.0.0.1\n      port: 1\n' });
    const r = runCli(['run', '--select', 'tag:none', '--project-dir', p.dir], { cwd: p.dir, env: { NO_COLOR: '1', TSDBT_NO_CHDB_AHEAD: '', ...report(p) } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Nothing to do/);
    expect(r.stderr).toContain('AHEAD=false MAPPED=false');
  });
});
