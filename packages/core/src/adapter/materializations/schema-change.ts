import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';
import { tableOptionsOf } from '../table-options.js';
import { withNullable } from '../contract/clickhouse-types.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { contractEnforced } from '../contract/contract-check.js';

/** What an incremental run does about the model's columns (dbt's `on_schema_change`), decided before anything is written. */
export interface SchemaPlan {
  /** The new query's columns. */
  readonly newColumns: readonly WarehouseColumn[];
  /** The table's columns now. */
  readonly targetColumns: readonly WarehouseColumn[];
  /** The table's columns after this run: the target's, or the target's with columns added, dropped or retyped. */
  readonly finalColumns: readonly WarehouseColumn[];
  /** Names of the query's columns that go into the table (those the final table has). */
  readonly insertColumns: readonly string[];
  /** True when the final columns differ from the table's: the whole table is rebuilt and swapped. */
  readonly rebuild: boolean;
  readonly warnings: readonly string[];
  /** Columns whose type changed while the table keeps its own (`ignore`, `append_new_columns`): named when the insert fails. */
  readonly retyped: readonly { readonly name: string; readonly from: string; readonly to: string }[];
}

/**
 * dbt's `on_schema_change` for incremental models, as a plan: compares the query's columns (names
 * and types) with the table's, then fails (`fail`), adds the new ones (`append_new_columns`), makes
 * the table's columns the query's — added, dropped, retyped (`sync_all_columns`) — or keeps the
 * table's columns (`ignore`), with a warning each time. Nothing is altered in place: a plan that
 * changes the columns is carried out by rebuilding the table beside it and swapping it in, so a
 * failure or a crash never leaves the table half-changed.
 */
