import type { Relation } from '../manifest/nodes.js';
import { relationSql } from '../render/placeholders.js';
import { isNoAtomicExchange } from './capabilities.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import { backupName } from './temporaries.js';

/**
 * Whether EXCHANGE may be tried in `schema`: a database that can (canExchange: Atomic) on a filesystem
 * that has not refused one in this process. Kept apart from the database's answer, which the full
 * lifecycle of materialized views also reads (mv-basic.ts): a refusal changes how tables swap, not that.
 */
export async function canExchangeFiles(adapter: ClickHouseAdapter, schema: string): Promise<boolean> {
  return adapter.capabilities.peek(`renameat2:${schema}`) !== false && (await adapter.canExchange(schema));
}

/** `schema`'s filesystem refused an exchange of files (isNoAtomicExchange: no renameat2): swaps there rename from now on. */
export function noteNoRenameat2(adapter: ClickHouseAdapter, schema: string): void {
  adapter.capabilities.learn(`renameat2:${schema}`, false);
}

/**
 * Swaps two tables' names — EXCHANGE TABLES `a` AND `b` — for the materialized-view rebuild, whose views
 * stay bound to the names (mv-unit.ts). On a filesystem without renameat2 (NFS, EFS, CephFS: the
 * server refuses the exchange and changes nothing) the same swap is one RENAME of three steps, `b` to
 * a name of this run's, `a` to `b`, that name to `a`: one statement the server runs to its end, names
 * left as an exchange leaves them; not atomic for readers (for an instant `b` is missing), as
 * Staging's rename swap. dbt-clickhouse drops and recreates the view and its table there instead.
 */
export async function exchangeTables(adapter: ClickHouseAdapter, a: Relation, b: Relation): Promise<void> {
  const q = (r: Relation) => relationSql(r.schema, r.identifier);
  if (adapter.capabilities.peek(`renameat2:${b.schema}`) !== false)
    try {
      await adapter.ddl(`EXCHANGE TABLES ${q(a)} AND ${q(b)}`);
      return;
    } catch (error) {
      if (!isNoAtomicExchange(error)) throw error;
      noteNoRenameat2(adapter, b.schema);
    }
  const between = backupName(b, adapter.runId);
  try {
    await adapter.ddl(`RENAME TABLE ${q(b)} TO ${q(between)}, ${q(a)} TO ${q(b)}, ${q(between)} TO ${q(a)}`);
  } catch (error) {
    // Stopped after its first step: `b` is put back (a backup left so is also put back by the next run's sweep).
    if ((await adapter.relationKind(b)) === undefined && (await adapter.relationKind(between)) !== undefined) await adapter.rename([[between, b]]);
    throw error;
  }
}
