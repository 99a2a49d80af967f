import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIdOf } from '../../packages/core/src/adapter/run-owner.js';
import { CLI } from '../helpers/cli.js';
import { expectStatuses, inlineProject, openedPerTest, queryRows } from '../helpers/inline-project.js';
import { PASSWORD, serverProfile, SKIP_SERVER_TESTS, startClickHouseServer, type ClickHouseServer } from './clickhouse-server.js';

/*
 * On a real 18.16 server: runs that share a schema own their temporaries, and a frozen server is a
 * clear error instead of a run that waits forever.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: owned temporaries, a frozen server', () => {
  let server: ClickHouseServer;
  beforeAll(async () => {
    server = await startClickHouseServer();
  });
  afterAll(async () => {
    server?.resume();
    await server?.stop();
  });
  const setup = openedPerTest((p, extra: string = '') => p.write({ 'profiles.yml': serverProfile({ port: server.port, schema: p.schema }) + extra }));

  /** `tsdbt run` in its own process; resolves with its exit code and output. */
  const cliRun = (dir: string) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'run', '--project-dir', dir, '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (out += String(d)));
      child.on('exit', (code) => resolve({ code, out }));
    });

  it("two runs on one schema at the same time never drop each other's temporaries", async () => {
    // Each model takes ~1 s to build: the two runs stage the same models side by side.
    const slow = (n: number) => `{{ config(materialized='table') }}\nselect number as n, sleepEachRow(0.05) as z from numbers(${n}) settings max_block_size = 1`;
    const files = {
      'models/a.sql': slow(20),
      'models/b.sql': slow(20),
      'models/c.sql': "{{ config(materialized='incremental', unique_key='n') }}\nselect n, z from {{ ref('a') }}",
      'models/d.sql': slow(20),
    };
    const p = inlineProject(files);
    p.write({ 'profiles.yml': serverProfile({ port: server.port, schema: p.schema }) });
    const twin = inlineProject(files);
    cpSync(p.dir, twin.dir, { recursive: true }); // same project, same schema, another folder (its own target/)
    try {
      for (let round = 0; round < 3; round++) {
        const [one, two] = await Promise.all([cliRun(p.dir), cliRun(twin.dir)]);
        // Before: 5 of 5 trials failed with "Table …__tsdbt_tmp_<other run> doesn't exist".
        expect(one.out, one.out).not.toMatch(/doesn't exist/);
        expect(two.out, two.out).not.toMatch(/doesn't exist/);
        expect([one.code, two.code], `${one.out}\n${two.out}`).toEqual([0, 0]);
      }
      const tables = (await server.query(`SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).trim().split('\n');
      expect(tables).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      p.cleanup();
      twin.cleanup();
    }
  }, 120_000);

  it("another machine's temporaries are kept while younger than temporaries_max_age or while a statement of theirs runs", async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    await server.query(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    // A run of another machine (a machine tag that is not ours): nothing here can prove it dead.
    const foreign = 'f00d_abcdef_1a_2b';
    const busy = 'beef_abcdef_3c_4d';
    for (const id of [foreign, busy]) await server.query(`CREATE TABLE ${p.schema}.\`t__tsdbt_tmp_${id}\` (x UInt8) ENGINE = MergeTree ORDER BY x`);
    expectStatuses(await project.run(), { t: 'success' });
    const names = async () => (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name);
    expect(await names()).toEqual(['t', `t__tsdbt_tmp_${busy}`, `t__tsdbt_tmp_${foreign}`]);

    // With temporaries_max_age: 0 they are old enough; the one whose run still has a statement running stays.
    p.write({ 'profiles.yml': serverProfile({ port: server.port, schema: p.schema }) + '      temporaries_max_age: 0\n' });
    const running = fetch(`http://127.0.0.1:${server.port}/?query_id=tsdbt-${busy}-1`, {
      method: 'POST',
      body: 'SELECT sleepEachRow(0.2) FROM numbers(20) SETTINGS max_block_size = 1 FORMAT Null',
      headers: { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': PASSWORD },
    });
    await new Promise((r) => setTimeout(r, 300));
    const later = setup.reopen(p);
    expectStatuses(await later.run(), { t: 'success' });
    expect(await names()).toEqual(['t', `t__tsdbt_tmp_${busy}`]);
    await running;
    expectStatuses(await setup.reopen(p).run(), { t: 'success' });
    expect(await names()).toEqual(['t']);
    expect(runIdOf(process.pid, 'x')).not.toContain('abcdef');
  }, 60_000);

  it('a frozen server (SIGSTOP) fails the statement in flight with a clear error after liveness_timeout, not never', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" }, '      liveness_timeout: 2\n');
    expectStatuses(await project.run(), { t: 'success' });
    try {
      // Before: the run never ended (the test's timeout is the only bound; no clock assertion).
      // Frozen once the run is under way (the connection check before it passed): the model's statement is in flight.
      const frozen = p.open({ onEvent: (e) => (e.type === 'node_started' ? server.pause() : undefined) });
      setup.track({ ...p, cleanup: () => {} }, frozen);
      const r = await frozen.run();
      expectStatuses(r, { t: 'error' });
      expect(r.results[0]!.message).toMatch(/has not answered for 2 s \(no reply to \/ping\): the server is frozen or unreachable/);
    } finally {
      server.resume();
    }
    expectStatuses(await setup.reopen(p).run(), { t: 'success' });
  }, 90_000);

  it('a server frozen before the run fails it once, before any node starts', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" }, '      liveness_timeout: 2\n');
    expectStatuses(await project.run(), { t: 'success' });
    server.pause();
    const events: string[] = [];
    try {
      const frozen = p.open({ onEvent: (e) => events.push(e.type) });
      setup.track({ ...p, cleanup: () => {} }, frozen);
      await expect(frozen.run()).rejects.toThrow(/has not answered for 2 s \(no reply to \/ping\)/);
      expect(events).not.toContain('node_started');
    } finally {
      server.resume();
    }
  }, 90_000);
});