export async function planSchemaChange(
  adapter: ClickHouseAdapter,
  node: ModelNode,
  sql: string,
  target: Relation = node.relation,
  /** An MV target altered in place keeps ClickHouse's defaults (its engine may aggregate the column). */
  options: { readonly nullFill?: boolean } = {},
): Promise<SchemaPlan> {
  const targetColumns = await adapter.columns(target);
  const newColumns = await adapter.queryColumns(sql, undefined, node.config.query_settings);
  const before = new Map(targetColumns.map((c) => [c.name, c.type]));
  const now = new Map(newColumns.map((c) => [c.name, c.type]));
  const added = newColumns.filter((c) => !before.has(c.name));
  const removed = targetColumns.filter((c) => !now.has(c.name));
  // A column this plan made Nullable (dbt_semantics: NULL where a row has no value) still takes the query's values: not a type change.
  // An enforced contract declares the column types: they are kept as declared.
  const fills = (options.nullFill ?? true) && dbtSemantics(node) && !contractEnforced(node);
  const sameType = (table: string, query: string) => table === query || (fills && table === withNullable(query));
  const retyped = newColumns.filter((c) => before.has(c.name) && !sameType(before.get(c.name)!, c.type)).map((c) => ({ name: c.name, from: before.get(c.name)!, to: c.type }));
  const onSchemaChange = String(node.config.on_schema_change ?? 'ignore');
  const names = (cols: readonly { name: string }[]) => cols.map((c) => c.name).join(', ');
  const where = `${target.schema}.${target.identifier}`;
  const warnings: string[] = [];
  let finalColumns: readonly WarehouseColumn[] = targetColumns;
  if (added.length || removed.length || retyped.length) {
    const change = [
      `added: ${names(added) || 'none'}`,
      `removed: ${names(removed) || 'none'}`,
      ...(retyped.length ? [`type changed: ${retyped.map((c) => `${c.name} ${c.from} -> ${c.to}`).join(', ')}`] : []),
    ].join('; ');
    if (onSchemaChange === 'fail')
      // dbt raises a compiler error with this wording (incremental/on_schema_change.sql).
      throw new DatabaseError('schema_change', `Compilation Error in model ${node.name} (${node.originalFilePath}): the source and target schemas on this incremental model are out of sync. The columns of incremental model ${node.name} changed (${change}) and on_schema_change is 'fail'`, {
        file: node.originalFilePath,
        hint: "Run with --full-refresh, or set on_schema_change='append_new_columns' or 'sync_all_columns'.",
      });
    // dbt's answer for the rows that do not have a value for a column (the old rows in an added
    // column, the new rows in a removed column that append_new_columns keeps) is NULL: under
    // dbt_semantics those columns become Nullable, where ClickHouse would store its default ('', 0).
    const nullFill = fills;
    const nullable = nullFill ? (c: WarehouseColumn) => ({ name: c.name, type: withNullable(c.type) }) : (c: WarehouseColumn) => c;
    if (onSchemaChange === 'append_new_columns' && (added.length || (removed.length && nullFill))) {
      const kept = new Set(removed.map((c) => c.name));
      finalColumns = [...targetColumns.map((c) => (kept.has(c.name) ? nullable(c) : c)), ...added.map(nullable)];
      warnings.push(`${node.originalFilePath}: ${added.length ? `added columns ${names(added)} to ${where}` : `kept the removed columns ${names(removed)} of ${where}`}${removed.length && nullFill ? ` (${names(removed)}: NULL in the new rows)` : ''}`);
    } else if (onSchemaChange === 'sync_all_columns') {
      // As ALTER would: the table's order, minus the dropped columns, retyped in place, new ones at the end.
      finalColumns = [...targetColumns.filter((c) => now.has(c.name)).map((c) => ({ name: c.name, type: sameType(c.type, now.get(c.name)!) ? c.type : now.get(c.name)! })), ...added.map(nullable)];
      warnings.push(`${node.originalFilePath}: synced the columns of ${where} with the model (${change})`);
    } else {
      warnings.push(`${node.originalFilePath}: columns changed (${change}); on_schema_change='${onSchemaChange}' keeps the table's columns`);
    }
  }
  const finalNames = new Set(finalColumns.map((c) => c.name));
  const rebuild = finalColumns.length !== targetColumns.length || finalColumns.some((c, i) => c.name !== targetColumns[i]!.name || c.type !== targetColumns[i]!.type);
  return {
    newColumns,
    targetColumns,
    finalColumns,
    insertColumns: newColumns.filter((c) => finalNames.has(c.name)).map((c) => c.name),
    rebuild,
    warnings,
    retyped: rebuild ? [] : retyped,
  };
}

/**
 * on_schema_change carried out by ALTERing `alterTargets` in place, for a materialized view's
 * target: it keeps receiving rows from its view, so it cannot be rebuilt beside and swapped in
 * without a backfill. (Incremental models rebuild instead: planSchemaChange().) Added columns keep
 * the codec and TTL their YAML declares.
 */
export async function applySchemaChange(
  adapter: ClickHouseAdapter,
  node: ModelNode,
  sql: string,
  alterTargets: readonly Relation[],
  signal?: AbortSignal,
): Promise<{ readonly newColumns: readonly WarehouseColumn[]; readonly insertColumns: readonly string[]; readonly warnings: readonly string[] }> {
  const plan = await planSchemaChange(adapter, node, sql, alterTargets[0], { nullFill: false });
  if (plan.rebuild) {
    const suffix = tableOptionsOf(node).columnSuffix;
    const def = (c: WarehouseColumn) => `${quoteIdentifier(c.name)} ${c.type}${suffix.get(c.name) ?? ''}`;
    const before = new Map(plan.targetColumns.map((c) => [c.name, c.type]));
    const after = new Set(plan.finalColumns.map((c) => c.name));
    const clauses = [
      ...plan.finalColumns.filter((c) => !before.has(c.name)).map((c) => `ADD COLUMN IF NOT EXISTS ${def(c)}`),
      ...plan.targetColumns.filter((c) => !after.has(c.name)).map((c) => `DROP COLUMN IF EXISTS ${quoteIdentifier(c.name)}`),
      ...plan.finalColumns.filter((c) => before.has(c.name) && before.get(c.name) !== c.type).map((c) => `MODIFY COLUMN ${def(c)}`),
    ];
    for (const r of alterTargets) await adapter.ddl(`ALTER TABLE ${relationSql(r.schema, r.identifier)}${adapter.onCluster()} ${clauses.join(', ')}`, { signal });
  }
  return { newColumns: plan.newColumns, insertColumns: plan.insertColumns, warnings: plan.warnings };
}

