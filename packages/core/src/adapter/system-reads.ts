import { fitQuerySize } from './statement-settings.js';
import type { WarehouseClient } from './warehouse-client.js';

/*
 * Reads of ClickHouse's own tables (system.tables, system.parts, system.columns…). Servers before 20.x read a
 * table's metadata file for system.tables' create_table_query, engine_full and metadata_modification_time, and
 * fail the whole read — `Code: 60 Table db.t doesn't exist`, `Code: 107 Cannot open file …/metadata/db/t.sql` —
 * when a table of a database listed is dropped meanwhile: another model's temporaries, another run's, anyone's DDL
 * (18.16: 9 of 2,286 listings while one connection created and dropped a table in a loop). A run failed so after
 * its swap (tablesFeeding, listing every database's Distributed tables while another schema's build dropped one:
 * the cluster fault harness' one flaky failure). Such a read is made again: the table is gone from the next one.
 */

/** Whether `error` is a system-table read's failure on a table dropped while it was read (see above). */
export function droppedWhileRead(error: unknown): boolean {
  const message = String((error as Error)?.message ?? error);
  return /Code: 60\b|doesn't exist/.test(message) || /Code: 107\b[\s\S]*metadata[\s\S]*\.sql/.test(message);
}

/** `sql` (a read of system tables) on `client`, made again up to 4 times when a table was dropped while it read (see above). */
export async function querySystem<T>(client: Pick<WarehouseClient, 'query'>, sql: string): Promise<T[]> {
  // Lists of partitions grow with the table: the size the statement needs, whatever the profile's.
  const settings = fitQuerySize(sql);
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.query<T>(sql, settings ? { settings } : undefined);
    } catch (error) {
      if (attempt >= 5 || !droppedWhileRead(error)) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
