import { describe, expect, it } from 'vitest';
import { userFunctions } from '../../../packages/core/src/execute/dbt-semantics/user-functions.js';
import type { ClickHouseAdapter } from '../../../packages/core/src/adapter/clickhouse-adapter.js';

/** An adapter whose server lists `listed` as its own functions and whose statements are observed. */
function fakeAdapter(listed: string[], version = { major: 26, minor: 7, text: '26.7' }) {
  const observers: ((sql: string) => void)[] = [];
  const queries: string[] = [];
  const client = {
    observe: (l: (sql: string) => void) => observers.push(l),
    query: async (sql: string) => (queries.push(sql), listed.map((name) => ({ name }))),
  };
  const adapter = { client, serverVersion: async () => version } as unknown as ClickHouseAdapter;
  const send = (sql: string) => observers.forEach((o) => o(sql));
  return { adapter, queries, send };
}

describe("the warehouse's own functions (execute/dbt-semantics/user-functions.ts)", () => {
  it('lists once per run, then follows the functions this process creates and drops', async () => {
    const { adapter, queries, send } = fakeAdapter(['contains', 'nvl']);
    const t = userFunctions(adapter);
    expect([...t.known()]).toEqual([]);
    expect([...(await t.list())].sort()).toEqual(['contains', 'nvl']);
    await t.list();
    expect(queries).toHaveLength(1);
    send('-- a comment\nCREATE OR REPLACE FUNCTION `split_part` ON CLUSTER c AS (s, d, n) -> s');
    send('create function if not exists iff as (c, a, b) -> a');
    send('DROP FUNCTION IF EXISTS nvl');
    send("select 'create function square as (x) -> x'");
    expect([...t.known()].sort()).toEqual(['contains', 'iff', 'split_part']);
    t.forget();
    await t.list();
    expect(queries).toHaveLength(2);
    expect([...t.known()].sort()).toEqual(['contains', 'nvl']);
  });

  it('lists none on a server without SQL functions (before 21.10)', async () => {
    const { adapter, queries } = fakeAdapter(['contains'], { major: 21, minor: 8, text: '21.8' });
    expect([...(await userFunctions(adapter).list())]).toEqual([]);
    expect(queries).toEqual([]);
  });
});
