import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openedPerTest } from '../helpers/inline-project.js';
import { serverProfile, SKIP_SERVER_TESTS, startClickHouseServer, type ClickHouseServer } from './clickhouse-server.js';

/*
 * On a real 18.16 server: ClickHouse runs a write on when its HTTP request is closed, so Ctrl-C only
 * closing it let a pre-hook's INSERT write after the run had said it was stopped. The run KILLs its
 * statements and returns once they have ended.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: a stopped run', () => {
  let server: ClickHouseServer;
  beforeAll(async () => {
    server = await startClickHouseServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const setup = openedPerTest((p) => p.write({ 'profiles.yml': serverProfile({ port: server.port, schema: p.schema }) }));

  it('stops its statements on the server before it returns: nothing of them runs or writes afterwards', async () => {
    const { p, project } = setup({
      // The pre-hook writes 120 rows in 30 s if nothing stops it.
      'models/m.sql':
        "{{ config(materialized='table', pre_hook=\"insert into {{ this.schema }}.hook_log select number from numbers(120) where sleepEachRow(0.25) = 0 settings max_block_size = 1\") }}\nselect 1 as x",
    });
    await server.query(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await server.query(`CREATE TABLE ${p.schema}.hook_log (n UInt64) ENGINE = MergeTree ORDER BY n`);
    const hookRunning = async () => Number((await server.query(`SELECT count() FROM system.processes WHERE query LIKE '%insert into ${p.schema}.hook_log%' AND query NOT LIKE '%system.processes%'`)).trim());
    const client = (await project.adapter()).client;
    const controller = new AbortController();
    let seen = false;
    client.observe!((sql) => {
      if (seen || !/^insert into .*hook_log/.test(sql)) return;
      seen = true;
      // Stopped once the server runs it (no clock involved).
      void (async () => {
        for (let i = 0; i < 3000 && (await hookRunning()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
        controller.abort();
      })();
    });
    const result = await project.run({ select: ['m'], signal: controller.signal });
    expect(seen).toBe(true);
    expect(result.interrupted).toBe(true);
    expect(result.results.map((r) => [r.node.name, r.status])).toEqual([['m', 'error']]);
    // Returned: the server runs nothing of it any more (it would for another ~25 s), and its rows are final.
    expect(await hookRunning()).toBe(0);
    expect(Number((await server.query(`SELECT count() FROM ${p.schema}.hook_log`)).trim())).toBeLessThan(120);
  }, 240_000);
});
