import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runIdOf } from '../../../packages/core/src/adapter/run-owner.js';
import { Staging } from '../../../packages/core/src/adapter/staging.js';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * The shared stage → check → swap module (adapter/staging.ts) and the ownership of temporaries
 * (adapter/temporaries.ts, adapter/run-owner.ts) on the embedded engine.
 */
const setup = openedPerTest();

const names = async (project: TsdbtProject, schema: string) =>
  (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`)).map((r) => r.name);

describe('owned temporaries', () => {
  it("a run never drops a temporary another live build holds (here: another project's, same process, same schema)", async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    // Another build of `t` (another run) is half-way: its temporary exists and is held.
    const other = setup.reopen(p);
    const otherAdapter = await other.adapter();
    await otherAdapter.ensureDatabase(p.schema);
    const staging = new Staging(otherAdapter, { schema: p.schema, identifier: 't' });
    const staged = await staging.createTableAs('select 2 as x', {});
    expectStatuses(await project.run(), { t: 'success' });
    // Before: dropLeftovers() matched every `t__tsdbt_tmp_*` and dropped the live one.
    expect(await names(project, p.schema)).toEqual(['t', staged.identifier]);
    await staging.swap(staged);
    await staging.dispose();
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.t`)).toEqual([{ x: 2 }]);
    expect(await names(project, p.schema)).toEqual(['t']);
  });

  it('drops the temporaries of a process that died on this machine and keeps those of one that runs', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    const alive = spawn('sleep', ['60'], { stdio: 'ignore' });
    const gone = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
    try {
      const liveId = runIdOf(alive.pid!, 'a1');
      const deadId = runIdOf(Number(gone.stdout.trim()), 'd1');
      expect(liveId).toMatch(/^a1_[0-9a-f]{6}_/); // this machine can be named (Linux)
      const adapter = await project.adapter();
      await adapter.ensureDatabase(p.schema);
      for (const id of [liveId, deadId])
        await adapter.client.command(`CREATE TABLE ${p.schema}.\`t__tsdbt_tmp_${id}\` (x UInt8) ENGINE = MergeTree ORDER BY tuple()`);
      expectStatuses(await project.run(), { t: 'success' });
      expect(await names(project, p.schema)).toEqual(['t', `t__tsdbt_tmp_${liveId}`]);
      alive.kill('SIGKILL');
      await new Promise((r) => alive.once('exit', r));
      expectStatuses(await project.run(), { t: 'success' });
      expect(await names(project, p.schema)).toEqual(['t']);
    } finally {
      alive.kill('SIGKILL');
    }
  });

  it("a run sweeps each database once, before its first model, not once per model (a dead run's leftovers still go first)", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`models/t${i}.sql`] = `{{ config(materialized='table') }}\nselect ${i} as x`;
    const { p, project } = setup(files);
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    const dead = runIdOf(Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim()), 'd2');
    await adapter.client.command(`CREATE TABLE ${p.schema}.\`t3__tsdbt_tmp_${dead}\` (x UInt8) ENGINE = MergeTree ORDER BY tuple()`);
    const query = adapter.client.query.bind(adapter.client);
    let sweeps = 0;
    adapter.client.query = ((sql: string, o?: unknown) => {
      if (/FROM system\.tables WHERE database = .* AND \(position\(name, '__tsdbt_tmp_'\)/.test(sql)) sweeps++;
      return query(sql, o as never);
    }) as typeof adapter.client.query;
    expectStatuses(await project.run(), { t0: 'success', t1: 'success', t2: 'success', t3: 'success', t4: 'success' });
    expect(sweeps).toBe(1);
    expect(await names(project, p.schema)).toEqual(['t0', 't1', 't2', 't3', 't4']);
    await project.run();
    expect(sweeps).toBe(2); // the next run sweeps again
  });

  it('a rebuild frees the previous version at once (DROP … SYNC): nothing waits in system.dropped_tables', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as x from numbers(1000)" });
    for (let i = 0; i < 3; i++) expectStatuses(await project.run(), { t: 'success' });
    // Before: each EXCHANGE left the previous table to Atomic's delayed drop (8 minutes, its disk kept).
    expect(await queryRows(project, `SELECT count() AS n FROM system.dropped_tables WHERE database = '${p.schema}'`)).toEqual([{ n: '0' }]);
  });
});

describe('capability probes', () => {
  it('a failed EXCHANGE probe falls back to a rename for that swap only; the next swap asks again', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    expectStatuses(await project.run(), { t: 'success' });
    const adapter = await project.adapter();
    const client = adapter.client as { query: (sql: string, ...rest: never[]) => Promise<unknown>; command: (sql: string, ...rest: never[]) => Promise<unknown> };
    const [query, command] = [client.query, client.command];
    const sent: string[] = [];
    let failProbe = true;
    client.query = (sql: string, ...rest: never[]) => {
      if (failProbe && sql.includes('FROM system.databases')) {
        failProbe = false;
        return Promise.reject(new Error('Timeout exceeded while reading from socket'));
      }
      return query.call(client, sql, ...rest);
    };
    client.command = (sql: string, ...rest: never[]) => (sent.push(sql), command.call(client, sql, ...rest));
    try {
      expectStatuses(await project.run(), { t: 'success' });
      expect(sent.filter((s) => /^(EXCHANGE|RENAME)/.test(s)).map((s) => s.split(' ')[0])).toEqual(['RENAME']);
      sent.length = 0;
      expectStatuses(await project.run(), { t: 'success' });
      // Before: the failed probe was cached as "cannot exchange" for the adapter's lifetime.
      expect(sent.filter((s) => /^(EXCHANGE|RENAME)/.test(s)).map((s) => s.split(' ')[0])).toEqual(['EXCHANGE']);
    } finally {
      client.query = query;
      client.command = command;
    }
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.t`)).toEqual([{ x: 1 }]);
  });
});
