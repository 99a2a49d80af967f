import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';

export interface SchemaChangeResult {
  /** The new query's columns. */
  readonly newColumns: readonly WarehouseColumn[];
  /** Names of the columns to insert: those both the table (after any ALTER) and the query have. */
  readonly insertColumns: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * dbt's `on_schema_change` for incremental models: compares the query's columns with the
 * table's, then fails (`fail`), adds the new ones to every relation in `alterTargets`
 * (`append_new_columns`) or keeps the table's columns (`ignore`), with a warning either way.
 */
export async function applySchemaChange(
  adapter: ClickHouseAdapter,
  node: ModelNode,
  sql: string,
  alterTargets: readonly Relation[],
  signal?: AbortSignal,
): Promise<SchemaChangeResult> {
  const rel = node.relation;
  const targetColumns = await adapter.columns(rel);
  const newColumns = await adapter.queryColumns(sql);
  const known = new Set(targetColumns.map((c) => c.name));
  const added = newColumns.filter((c) => !known.has(c.name));
  const removed = targetColumns.filter((c) => !newColumns.some((n) => n.name === c.name));
  const onSchemaChange = String(node.config.on_schema_change ?? 'ignore');
  const warnings: string[] = [];
  if (added.length || removed.length) {
    const change = `added: ${added.map((c) => c.name).join(', ') || 'none'}; removed: ${removed.map((c) => c.name).join(', ') || 'none'}`;
    if (onSchemaChange === 'fail')
      throw new DatabaseError('schema_change', `The columns of incremental model ${node.name} changed (${change}) and on_schema_change is 'fail'`, {
        file: node.originalFilePath,
        hint: "Run with --full-refresh, or set on_schema_change='append_new_columns'.",
      });
    if (onSchemaChange === 'append_new_columns' && added.length) {
      const adds = added.map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdentifier(c.name)} ${c.type}`).join(', ');
      for (const r of alterTargets) await adapter.ddl(`ALTER TABLE ${relationSql(r.schema, r.identifier)}${adapter.onCluster()} ${adds}`, { signal });
      warnings.push(`${node.originalFilePath}: added columns ${added.map((c) => c.name).join(', ')} to ${alterTargets.map((r) => `${r.schema}.${r.identifier}`).join(' and ')}`);
    } else {
      warnings.push(`${node.originalFilePath}: columns changed (${change}); on_schema_change='${onSchemaChange}' keeps the table's columns`);
    }
  }
  const columnsNow = onSchemaChange === 'append_new_columns' ? [...targetColumns, ...added] : targetColumns;
  const insertColumns = columnsNow.filter((c) => newColumns.some((n) => n.name === c.name)).map((c) => c.name);
  return { newColumns, insertColumns, warnings };
}
