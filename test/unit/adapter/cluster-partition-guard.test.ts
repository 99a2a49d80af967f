import { describe, expect, it } from 'vitest';
import { ClickHouseAdapter } from '../../../packages/core/src/adapter/clickhouse-adapter.js';
import { assertReplaceableOnCluster } from '../../../packages/core/src/adapter/materializations/incremental.js';
import type { WarehouseClient } from '../../../packages/core/src/adapter/warehouse-client.js';

let port = 0;
/** A cluster node whose model table holds `here` rows on this host and `everywhere` over one replica of each shard (cluster()). */
function node(here: number, everywhere: number) {
  const asked: string[] = [];
  const client = {
    target: { type: 'clickhouse', host: 'fake-partition-guard', port: ++port, user: 'u', password: '', schema: 's', name: 'dev', profileName: 'p', secure: false, settings: {}, threads: 1, source: 'x' },
    embedded: false,
    command: async () => {},
    query: async <T,>(sql: string): Promise<T[]> => {
      asked.push(sql);
      return [{ n: String(/cluster\(/.test(sql) ? everywhere : here) }] as T[];
    },
    insertStream: async () => {},
    querySync: () => ({ columnNames: [], rows: [] }),
    close: async () => {},
  } as unknown as WarehouseClient;
  return { client, asked };
}
const t = { schema: 's', identifier: 'orders' };

describe("cluster mode: an incremental model's partitions replaced ON CLUSTER from this host's rows (19.x+)", () => {
  it('delete+insert and insert_overwrite stop, nothing changed, when another shard holds rows of the table', async () => {
    const { client } = node(3, 5);
    const adapter = new ClickHouseAdapter(client, 'r', 'c');
    await expect(assertReplaceableOnCluster(adapter, t, 'delete_insert')).rejects.toMatchObject({
      code: 'direct_inserts',
      message: expect.stringMatching(/s\.orders holds 2 rows on other shards of cluster c .*its delete\+insert \(the partitions it touches replaced on every shard\).*nothing was changed/),
    });
    await expect(assertReplaceableOnCluster(adapter, t, 'insert_overwrite')).rejects.toMatchObject({ code: 'direct_inserts' });
  });

  it("go on when every row is this host's shard's; append (attaching what each shard's staged table holds) and single-node mode are not asked", async () => {
    await expect(assertReplaceableOnCluster(new ClickHouseAdapter(node(3, 3).client, 'r', 'c'), t, 'delete_insert')).resolves.toBeUndefined();
    const append = node(3, 5);
    await expect(assertReplaceableOnCluster(new ClickHouseAdapter(append.client, 'r', 'c'), t, 'append')).resolves.toBeUndefined();
    const single = node(3, 5);
    await expect(assertReplaceableOnCluster(new ClickHouseAdapter(single.client, 'r', ''), t, 'delete_insert')).resolves.toBeUndefined();
    expect([...append.asked, ...single.asked]).toEqual([]);
  });
});
