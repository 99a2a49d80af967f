import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { openedPerTest, queryRows, statuses } from '../../helpers/inline-project.js';

/*
 * After a swap, tsdbt waits for the INSERTs that may still write into the old table (drainInserts): those into the
 * table, or into a table whose views write into it — not every INSERT on the server. An unrelated INSERT that runs
 * for an hour must not hold the model (before: up to 600 s, then the model failed with the old table kept aside).
 * The unrelated INSERT reads from this test's HTTP server, which holds its answer open until the run has ended
 * (a condition, not a time).
 */
const setup = openedPerTest();

/**
 * Starts an INSERT into `table` (one UInt64 column `x` or as listed) that reads from an HTTP server of this test
 * (url()), which holds its answer open: the INSERT runs until `stop` ends the answer. Resolves once it runs.
 */
async function unrelatedInsert(project: TsdbtProject, table: string): Promise<{ running: () => Promise<boolean>; stop: () => Promise<void> }> {
  const adapter = await project.adapter();
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    // ClickHouse may ask for the size first (HEAD): answered at once; the GET is held.
    if (req.method !== 'GET') return void res.writeHead(200).end();
    res.writeHead(200, { 'Content-Type': 'text/tab-separated-values' });
    res.write('1\n');
    held.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const marker = `unrelated_${Math.random().toString(36).slice(2)}`;
  const done = adapter.client
    .command(`INSERT INTO ${table} SELECT x FROM url('http://127.0.0.1:${port}/${marker}', 'TSV', 'x UInt64')`)
    .catch(() => {});
  const mine = `query LIKE '%${marker}%' AND query NOT LIKE '%system.processes%'`;
  const running = async () => (await queryRows<{ n: string }>(project, `SELECT count() AS n FROM system.processes WHERE ${mine}`))[0]!.n !== '0';
  while (!(await running()) || held.length === 0) await new Promise((r) => setImmediate(r));
  return {
    running,
    stop: async () => {
      for (const res of held) res.end('2\n');
      await done;
      server.close();
    },
  };
}

describe('the wait after a swap is for INSERTs into the table, not every INSERT on the server', () => {
  it('custom incremental strategy: an unrelated INSERT running throughout does not hold the model', async () => {
    const STRATEGY = `{% macro get_incremental_insert_new_sql(arg_dict) %}
  insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }} where id not in (select id from {{ arg_dict['target_relation'] }})
{% endmacro %}`;
    const MODEL = `{{ config(materialized='incremental', incremental_strategy='insert_new', order_by='id') }}
select toUInt32(number) as id from numbers({% if is_incremental() %}3{% else %}2{% endif %})`;
    const { p, project } = setup({ 'macros/s.sql': STRATEGY, 'models/m.sql': MODEL });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    await (await project.adapter()).client.command(`CREATE TABLE ${p.schema}.other (x UInt64) ENGINE = MergeTree ORDER BY x`);
    const other = await unrelatedInsert(project, `${p.schema}.other`);
    try {
      expect(statuses(await project.run())).toEqual({ m: 'success' });
      expect(await other.running()).toBe(true);
    } finally {
      await other.stop();
    }
    expect(await queryRows(project, `SELECT id FROM ${p.schema}.m ORDER BY id`)).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
  }, 120_000);
});
