import type { ManifestNode } from '../manifest/nodes.js';
import { SET_OPERATION_SETTINGS } from './dbt-semantics/set-operation-modes.js';

/**
 * Query settings tsdbt adds to a node's statements on its own: dbt_semantics' (load/dbt-semantics.ts, dbt-semantics/
 * common-types.ts, run-settings.ts: cast-keep-nullable, column-precedence, set-operation-modes; join-order-fallback.ts).
 */
const ADDED_SETTINGS = [
  'join_use_nulls',
  'use_variant_as_common_type',
  'cast_keep_nullable',
  'prefer_column_name_to_alias',
  ...SET_OPERATION_SETTINGS,
  'query_plan_optimize_join_order_limit',
  'correlated_subqueries_use_in_memory_buffer',
] as const;

/**
 * A node's warehouse error as dbt words it (dbt-common DbtRuntimeError.__str__): `Database Error in
 * <type> <name> (<path>)`, then the warehouse's message indented. ClickHouse quotes the statement
 * ("In scope SELECT … SETTINGS join_use_nulls = 1, use_variant_as_common_type = 0"): the settings
 * tsdbt added, not the project, are taken out of the quote (the user never wrote them).
 */
export function databaseErrorMessage(node: ManifestNode, message: string): string {
  const own = ownSettings(node);
  let text = message;
  for (const name of ADDED_SETTINGS) if (!own.has(name)) text = withoutSetting(text, name);
  return nodeErrorMessage('Database', node, text);
}

/** dbt-common DbtRuntimeError.__str__ of an error attached to a node: `<kind> Error in <type> <name> (<path>)`, then the message indented. */
export function nodeErrorMessage(kind: 'Database' | 'Compilation', node: ManifestNode, message: string): string {
  const lines = message.split('\n').map((l) => (l.startsWith('  ') ? l : `  ${l}`));
  return `${kind} Error in ${node.resourceType} ${node.name} (${node.originalFilePath})\n${lines.join('\n')}`;
}

function ownSettings(node: ManifestNode): Set<string> {
  const own = node.ownQuerySettings !== undefined ? node.ownQuerySettings : node.config.query_settings;
  return new Set(own && typeof own === 'object' && !Array.isArray(own) ? Object.keys(own) : []);
}

/** `text` without the setting `name = value` in a quoted SETTINGS clause (and the clause when it was the only one). */
function withoutSetting(text: string, name: string): string {
  const value = String.raw`\s*=\s*(?:'[^']*'|-?\d+(?:\.\d+)?\b|\w+)`;
  return text
    .replace(new RegExp(String.raw`\s+SETTINGS\s+${name}${value}(?=\s*(?:[.;()]|$|\s+FORMAT\b))`, 'gi'), '')
    .replace(new RegExp(String.raw`(\bSETTINGS\s+)${name}${value}\s*,\s*`, 'gi'), '$1')
    .replace(new RegExp(String.raw`\s*,\s*${name}${value}`, 'gi'), '');
}
