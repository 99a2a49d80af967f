import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionError, type RunEvent, type TsdbtProject } from '../../packages/core/src/index.js';
import { expectStatuses, inlineProject, openedPerTest, queryRows, statuses } from '../helpers/inline-project.js';
import { freePort, OTHER_PASSWORD, OTHER_USER, serverProfile, SKIP_SERVER_TESTS, startClickHouseServer, type ClickHouseServer } from './clickhouse-server.js';

/*
 * Connection failures against a real clickhouse-server started by this file: wrong credentials,
 * nothing listening, and the server killed in the middle of a run.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: connection failures', () => {
  let server: ClickHouseServer;

  beforeAll(async () => {
    server = await startClickHouseServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const setup = openedPerTest((p, profile: Partial<Parameters<typeof serverProfile>[0]> = {}) =>
    p.write({ 'profiles.yml': serverProfile({ port: server.port, schema: p.schema, ...profile }) }),
  );


  /** The error debug() reports for its connection check (a failed check is reported, not thrown). */
  async function connectionFailure(project: TsdbtProject): Promise<unknown> {
    const report = await project.debug();
    expect(report.success).toBe(false);
    const check = report.checks.find((c) => c.name === 'connection')!;
    expect(check.status).toBe('error');
    return check.error;
  }

  it('a second user with its own password connects', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" }, { user: OTHER_USER, password: OTHER_PASSWORD });
    expectStatuses(await project.run(), { t: 'success' });
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.t`)).toEqual([{ x: 1 }]);
  });

  it('a wrong password is a ConnectionError auth_failed with a hint, not a server dump', async () => {
    const { project } = setup({ 'models/t.sql': 'select 1 as x' }, { password: 'not-the-password' });
    // nothing else is printed: no client log lines with a stack on stderr
    const printed = (['error', 'warn', 'info', 'debug', 'log'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    const error = await connectionFailure(project).finally(() => printed.forEach((s) => s.mockRestore()));
    for (const spy of printed) expect(spy.mock.calls).toEqual([]);
    expect(error).toBeInstanceOf(ConnectionError);
    const e = error as ConnectionError;
    expect(e.code).toBe('auth_failed');
    expect(e.message).toBe(`Authentication failed for user 'default' on ClickHouse at http://127.0.0.1:${server.port}`);
    expect(e.hint).toMatch(/user and password in profiles\.yml/);
    expect(e.message).not.toMatch(/not-the-password|DB::Exception|\n\s+at /);

    // A run fails once with the same clear error before any node starts (the CLI prints it without a stack, exit 2).
    await expect(project.run()).rejects.toThrow(e.message);

    // an unknown user is an auth failure too
    const other = setup({ 'models/t.sql': 'select 1 as x' }, { user: 'nobody', password: 'x' });
    const e2 = (await connectionFailure(other.project)) as ConnectionError;
    expect(e2).toBeInstanceOf(ConnectionError);
    expect(e2.code).toBe('auth_failed');
    expect(e2.message).toMatch(/user 'nobody'/);
  });

  it('a closed port is a ConnectionError unreachable', async () => {
    const port = await freePort();
    const { project } = setup({ 'models/t.sql': 'select 1 as x' }, { port });
    const error = await connectionFailure(project);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('unreachable');
    expect((error as ConnectionError).message).toBe(`Cannot reach ClickHouse at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect((error as ConnectionError).hint).toMatch(/server is running/);
    await expect(project.run()).rejects.toThrow(/^Cannot reach ClickHouse at/);
  });

  it('the server killed mid-run: a clean failed run (error/skipped), then a rerun after restart succeeds', async () => {
    const events: RunEvent[] = [];
    const files = {
      'models/fast.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(10)",
      // sleep() is capped at 3 s per block; two blocks of one row make a ~3 s build
      'models/slow.sql': "{{ config(materialized='table') }}\nselect number as n, sleep(1.5) as s from numbers(2) settings max_block_size = 1",
      'models/child.sql': "{{ config(materialized='table') }}\nselect count() as c from {{ ref('slow') }} where n in (select n from {{ ref('fast') }})",
      'models/other.sql': "{{ config(materialized='view') }}\nselect 1 as x",
    };
    const p = inlineProject(files);
    p.write({ 'profiles.yml': serverProfile({ port: server.port, schema: p.schema, threads: 1 }) });
    const project = p.open({ onEvent: (e) => events.push(e) });
    setup.track(p, project);

    // a first good run, so there is a previous `slow` to keep
    expectStatuses(await project.run({ select: ['fast'] }), { fast: 'success' });

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const running = project.run();
      // kill the server once `slow` has been running for a moment
      await waitFor(() => events.some((e) => e.type === 'node_started' && e.node.name === 'slow'), 20_000);
      await new Promise((r) => setTimeout(r, 700));
      await server.kill();
      const result = await running;
      expect(result.success).toBe(false);
      expect(result.interrupted).toBe(false);
      const byName = statuses(result);
      expect(byName.slow, JSON.stringify(result.results.map((r) => [r.node.name, r.status, r.message]))).toBe('error');
      expect(byName.child).toBe('skipped');
      expect(['success', 'error']).toContain(byName.fast);
      expect(['success', 'error']).toContain(byName.other);
      const slow = result.results.find((r) => r.node.name === 'slow')!;
      expect(slow.message).toMatch(/^(Lost the connection to|Cannot reach) ClickHouse at http:\/\/127\.0\.0\.1:/);
      expect(slow.message).not.toMatch(/\n\s+at /);
      const child = result.results.find((r) => r.node.name === 'child')!;
      expect(child.message).toBe('skipped because model.proj.slow did not succeed');

      // while it is down: unreachable
      const down = (await connectionFailure(project)) as ConnectionError;
      expect(down).toBeInstanceOf(ConnectionError);
      expect(down.code).toBe('unreachable');

      await server.restart();
      // the same project (same client and its pooled sockets) runs again once the server is back
      const rerun = await project.run();
      expectStatuses(rerun, { fast: 'success', slow: 'success', child: 'success', other: 'success' });
      expect(await queryRows(project, `SELECT c FROM ${p.schema}.child`)).toEqual([{ c: '2' }]);
      // nothing left over from the killed build
      const names = await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`);
      expect(names.map((t) => t.name)).toEqual(['child', 'fast', 'other', 'slow']);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
