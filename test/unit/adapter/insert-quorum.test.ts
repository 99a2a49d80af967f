import { describe, expect, it } from 'vitest';
import { ClickHouseAdapter } from '../../../packages/core/src/adapter/clickhouse-adapter.js';
import type { WarehouseClient } from '../../../packages/core/src/adapter/warehouse-client.js';

let port = 0;

/** A client whose queries answer from `answer` (by SQL), as a cluster's server would (a server of its own: capabilities are kept per server). */
function fakeClient(answer: (sql: string) => unknown[]): WarehouseClient {
  return {
    target: { type: 'clickhouse', host: 'fake-quorum-test', port: ++port, user: 'u', password: '', schema: 's', name: 'dev', profileName: 'p', secure: false, settings: {}, threads: 1, source: 'x' },
    embedded: false,
    command: async () => {},
    query: async <T,>(sql: string) => answer(sql) as T[],
    insertStream: async () => {},
    querySync: () => ({ columnNames: [], rows: [] }),
    close: async () => {},
  } as WarehouseClient;
}

describe('cluster inserts keep their write quorum', () => {
  it('asks every replica of each shard to acknowledge (insert_quorum = replicas per shard)', async () => {
    const adapter = new ClickHouseAdapter(fakeClient((sql) => (/system\.clusters/.test(sql) ? [{ n: '2' }] : [{ n: '1' }])), 'r', 'c');
    expect(await adapter.insertSettings()).toEqual({ insert_distributed_sync: 1, insert_quorum: 2 });
  });

  it('not knowing how many replicas there are is an error, not an insert without quorum', async () => {
    let fail = true;
    const adapter = new ClickHouseAdapter(
      fakeClient((sql) => {
        if (/system\.clusters/.test(sql) && fail) throw new Error('Code: 210. Connection refused');
        return /system\.clusters/.test(sql) ? [{ n: '2' }] : [{ n: '1' }];
      }),
      'r',
      'c',
    );
    // Before: the failed question answered "1 replica", and the insert went without insert_quorum.
    await expect(adapter.insertSettings()).rejects.toThrow(/Connection refused/);
    fail = false;
    expect(await adapter.insertSettings()).toEqual({ insert_distributed_sync: 1, insert_quorum: 2 }); // asked again
  });

  it('a server that does not know insert_quorum is an error when a shard has several replicas', async () => {
    const adapter = new ClickHouseAdapter(fakeClient((sql) => (/system\.clusters/.test(sql) ? [{ n: '3' }] : [{ n: /insert_quorum/.test(sql) ? '0' : '1' }])), 'r', 'c');
    await expect(adapter.insertSettings()).rejects.toThrow(/does not know insert_quorum/);
  });
});
