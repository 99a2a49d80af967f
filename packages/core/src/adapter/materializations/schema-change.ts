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
 * dbt's `on_schema_change` for incremental models: compares the query's columns (names and types)
 * with the table's, then fails (`fail`), adds the new ones to every relation in `alterTargets`
 * (`append_new_columns`), makes the table's columns the query's — added, dropped, retyped
 * (`sync_all_columns`) — or keeps the table's columns (`ignore`), with a warning each time.
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
  const before = new Map(targetColumns.map((c) => [c.name, c.type]));
  const added = newColumns.filter((c) => !before.has(c.name));
  const removed = targetColumns.filter((c) => !newColumns.some((n) => n.name === c.name));
  const retyped = newColumns.filter((c) => before.has(c.name) && before.get(c.name) !== c.type);
  const onSchemaChange = String(node.config.on_schema_change ?? 'ignore');
  const warnings: string[] = [];
  const alter = async (clauses: string[]) => {
    if (clauses.length === 0) return;
    for (const r of alterTargets) await adapter.ddl(`ALTER TABLE ${relationSql(r.schema, r.identifier)}${adapter.onCluster()} ${clauses.join(', ')}`, { signal });
  };
  const targets = alterTargets.map((r) => `${r.schema}.${r.identifier}`).join(' and ');
  const names = (cols: readonly WarehouseColumn[]) => cols.map((c) => c.name).join(', ');
  if (added.length || removed.length || retyped.length) {
    const change = [
      `added: ${names(added) || 'none'}`,
      `removed: ${names(removed) || 'none'}`,
      ...(retyped.length ? [`type changed: ${retyped.map((c) => `${c.name} ${before.get(c.name)} -> ${c.type}`).join(', ')}`] : []),
    ].join('; ');
    if (onSchemaChange === 'fail')
      throw new DatabaseError('schema_change', `The columns of incremental model ${node.name} changed (${change}) and on_schema_change is 'fail'`, {
        file: node.originalFilePath,
        hint: "Run with --full-refresh, or set on_schema_change='append_new_columns' or 'sync_all_columns'.",
      });
    if (onSchemaChange === 'append_new_columns' && added.length) {
      await alter(added.map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdentifier(c.name)} ${c.type}`));
      warnings.push(`${node.originalFilePath}: added columns ${names(added)} to ${targets}`);
    } else if (onSchemaChange === 'sync_all_columns') {
      await alter([
        ...added.map((c) => `ADD COLUMN IF NOT EXISTS ${quoteIdentifier(c.name)} ${c.type}`),
        ...removed.map((c) => `DROP COLUMN IF EXISTS ${quoteIdentifier(c.name)}`),
        ...retyped.map((c) => `MODIFY COLUMN ${quoteIdentifier(c.name)} ${c.type}`),
      ]);
      warnings.push(`${node.originalFilePath}: synced the columns of ${targets} with the model (${change})`);
    } else if (added.length || removed.length) {
      warnings.push(`${node.originalFilePath}: columns changed (${change}); on_schema_change='${onSchemaChange}' keeps the table's columns`);
    }
  }
  const columnsNow =
    onSchemaChange === 'sync_all_columns' ? newColumns : onSchemaChange === 'append_new_columns' ? [...targetColumns, ...added] : targetColumns;
  const insertColumns = columnsNow.filter((c) => newColumns.some((n) => n.name === c.name)).map((c) => c.name);
  return { newColumns, insertColumns, warnings };
}
