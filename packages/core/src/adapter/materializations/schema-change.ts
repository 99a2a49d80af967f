import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import { sqlString, type ClickHouseAdapter, type WarehouseColumn } from '../clickhouse-adapter.js';
import { tableOptionsOf } from '../table-options.js';

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
  // A column added or retyped keeps the codec and TTL its YAML declares.
  const suffix = tableOptionsOf(node).columnSuffix;
  const def = (c: WarehouseColumn) => `${quoteIdentifier(c.name)} ${c.type}${suffix.get(c.name) ?? ''}`;
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
      await alter(added.map((c) => `ADD COLUMN IF NOT EXISTS ${def(c)}`));
      warnings.push(`${node.originalFilePath}: added columns ${names(added)} to ${targets}`);
    } else if (onSchemaChange === 'sync_all_columns') {
      await alter([
        ...added.map((c) => `ADD COLUMN IF NOT EXISTS ${def(c)}`),
        ...removed.map((c) => `DROP COLUMN IF EXISTS ${quoteIdentifier(c.name)}`),
        ...retyped.map((c) => `MODIFY COLUMN ${def(c)}`),
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

/**
 * Skip indexes and projections the model declares but `rel` lacks (added to the config after the
 * table was built) are added with `ALTER TABLE … ADD INDEX / ADD PROJECTION`: parts written from now
 * on carry them; existing parts get them on `MATERIALIZE INDEX` / `MATERIALIZE PROJECTION` or a full
 * refresh. A changed definition under an existing name is left alone (a full refresh applies it).
 */
export async function addMissingTableOptions(adapter: ClickHouseAdapter, node: ModelNode, rel: Relation, signal?: AbortSignal): Promise<string[]> {
  const options = tableOptionsOf(node);
  if (options.indexes.length === 0 && options.projections.length === 0) return [];
  const [row] = await adapter.client.query<{ q: string }>(
    `SELECT create_table_query AS q FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  const ddl = row?.q ?? '';
  const nameOf = (element: string) => /^(?:INDEX|PROJECTION) `((?:[^`\\]|\\.)*)`/.exec(element)![1]!.replace(/\\(.)/g, '$1');
  const present = (kind: string, name: string) => new RegExp(`\\b${kind}\\s+\`?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`?\\s`).test(ddl);
  const missing = [
    ...options.indexes.filter((ix) => !present('INDEX', nameOf(ix))).map((ix) => `ADD ${ix}`),
    ...options.projections.filter((p) => !present('PROJECTION', nameOf(p))).map((p) => `ADD ${p}`),
  ];
  if (missing.length === 0) return [];
  await adapter.ddl(`ALTER TABLE ${relationSql(rel.schema, rel.identifier)}${adapter.onCluster()} ${missing.join(', ')}`, { signal });
  return [`${node.originalFilePath}: added ${missing.map((m) => m.replace(/^ADD (\w+) `((?:[^`\\]|\\.)*)`[\s\S]*$/, (_x, k: string, n: string) => `${k.toLowerCase()} ${n}`)).join(', ')} to ${rel.schema}.${rel.identifier} (existing parts get it on MATERIALIZE or --full-refresh)`];
}
