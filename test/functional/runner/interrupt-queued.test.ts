import { drainPending, Session } from 'chdb';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineProject, WAREHOUSE_DIR } from '../../helpers/inline-project.js';

/*
 * chDB runs async statements on libuv's thread pool and cannot interrupt a call. A statement still
 * queued for a thread when a run is stopped starts later: the run used to give up waiting for it at
 * once, clean up and close, and nothing stopped it then — a CREATE … AS SELECT left its temporary
 * (the official CI's interrupt.test.ts flake), an INSERT wrote after the run had said it was stopped.
 * Here the pool is held, deterministically, by statements of the test's own.
 */
describe('a run stopped while its statement waits for one of the engine’s threads', () => {
  const p = inlineProject({
    // The pre-hook writes 120 rows in 30 s if nothing stops it.
    'models/m.sql':
      "{{ config(materialized='table', pre_hook=\"insert into {{ this.schema }}.hook_log select number from numbers(120) where sleepEachRow(0.25) = 0 settings max_block_size = 1\") }}\nselect 1 as x",
  });
  afterAll(() => p.cleanup());

  it('is stopped in the engine before the run returns: nothing of it writes afterwards, no temporary is left', async () => {
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    const holders = Array.from({ length: threads }, () => new Session(WAREHOUSE_DIR));
    const project = p.open();
    const client = (await project.adapter()).client;
    await client.command(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await client.command(`CREATE TABLE ${p.schema}.hook_log (n UInt64) ENGINE = MergeTree ORDER BY n`);
    const controller = new AbortController();
    let held: Promise<unknown>[] = [];
    client.observe!((sql) => {
      if (held.length || !/^insert into .*hook_log/.test(sql)) return;
      // Every pool thread busy for 11 s (a busy engine; longer than any fixed wait for it) before the
      // hook's INSERT is submitted: it waits in libuv's queue.
      held = holders.map((h) => h.queryAsync('SELECT sleepEachRow(0.5) FROM numbers(22) SETTINGS max_block_size = 1'));
      setTimeout(() => controller.abort(), 100);
    });
    let result: Awaited<ReturnType<typeof project.run>> | undefined;
    // What the hook had written when the run returned (read apart from the pool the test holds).
    let writtenAtReturn: string | undefined;
    try {
      result = await project.run({ select: ['m'], signal: controller.signal });
      const look = new Session(WAREHOUSE_DIR);
      try {
        writtenAtReturn = look.query(`SELECT count() FROM ${p.schema}.hook_log`, 'CSV').trim();
      } finally {
        look.close();
      }
    } finally {
      // As the CLI does once the run has returned.
      await project.close();
    }
    expect(held.length).toBe(threads);
    expect(result?.interrupted).toBe(true);
    expect(result?.results.map((r) => [r.node.name, r.status])).toEqual([['m', 'error']]);
    // Whatever the engine still had to run for this process is done now: nothing more was written, no temporary is left.
    await Promise.allSettled(held);
    await drainPending();
    const check = new Session(WAREHOUSE_DIR);
    try {
      // Whether the KILL reached the INSERT before its first row is a matter of timing; that it wrote
      // nothing once the run had returned, and did not run to its end, is not.
      const written = check.query(`SELECT count() FROM ${p.schema}.hook_log`, 'CSV').trim();
      expect(written).toBe(writtenAtReturn);
      expect(Number(written)).toBeLessThan(120);
      expect(check.query(`SELECT name FROM system.tables WHERE database = '${p.schema}' AND name LIKE 'm%'`, 'CSV').trim()).toBe('');
    } finally {
      check.close();
      for (const h of holders) h.close();
    }
  }, 60_000);
});
