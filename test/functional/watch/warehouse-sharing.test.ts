import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readServeInfo, serveInfoPath } from '../../../packages/core/src/adapter/serve-endpoint.js';
import { CLI, ROOT } from '../../helpers/cli.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { curl, runProcess } from '../../helpers/serve-client.js';

/*
 * Issue 16: while one tsdbt process holds an embedded warehouse (chDB allows one process per data
 * directory), every other tsdbt command on the same target goes through it instead of failing on
 * ClickHouse's lock. Each test's holder runs in a child process with a warehouse of its own.
 */

const projects: InlineProject[] = [];
const children: ChildProcess[] = [];

function project(files: Record<string, string>): { p: InlineProject; path: string } {
  const p = inlineProject(files);
  const path = join(p.dir, '.warehouse');
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${path}\n      schema: shared\n` });
  projects.push(p);
  return { p, path };
}

function start(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  return { child, output: () => text, exited: new Promise((done) => child.on('exit', (code) => done(code))) };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    if (i > 600) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const show = (p: InlineProject, sql: string) => runProcess(process.execPath, [CLI, 'show', '--project-dir', p.dir, '--inline', sql, '--output', 'json']);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const p of projects) p.cleanup();
});

describe('the embedded warehouse is never locked away', () => {

  it('answers a second command while a plain `tsdbt watch` holds the warehouse', async () => {
    const { p, path } = project({ 'models/a.sql': 'select 1 as id' });
    const watch = start(['watch', '--project-dir', p.dir]);
    await until(() => (/Watching/.test(watch.output()) ? true : undefined), 'watch to start');
    const r = await show(p, "select count() as n from {{ ref('a') }}");
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).show).toEqual([{ n: 1 }]);
    // A whole build goes through the watcher too.
    p.write({ 'models/b.sql': "select id * 10 as x from {{ ref('a') }}" });
    const build = await runProcess(process.execPath, [CLI, 'build', '--select', 'b', '--project-dir', p.dir]);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(JSON.parse((await show(p, "select x from {{ ref('b') }}")).stdout).show).toEqual([{ x: 10 }]);
    // The endpoint is for tsdbt processes of this user only: a token in a 0600 file.
    const info = readServeInfo(path)!;
    expect(info.pid).toBe(watch.child.pid);
    expect(statSync(serveInfoPath(path)).mode & 0o777).toBe(0o600);
    expect(info.host).toBe('127.0.0.1');
    const anonymous = await curl([`${info.url}/?query=SELECT+1`]);
    expect(anonymous.status).toBe(401);
    const page = await curl([`${info.url}/`, '-H', `X-ClickHouse-Key: ${info.token}`, '-H', 'Origin: http://evil.example', '--data-binary', 'SELECT 1']);
    expect(page.status).toBe(403);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    expect(existsSync(serveInfoPath(path))).toBe(false);
  });

  it('answers a second command while a long `tsdbt build` holds the warehouse', async () => {
    const { p, path } = project({
      // Long enough for a loaded machine (about a minute); the test interrupts it once the answer came.
      'models/slow.sql': "{{ config(materialized='table') }} select sleepEachRow(0.5) as s from numbers(120) settings max_block_size = 1",
      'models/fast.sql': 'select 42 as answer',
    });
    const build = start(['build', '--project-dir', p.dir, '--threads', '1', '--select', 'slow']);
    await until(() => (readServeInfo(path)?.pid === build.child.pid ? true : undefined), 'the build to share its warehouse');
    const r = await show(p, 'select 6 * 7 as answer');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).show).toEqual([{ answer: 42 }]);
    expect(build.child.exitCode).toBeNull(); // the answer came while the build held the warehouse
    // Ctrl-C: the build stops its statement and exits as an interrupted run does.
    build.child.kill('SIGINT');
    expect(await build.exited).toBe(2);
    expect(existsSync(serveInfoPath(path))).toBe(false);
  });

  it('takes the warehouse over when the process it went through ends', async () => {
    const { p, path } = project({ 'models/a.sql': 'select 1 as id' });
    const first = start(['watch', '--project-dir', p.dir]);
    await until(() => (/Watching/.test(first.output()) ? true : undefined), 'the first watch');
    // The second watch connects at once, through the first.
    const second = start(['watch', '--project-dir', p.dir, '--no-initial']);
    await until(() => (/Watching/.test(second.output()) ? true : undefined), 'the second watch');
    expect(readServeInfo(path)?.pid).toBe(first.child.pid);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    // The next rebuild of the second watch finds nobody to go through: it opens the directory and shares it.
    p.write({ 'models/a.sql': 'select 2 as id' });
    await until(() => (readServeInfo(path)?.pid === second.child.pid ? true : undefined), 'the second watch to hold the warehouse');
    const answer = await until(async () => {
      const r = await show(p, "select id from {{ ref('a') }}");
      return r.code === 0 && JSON.parse(r.stdout).show[0]?.id === 2 ? r : undefined;
    }, 'the rebuilt model');
    expect(answer.stderr).toBe('');
    expect(second.output()).not.toMatch(/holder_ended|ERROR=[1-9]/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('says so when the holder dies during a statement, and goes on without it', async () => {
    const { p, path } = project({
      'models/slow.sql': "{{ config(materialized='table') }} select sleepEachRow(0.5) as s from numbers(120) settings max_block_size = 1",
      'models/zz_after.sql': "{{ config(materialized='table') }} select 1 as n",
    });
    const holder = start(['watch', '--project-dir', p.dir, '--select', 'nothing_at_all']);
    await until(() => (readServeInfo(path)?.pid === holder.child.pid ? true : undefined), 'the watch to share its warehouse');
    const build = start(['build', '--project-dir', p.dir, '--threads', '1']);
    await until(() => (/START .*slow/.test(build.output()) ? true : undefined), 'the slow model to start');
    // START is printed before the statement is sent: wait until the holder is running it (a loaded
    // machine can take seconds in between), so the kill really cuts a statement in flight.
    await until(async () => {
      const r = await show(p, "select count() as c from system.processes where query like '%sleepEachRow(0.5)%' and query not like '%system.processes%'");
      return r.code === 0 && Number(JSON.parse(r.stdout).show[0]?.c) > 0 ? true : undefined;
    }, 'the slow statement to run in the holder');
    holder.child.kill('SIGKILL');
    expect(await build.exited).toBe(1);
    expect(build.output()).toMatch(/held the embedded warehouse .* ended during a statement/);
    // The build went on without it: the next model ran on the warehouse it then opened itself.
    expect(build.output()).toMatch(/ERROR creating .*slow[\s\S]*OK created .*zz_after/);
    expect(JSON.parse((await show(p, "select n from {{ ref('zz_after') }}")).stdout).show).toEqual([{ n: 1 }]);
  });

  it('names the holding process and what to do when it cannot go through it', async () => {
    const { p, path } = project({ 'models/a.sql': 'select 1 as id' });
    // Something other than tsdbt holds the directory: it shares nothing.
    const holder = spawn(
      process.execPath,
      ['-e', `const { Session } = require('chdb'); const s = new Session(${JSON.stringify(path)}); s.query('SELECT 1'); console.log('held'); setInterval(() => {}, 1000);`],
      { cwd: ROOT, env: { ...process.env } },
    );
    children.push(holder);
    await new Promise<void>((done) => holder.stdout!.on('data', (c) => (String(c).includes('held') ? done() : undefined)));
    const r = await show(p, 'select 1 as one');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`process ${holder.pid}`);
    expect(r.stderr).toMatch(/node -e/);
    expect(r.stderr).not.toMatch(/Cannot lock file/);
    expect(r.stderr).not.toMatch(/Failed to create connection/);
    holder.kill('SIGKILL');
  });
});
