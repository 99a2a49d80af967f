import { uniqueKeyOf } from '../../manifest/config.js';
import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../../render/placeholders.js';

/**
 * dbt's `merge` incremental strategy (MERGE on the warehouses that have it) on ClickHouse, which has
 * no MERGE: a matched row (same unique_key) is updated, an unmatched one inserted — delete+insert's
 * result — except that the columns of `merge_exclude_columns` (or those not in
 * `merge_update_columns`) keep the table's values in matched rows. The new rows are rewritten so
 * that those columns come from the table where the key matches; delete+insert then puts them in
 * place. Without a unique_key, merge inserts every row (append).
 */
export function mergeStrategyOf(node: ModelNode): 'delete_insert' | 'append' {
  return uniqueKeyOf(node.config) ? 'delete_insert' : 'append';
}

/** The model's new rows with the excluded columns taken from `target` for matched keys (unchanged when none is excluded). */
export function mergeRowsSql(node: ModelNode, sql: string, columns: readonly string[], target: Relation = node.relation): string {
  const keys = uniqueKeyOf(node.config) ?? [];
  const names = (v: unknown) => (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map((c) => String(c).toLowerCase());
  const exclude = new Set(names(node.config.merge_exclude_columns));
  const update = names(node.config.merge_update_columns);
  const keyNames = new Set(keys.map((k) => k.toLowerCase()));
  const kept = columns.filter((c) => !keyNames.has(c.toLowerCase()) && (exclude.has(c.toLowerCase()) || (update.length > 0 && !update.includes(c.toLowerCase()))));
  if (keys.length === 0 || kept.length === 0 || !keys.every((k) => columns.some((c) => c.toLowerCase() === k.toLowerCase()))) return sql;
  const q = quoteIdentifier;
  const matched = '__tsdbt_merge_matched';
  const select = columns.map((c) => (kept.includes(c) ? `if(__tsdbt_old.${q(matched)} = 1, __tsdbt_old.${q(c)}, __tsdbt_new.${q(c)}) AS ${q(c)}` : `${keyNames.has(c.toLowerCase()) ? q(c) : `__tsdbt_new.${q(c)}`} AS ${q(c)}`));
  return `SELECT ${select.join(', ')}
FROM (
${sql}
) AS __tsdbt_new
LEFT JOIN (SELECT ${[...keys.map(q), ...kept.map(q)].join(', ')}, 1 AS ${q(matched)} FROM ${relationSql(target.schema, target.identifier)}) AS __tsdbt_old
USING (${keys.map(q).join(', ')})
SETTINGS join_use_nulls = 0`;
}
