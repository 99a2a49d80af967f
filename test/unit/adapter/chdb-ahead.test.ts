import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedGuess, opensWarehouse } from '../../../packages/cli/src/warehouse-commands.js';
import { ROOT } from '../../helpers/cli.js';
import { freshTempPath } from '../../helpers/inline-project.js';

/*
 * chDB opened ahead on a worker thread (adapter/chdb-ahead.ts). Each case runs in a child process
 * of its own (chDB binds one data directory per process; the worker lives until its process ends),
 * against the built module, with the client and chDB connection that warehouse-client.ts uses.
 */

const AHEAD = join(ROOT, 'packages/core/dist/adapter/chdb-ahead.js');

/** Runs an ES module script with `path`/`other` (two data directories) and AHEAD defined; its stdout's last line as JSON. */
function child(script: string, path: string, other = ''): unknown {
  const prelude = `
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
const require = createRequire(${JSON.stringify(join(ROOT, 'packages/core/package.json'))});
const { startChdbAhead, openChdbAhead, chdbOpenedAhead, chdbAheadStarted } = await import(${JSON.stringify(AHEAD)});
const { createClient } = require('@clickhouse/client');
const { createChdbConnection } = require('chdb/connection');
const path = ${JSON.stringify(path)};
const other = ${JSON.stringify(other)};
/** Whether another process can open the directory now (it cannot while this one holds it). */
const othersCanOpen = (dir) => spawnSync(process.execPath, ['-e', \`const { Session } = require('chdb'); new Session(\${JSON.stringify(dir)}).close()\`], { cwd: ${JSON.stringify(join(ROOT, 'packages/core'))}, encoding: 'utf8' }).status === 0;
const rows = async (client, sql) => (await (await client.query({ query: sql, format: 'JSONEachRow' })).json());
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', prelude + script], { encoding: 'utf8', env: { ...process.env, TSDBT_NO_CHDB_AHEAD: '' }, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('chDB opened ahead on a worker thread', () => {
  it('holds the directory before the main thread opens it; the main connections join it and keep it after the worker closes its own', () => {
    const path = freshTempPath('tsdbt-ahead');
    mkdirSync(path, { recursive: true });
    const out = child(
      `
const before = chdbAheadStarted();
startChdbAhead({ load: true });
const started = chdbAheadStarted();
openChdbAhead(path);
const release = await chdbOpenedAhead(path);
const heldByWorker = !othersCanOpen(path);
const clients = [0, 1].map(() => createClient({ connection: createChdbConnection({ path }) }));
release();
await new Promise((r) => setTimeout(r, 200));
await clients[0].command({ query: 'CREATE TABLE default.t (x Int32) ENGINE = MergeTree ORDER BY x' });
await clients[1].command({ query: 'INSERT INTO default.t SELECT number FROM numbers(5)' });
const [{ n }] = await rows(clients[0], 'SELECT sum(x) AS n FROM default.t');
const heldAfterRelease = !othersCanOpen(path);
await Promise.all(clients.map((c) => c.close()));
console.log(JSON.stringify({ before, started, released: typeof release, heldByWorker, n, heldAfterRelease, again: await chdbOpenedAhead(path) === undefined }));
`,
      path,
    );
    expect(out).toEqual({ before: false, started: true, released: 'function', heldByWorker: true, n: 10, heldAfterRelease: true, again: true });
  });

  it('closes the worker’s directory first when the main thread opens another one (one data directory per process)', () => {
    const path = freshTempPath('tsdbt-ahead-a');
    const other = freshTempPath('tsdbt-ahead-b');
    mkdirSync(path, { recursive: true });
    const out = child(
      `
startChdbAhead();
openChdbAhead(path);
const joined = await chdbOpenedAhead(other);
const client = createClient({ connection: createChdbConnection({ path: other }) });
const [{ one }] = await rows(client, 'SELECT 1 AS one');
await client.close();
console.log(JSON.stringify({ joined: joined === undefined, one, firstFree: othersCanOpen(path) }));
`,
      path,
      other,
    );
    expect(out).toEqual({ joined: true, one: 1, firstFree: true });
  });

  it('does nothing unless the CLI started the worker (a library user opens chDB as before)', () => {
    const path = freshTempPath('tsdbt-ahead-none');
    mkdirSync(path, { recursive: true });
    const out = child(
      `
openChdbAhead(path);
const joined = await chdbOpenedAhead(path);
console.log(JSON.stringify({ joined: joined === undefined, free: othersCanOpen(path) }));
`,
      path,
    );
    expect(out).toEqual({ joined: true, free: true });
  });

  it('is started by the commands that send statements, not by ls, compile or parse', () => {
    const argv = (...args: string[]) => ['node', 'cli.js', ...args];
    expect(opensWarehouse(argv('run', '--select', 'a'))).toBe(true);
    expect(opensWarehouse(argv('--project-dir', 'x', 'build'))).toBe(true);
    for (const c of ['test', 'seed', 'snapshot', 'show', 'run-operation', 'retry', 'watch']) expect(opensWarehouse(argv(c))).toBe(true);
    expect(opensWarehouse(argv('ls', '--select', 'run'))).toBe(false);
    expect(opensWarehouse(argv('compile'))).toBe(false);
    expect(opensWarehouse(argv('parse'))).toBe(false);
    expect(opensWarehouse(argv())).toBe(false);
  });

  it('loads chDB’s library at once only when the target is likely the embedded one, and opens tsdbt’s default directory at once when there is no profiles.yml', () => {
    const dir = freshTempPath('tsdbt-ahead-guess');
    const home = freshTempPath('tsdbt-ahead-home');
    mkdirSync(dir, { recursive: true });
    const env = { HOME: home };
    const argv = (...args: string[]) => ['node', 'cli.js', 'run', ...args];
    // no profiles.yml: the embedded default; its directory only once it exists
    expect(embeddedGuess(argv('--project-dir', dir), env)).toEqual({ embedded: true });
    const warehouse = join(dir, '.tsdbt', 'chdb');
    mkdirSync(warehouse, { recursive: true });
    expect(embeddedGuess(argv('--project-dir', dir), env)).toEqual({ embedded: true, path: warehouse });
    expect(embeddedGuess(argv(`--project-dir=${dir}`), env)).toEqual({ embedded: true, path: warehouse });
    expect(embeddedGuess(argv(), { ...env, DBT_PROJECT_DIR: dir })).toEqual({ embedded: true, path: warehouse });
    // held by another live process (its pid in the status file): neither opened nor chDB's library loaded here (that
    // process's endpoint is used)
    writeFileSync(join(warehouse, 'status'), `PID: ${process.ppid}\nStarted at: now\n`);
    expect(embeddedGuess(argv('--project-dir', dir), env)).toEqual({ embedded: false });
    writeFileSync(join(warehouse, 'status'), `PID: ${process.pid}\n`);
    expect(embeddedGuess(argv('--project-dir', dir), env)).toEqual({ embedded: true, path: warehouse });
    // a profiles.yml: chdb named or not; its path is the load's to resolve
    writeFileSync(join(dir, 'profiles.yml'), 'p:\n  target: dev\n  outputs:\n    dev:\n      type: clickhouse\n      host: localhost\n');
    expect(embeddedGuess(argv('--project-dir', dir), env)).toEqual({ embedded: false });
    writeFileSync(join(dir, 'profiles.yml'), 'p:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n');
    expect(embeddedGuess(argv('--project-dir', dir), env)).toEqual({ embedded: true });
    // --profiles-dir (or DBT_PROFILES_DIR) is the only place looked at when given
    const profiles = freshTempPath('tsdbt-ahead-profiles');
    mkdirSync(profiles, { recursive: true });
    writeFileSync(join(profiles, 'profiles.yml'), 'p:\n  outputs:\n    dev:\n      type: clickhouse\n');
    expect(embeddedGuess(argv('--project-dir', dir, '--profiles-dir', profiles), env)).toEqual({ embedded: false });
    expect(embeddedGuess(argv('--project-dir', dir), { ...env, DBT_PROFILES_DIR: profiles })).toEqual({ embedded: false });
  });

  it('never crashes a process that ends while the worker is still loading chDB’s library (it waits for the load)', () => {
    // `tsdbt run --threads abc` ends before the worker's process.dlopen of chDB does: chDB's addon then failed its Init on
    // the dying thread, a fatal error (exit 134). Here the process ends as soon as the library is mapped, inside the load.
    const script = `
import { readFileSync } from 'node:fs';
const { startChdbAhead } = await import(${JSON.stringify(AHEAD)});
startChdbAhead({ load: true });
const poll = () => (readFileSync('/proc/self/maps', 'utf8').includes('chdb_node.node') ? process.exit(3) : setTimeout(poll, 1));
poll();`;
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect({ status: r.status, fatal: /FATAL/.test(r.stderr) }).toEqual({ status: 3, fatal: false });
    }
  });
});
