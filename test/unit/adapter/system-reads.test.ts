import { describe, expect, it } from 'vitest';
import { ClickHouseAdapter } from '../../../packages/core/src/adapter/clickhouse-adapter.js';
import { MaterializedViewListing } from '../../../packages/core/src/adapter/mv/mv-listing.js';
import { mvsWritingTo, tablesFeeding } from '../../../packages/core/src/adapter/mv/mv-state.js';
import { droppedWhileRead } from '../../../packages/core/src/adapter/system-reads.js';
import type { WarehouseClient } from '../../../packages/core/src/adapter/warehouse-client.js';

let port = 0;
/** 18.16 as it answers while another schema's build drops its Distributed table: the first listing of system.tables fails, the next one reads. */
function serverDroppingATable(failure: string) {
  const failed: string[] = [];
  const client = {
    target: { type: 'clickhouse', host: 'fake-system-reads', port: ++port, user: 'u', password: '', schema: 's', name: 'dev', profileName: 'p', secure: false, settings: {}, threads: 1, source: 'x' },
    embedded: false,
    command: async () => {},
    query: async <T,>(sql: string): Promise<T[]> => {
      if (/version\(\)/.test(sql)) return [{ v: '18.16.1' }] as T[];
      if (/FROM system\.tables/.test(sql) && !failed.includes(sql)) {
        failed.push(sql);
        throw new Error(failure);
      }
      if (/engine IN \('MaterializedView', 'Distributed', 'Buffer'\)/.test(sql))
        return [{ db: 's', name: 't', engine: 'Distributed', q: "CREATE TABLE s.t (`id` UInt64) ENGINE = Distributed('c', 's', 't_local', id)" }] as T[];
      return [] as T[];
    },
    insertStream: async () => {},
    querySync: () => ({ columnNames: [], rows: [] }),
    close: async () => {},
  } as unknown as WarehouseClient;
  return { client, failed };
}

const DROPPED = "Code: 60. Table fault_1.t__tsdbt_tmp_0123abcd_497f2f_x_y__fill doesn't exist.";
const METADATA_GONE = 'Code: 107. Cannot open file /var/lib/clickhouse/metadata/fault_1/t__tsdbt_tmp_0123abcd_497f2f_x_y__fill.sql, errno: 2, strerror: No such file or directory';

describe('reads of system.tables while a table is dropped (servers before 20.x read its metadata file)', () => {
  it("tablesFeeding (finishCarry's drain, after a swap) reads again instead of failing the model", async () => {
    for (const failure of [DROPPED, METADATA_GONE]) {
      const { client, failed } = serverDroppingATable(failure);
      const adapter = new ClickHouseAdapter(client, 'r', 'c');
      // Before: the failure reached the model, after its swap (the cluster fault harness' flaky "clean rerun failed").
      expect(await tablesFeeding(adapter, [{ schema: 's', identifier: 't_local' }])).toEqual([
        { schema: 's', identifier: 't_local' },
        { schema: 's', identifier: 't' },
      ]);
      expect(failed).toHaveLength(1);
    }
  });

  it('the other listings of system.tables with metadata columns read again too', async () => {
    const { client, failed } = serverDroppingATable(DROPPED);
    const adapter = new ClickHouseAdapter(client, 'r', 'c');
    expect(await mvsWritingTo(adapter, { schema: 's', identifier: 't' })).toEqual([]);
    expect(await new MaterializedViewListing(client).list('s')).toEqual([]);
    expect(failed).toHaveLength(2);
  });

  it('only a table gone while read is read again', () => {
    expect(droppedWhileRead(new Error(DROPPED))).toBe(true);
    expect(droppedWhileRead(new Error(METADATA_GONE))).toBe(true);
    expect(droppedWhileRead(new Error('Code: 107. Cannot open file /data/user_files/x.csv'))).toBe(false);
    expect(droppedWhileRead(new Error('Code: 241. Memory limit (total) exceeded'))).toBe(false);
  });
});
