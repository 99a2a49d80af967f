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
 * Starts an INSERT into `table` (one UInt64 column `x` or as listed; rows 101 and 102) that reads from an HTTP server of this test
 * (url()), which holds its answer open: the INSERT runs until `stop` ends the answer. Resolves once it runs.
 */
async function unrelatedInsert(project: TsdbtProject, table: string): Promise<{ id: string; running: () => Promise<boolean>; stop: () => Promise<void> }> {
  const adapter = await project.adapter();
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    // ClickHouse may ask for the size first (HEAD): answered at once; the GET is held.
    if (req.method !== 'GET') return void res.writeHead(200).end();
    res.writeHead(200, { 'Content-Type': 'text/tab-separated-values' });
    res.write('101\n');
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
  const [row] = await queryRows<{ id: string }>(project, `SELECT query_id AS id FROM system.processes WHERE ${mine}`);
  return {
    id: row!.id,
    running,
    stop: async () => {
      for (const res of held) res.end('102\n');
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

  it('an INSERT into a materialized view writing into the table (its rows go into the TO table) is waited for, its rows carried', async () => {
    // A rebuild for a new column swaps the table (incremental.ts rebuildTable; the custom strategy runs in place
    // when views write into the table).
    const model = (v2: boolean) =>
      `{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns', order_by='id') }}\n` +
      (v2 ? "select toUInt32(3) as id, 'c' as msg, 'x' as extra" : "select toUInt32(1) as id, 'a' as msg union all select 2, 'b'");
    const { p, project: first } = setup({ 'models/m.sql': model(false) });
    expect(statuses(await first.run())).toEqual({ m: 'success' });
    const adapter = await first.adapter();
    await adapter.client.command(`CREATE TABLE ${p.schema}.src (x UInt64) ENGINE = Null`);
    await adapter.client.command(`CREATE MATERIALIZED VIEW ${p.schema}.feed TO ${p.schema}.m AS SELECT toUInt32(x) AS id, 'v' AS msg FROM ${p.schema}.src`);
    // It binds the table (through the view) before the run swaps it; its rows come when its answer ends.
    const into = await unrelatedInsert(first, `${p.schema}.feed (id)`);
    p.write({ 'models/m.sql': model(true) });
    const project = setup.reopen(p);
    // Ended once tsdbt waits for it (asks about its query id) — or, when it does not, right before the old
    // table is dropped after the carry (a DROP … SYNC would wait for the INSERT): its rows then go with it.
    const client = (await project.adapter()).client as unknown as Record<'query' | 'command', (sql: string, ...rest: never[]) => Promise<unknown>>;
    const { query, command } = client;
    let carried = false;
    let ended: Promise<void> | undefined;
    const end = () => (ended ??= into.stop());
    client.query = async (sql, ...rest) => {
      if (sql.includes('query_id IN (') && sql.includes(into.id)) await end();
      return query.call(client, sql, ...rest);
    };
    client.command = async (sql, ...rest) => {
      if (carried && /^DROP TABLE/.test(sql)) await end();
      if (/^SYSTEM STOP MERGES/.test(sql)) carried = true;
      return command.call(client, sql, ...rest);
    };
    try {
      expect(statuses(await project.run())).toEqual({ m: 'success' });
    } finally {
      Object.assign(client, { query, command });
      await end();
    }
    expect(await queryRows(project, `SELECT id FROM ${p.schema}.m ORDER BY id`)).toEqual([1, 2, 3, 101, 102].map((id) => ({ id })));
  }, 120_000);
});
