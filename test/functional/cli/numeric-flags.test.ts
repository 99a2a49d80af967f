import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { freshTempPath, inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * Numeric flags are checked at the edge: a bad value exits 2 with one clear line before anything
 * runs (issue #18: `--threads abc` printed "NaN threads" and exited 13; `--threads 0` ran).
 * The CLI runs in child processes on a warehouse of this file's own.
 */
const WAREHOUSE = freshTempPath('tsdbt-flags-warehouse');
const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
  rmSync(WAREHOUSE, { recursive: true, force: true });
});

function project(): InlineProject {
  const p = inlineProject({ 'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id" });
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n      threads: 2\n` });
  projects.push(p);
  return p;
}

function cli(p: InlineProject, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('numeric flags', () => {
  const cases: [string[], RegExp][] = [
    [['run', '--threads', 'abc'], /--threads must be a positive whole number, got 'abc'/],
    [['run', '--threads', '0'], /--threads must be a positive whole number, got '0'/],
    [['build', '--threads', '-3'], /--threads must be a positive whole number, got '-3'/],
    [['seed', '--threads', '2.5'], /--threads must be a positive whole number, got '2\.5'/],
    [['test', '--threads', '1e3'], /--threads must be a positive whole number, got '1e3'/],
    [['source', 'load', '--threads', 'x'], /--threads must be a positive whole number/],
    [['show', '--select', 'a', '--limit', 'ten'], /--limit must be a whole number of 0 or more, or -1 for all rows, got 'ten'/],
    [['show', '--select', 'a', '--limit', '-2'], /--limit must be a whole number/],
    [['serve', '--port', '99999'], /--port must be a whole number from 0 to 65535, got '99999'/],
    [['docs', 'serve', '--port', 'http'], /--port must be a whole number from 0 to 65535, got 'http'/],
    [['watch', '--debounce', 'soon'], /--debounce must be a whole number from 0 to 60000, got 'soon'/],
    [['watch', '--serve', '80.5'], /--serve must be a whole number from 0 to 65535, got '80\.5'/],
    [['lineage', 'a.id', '--depth', '0'], /--depth must be a positive whole number, got '0'/],
  ];
  it.each(cases)('tsdbt %j exits 2 with a clear message and does nothing', (args, message) => {
    const p = project();
    const r = cli(p, ...args);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint: Write e\.g\. --\w+ \d+\./);
    expect(r.stderr).not.toMatch(/NaN|^\s+at /m);
    expect(r.code).toBe(2);
    // nothing ran: no artifacts, no warehouse opened
    expect(existsSync(join(p.dir, 'target'))).toBe(false);
  });

  it('a valid value still works (--threads 1, --limit -1)', () => {
    const p = project();
    const run = cli(p, 'run', '--threads', '1');
    expect(run.stdout).toMatch(/Concurrency: 1 threads/);
    expect(run.code).toBe(0);
    const show = cli(p, 'show', '--select', 'a', '--limit', '-1', '--output', 'json');
    expect(JSON.parse(show.stdout).show).toEqual([{ id: 1 }]);
    expect(show.code).toBe(0);
  });

  it('threads: abc in profiles.yml is a project error naming the file and line', () => {
    const p = project();
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n      threads: abc\n` });
    const r = cli(p, 'run');
    expect(r.stderr).toMatch(/profiles\.yml:8: Target 'dev': threads must be a positive whole number, got 'abc'/);
    expect(r.stderr).toMatch(/hint: Write e\.g\. threads: 4\./);
    expect(r.code).toBe(2);
  });
});

describe('tsdbt debug', () => {
  it('shows only the keys of a chdb target and passes', () => {
    const p = project();
    const r = cli(p, 'debug');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}type: chdb$/m);
    expect(r.stdout).toMatch(/^ {2}path: /m);
    // a chdb target has no host, port, user, password or secure
    expect(r.stdout).not.toMatch(/^ {2}(host|port|user|password|secure):/m);
    expect(r.stdout).toMatch(/Connection test: \[OK connection ok\]/);
    expect(r.stdout).toMatch(/All checks passed!/);
  });

  it('a failed connection is reported as failed, with exit 1 and no "All checks passed!"', () => {
    const p = project();
    // port 1 on loopback: nothing listens there
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      host: 127.0.0.1\n      port: 1\n      schema: ${p.schema}\n` });
    const r = cli(p, 'debug');
    expect(r.stdout).toMatch(/Connection test: \[ERROR\]/);
    expect(r.stdout).toMatch(/Create database '\w+': \[SKIPPED: an earlier check failed\]/);
    expect(r.stdout).toMatch(/1 check failed:\nConnection test: Error: Cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1/);
    expect(r.stdout).not.toMatch(/All checks passed/);
    // a server target shows its connection keys, and no chdb path
    expect(r.stdout).toMatch(/^ {2}host: 127\.0\.0\.1$/m);
    expect(r.stdout).toMatch(/^ {2}port: 1$/m);
    expect(r.stdout).not.toMatch(/^ {2}path:/m);
    expect(r.code).toBe(1);
  });
});