/**
 * A failed insert of the new rows, explained when the model changed a column's type and the table
 * kept its own (on_schema_change 'ignore' or 'append_new_columns'): nothing was written.
 */
export function insertError(error: unknown, node: ModelNode, plan: SchemaPlan): unknown {
  if (plan.retyped.length === 0) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DatabaseError(
    'schema_change',
    `The new rows of incremental model ${node.name} do not fit the table: ${plan.retyped.map((c) => `${c.name} is ${c.to} in the model but ${c.from} in the table`).join('; ')} (on_schema_change '${String(node.config.on_schema_change ?? 'ignore')}' keeps the table's types). Nothing was changed. ${message}`,
    { file: node.originalFilePath, hint: "Run with --full-refresh, or set on_schema_change='sync_all_columns' (or 'fail' to stop on any change).", cause: error },
  );
}

/**
 * Skip indexes and projections the model declares but `rel` lacks (added to the config after the
 * table was built) are added with `ALTER TABLE … ADD INDEX / ADD PROJECTION`: parts written from now
 * on carry them; existing parts get them on `MATERIALIZE INDEX` / `MATERIALIZE PROJECTION` or a full
 * refresh. A changed definition under an existing name is left alone (a full refresh applies it).
 */
export async function addMissingTableOptions(adapter: ClickHouseAdapter, node: ModelNode, rel: Relation, signal?: AbortSignal): Promise<string[]> {
  const missing = await missingTableOptions(adapter, node, rel);
  if (missing.length === 0) return [];
  await adapter.ddl(`ALTER TABLE ${relationSql(rel.schema, rel.identifier)}${adapter.onCluster()} ${missing.map((m) => `ADD ${m}`).join(', ')}`, { signal });
  return [`${node.originalFilePath}: added ${optionNames(missing)} to ${rel.schema}.${rel.identifier} (existing parts get it on MATERIALIZE or --full-refresh)`];
}

/** The same warning when the table is rebuilt with them (every part has them then), or none. */
export async function rebuiltWithTableOptions(adapter: ClickHouseAdapter, node: ModelNode, rel: Relation): Promise<string[]> {
  const missing = await missingTableOptions(adapter, node, rel);
  return missing.length ? [`${node.originalFilePath}: added ${optionNames(missing)} to ${rel.schema}.${rel.identifier} (the table was rebuilt with it)`] : [];
}

/** The `INDEX …` / `PROJECTION …` elements the model declares and `rel` lacks. */
async function missingTableOptions(adapter: ClickHouseAdapter, node: ModelNode, rel: Relation): Promise<string[]> {
  const options = tableOptionsOf(node);
  if (options.indexes.length === 0 && options.projections.length === 0) return [];
  const [row] = await adapter.systemQuery<{ q: string }>(
    `SELECT create_table_query AS q FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  const ddl = row?.q ?? '';
  const nameOf = (element: string) => /^(?:INDEX|PROJECTION) `((?:[^`\\]|\\.)*)`/.exec(element)![1]!.replace(/\\(.)/g, '$1');
  const present = (kind: string, name: string) => new RegExp(`\\b${kind}\\s+\`?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`?\\s`).test(ddl);
  return [...options.indexes.filter((ix) => !present('INDEX', nameOf(ix))), ...options.projections.filter((p) => !present('PROJECTION', nameOf(p)))];
}

const optionNames = (elements: readonly string[]) =>
  elements.map((m) => m.replace(/^(\w+) `((?:[^`\\]|\\.)*)`[\s\S]*$/, (_x, k: string, n: string) => `${k.toLowerCase()} ${n}`)).join(', ');
