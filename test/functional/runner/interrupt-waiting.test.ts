import { drainPending, Session } from 'chdb';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../packages/core/src/index.js';
import { inlineProject, WAREHOUSE_DIR } from '../../helpers/inline-project.js';

/*
 * After Ctrl-C a run returns only once each statement it KILLed has ended in the engine (079ad30). A
 * statement the KILL cannot stop at once (here: one queued behind engine threads the test holds, as an
 * OPTIMIZE FINAL or a DDL waiting for a lock would be) kept the user staring at nothing: the run now
 * says what it waits for ('stopping' events; the CLI prints them on stderr) while it waits. The test
 * holds the threads until it has seen that event, so nothing depends on how long anything takes.
 */
describe('a stopped run waiting for a statement the KILL cannot stop yet', () => {
  const p = inlineProject({
    'models/m.sql':
      "{{ config(materialized='table', pre_hook=\"insert into {{ this.schema }}.hook_log select number from numbers(120) where sleepEachRow(0.25) = 0 settings max_block_size = 1\") }}\nselect 1 as x",
  });
  afterAll(() => p.cleanup());

  it('says how many statements it still waits for, before it returns', async () => {
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    const holders = Array.from({ length: threads }, () => new Session(WAREHOUSE_DIR));
    const events: RunEvent[] = [];
    let returned = false;
    let stoppingBeforeReturn: Extract<RunEvent, { type: 'stopping' }> | undefined;
    let sawStopping: () => void = () => {};
    const stopping = new Promise<void>((resolve) => (sawStopping = resolve));
    const project = p.open({
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'stopping' && !returned && !stoppingBeforeReturn) {
          stoppingBeforeReturn = e;
          sawStopping();
        }
      },
    });
    const client = (await project.adapter()).client;
    await client.command(`CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await client.command(`CREATE TABLE ${p.schema}.hook_log (n UInt64) ENGINE = MergeTree ORDER BY n`);
    const controller = new AbortController();
    let held: Promise<unknown>[] = [];
    client.observe!((sql) => {
      if (held.length || !/^insert into .*hook_log/.test(sql)) return;
      // Every engine thread busy until the test lets go (KILLed below, once the run said it waits).
      // (KILLed below: their rejections are expected.)
      held = holders.map((h) => h.queryAsync('SELECT /* interrupt_waiting_holder */ sleepEachRow(0.5) FROM numbers(240) SETTINGS max_block_size = 1').catch(() => {}));
      setTimeout(() => controller.abort(), 100);
    });
    const release = () => {
      const s = new Session(WAREHOUSE_DIR);
      try {
        s.query("KILL QUERY WHERE position(query, concat('interrupt_waiting', '_holder')) > 0 ASYNC", 'CSV');
      } finally {
        s.close();
      }
    };
    try {
      const run = project.run({ select: ['m'], signal: controller.signal }).finally(() => (returned = true));
      // Without the notice the run would return only once the held threads end by themselves (2 min): past the test's timeout.
      await Promise.race([stopping, run]);
      release();
      const result = await run;
      expect(result.interrupted).toBe(true);
      expect(stoppingBeforeReturn).toMatchObject({ type: 'stopping', running: 1 });
      expect(stoppingBeforeReturn!.waited).toBeGreaterThanOrEqual(1);
      // Said once (then only as progress), and before the run's end.
      const order = events.map((e) => e.type).filter((t) => t === 'stopping' || t === 'run_finished');
      expect(order[0]).toBe('stopping');
    } finally {
      if (held.length) release();
      await Promise.allSettled(held);
      await project.close();
      await drainPending();
      for (const h of holders) h.close();
    }
  }, 60_000);
});
