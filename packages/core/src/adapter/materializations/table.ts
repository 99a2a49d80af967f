import type { ModelNode, Relation } from '../../manifest/nodes.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { tableOptionsOf } from '../table-options.js';
import type { Materialization } from './types.js';

/**
 * Builds `sql` into a temporary relation named after the run, then swaps it in place of the
 * target. If anything fails before the swap, the previous table is untouched and the temporary dropped.
 * The caller has made the database and cleared a previous run's leftovers (prepareTarget()).
 */
export async function buildAndSwap(adapter: ClickHouseAdapter, node: ModelNode, sql: string, signal?: AbortSignal): Promise<number> {
  const rel = node.relation;
  const staged: Relation = adapter.tempRelation(rel);
  try {
    await adapter.createTableAs(staged, node.config, sql, signal, tableOptionsOf(node));
    const existing = await adapter.relationKind(rel);
    await adapter.swapIn(staged, rel, existing);
  } catch (error) {
    await adapter.drop(staged, 'table').catch(() => {});
    throw error;
  }
  return adapter.rowCount(rel);
}

/** The model's database exists; a previous run's temporaries are gone and a table it left under its backup name is back. */
export async function prepareTarget(adapter: ClickHouseAdapter, rel: Relation): Promise<void> {
  await adapter.ensureDatabase(rel.schema);
  await adapter.dropLeftovers(rel);
}

export const materializeTable: Materialization = async ({ adapter, node, sql, signal }) => {
  await prepareTarget(adapter, node.relation);
  const rows = await buildAndSwap(adapter, node, sql, signal);
  return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: await qualifiedColumnWarnings(adapter, node) };
};

/**
 * ClickHouse names a selected `t.col` literally `t.col` when `col` exists in several joined
 * tables; downstream models then cannot say `col`. Warn so the user aliases it.
 */
export async function qualifiedColumnWarnings(adapter: ClickHouseAdapter, node: ModelNode): Promise<string[]> {
  const columns = await adapter.columns(node.relation);
  return columns
    .filter((c) => /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/.test(c.name))
    .map((c) => `${node.originalFilePath}: column '${c.name}' keeps its table prefix (ClickHouse does this when '${c.name.split('.')[1]}' exists in several joined tables). Alias it: ${c.name} AS ${c.name.split('.')[1]}`);
}
