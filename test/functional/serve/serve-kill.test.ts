import { Session } from 'chdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TsdbtProject, type WarehouseServer } from '../../../packages/core/src/index.js';
import { readServeInfo } from '../../../packages/core/src/adapter/serve-endpoint.js';
import { inlineProject, WAREHOUSE_DIR, type InlineProject } from '../../helpers/inline-project.js';

/*
 * Another tsdbt process stopping its statements on Ctrl-C sends KILL QUERY to the holder's endpoint
 * (warehouse-client.ts). The statements it stops may hold every one of the engine's threads: a KILL
 * run as the other statements are (async) waited behind them — measured, six forwarded pre-hooks
 * took 26 s to stop and four wrote all their rows. The holder runs it at once.
 */
describe("an admin's KILL QUERY on the holder's endpoint", () => {
  let p: InlineProject;
  let project: TsdbtProject;
  let server: WarehouseServer;
  beforeAll(async () => {
    p = inlineProject({});
    project = p.open();
    server = await startServer(project, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await project?.close();
    p?.cleanup();
  });

  it('is answered, and stops the statement, while every engine thread is busy', async () => {
    const token = readServeInfo(WAREHOUSE_DIR)!.token;
    const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
    const holders = Array.from({ length: threads }, () => new Session(WAREHOUSE_DIR));
    try {
      // Every engine thread busy for 12 s; the first statement is the one to stop.
      const held = holders.map((h, i) => h.queryAsync(`${i === 0 ? '/* tsdbt:review12kill */ ' : ''}SELECT sleepEachRow(0.5) FROM numbers(24) SETTINGS max_block_size = 1`));
      let ended = 0;
      for (const h of held) h.then(() => ended++, () => ended++);
      const kill = "KILL QUERY WHERE position(query, concat('/* tsdbt:', 'review12kill')) > 0 AND position(query, 'KILL') = 0 ASYNC";
      const res = await fetch(`${server.url}/`, { method: 'POST', body: kill, headers: { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': token } });
      await res.text();
      // Answered before any of the busy statements ended (none would for 12 s).
      expect(res.status).toBe(200);
      expect(ended).toBe(0);
      await expect(held[0]).rejects.toThrow(/cancel/i);
      await Promise.allSettled(held);
    } finally {
      for (const h of holders) h.close();
    }
  }, 60_000);
});
