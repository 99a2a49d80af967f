import type { NodeConfig } from '../manifest/config.js';
import type { Relation } from '../manifest/nodes.js';
import { relationSql } from '../render/placeholders.js';
import { settingsClause } from './clickhouse-adapter.js';

const listOrString = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : Array.isArray(v) ? (v.length ? `(${v.join(', ')})` : undefined) : String(v);

/**
 * Cluster mode: `MergeTree(...)` and its variants (`ReplacingMergeTree(ver)`…) become
 * `Replicated…MergeTree('/clickhouse/tables/{shard}/<db>/<table>', '{replica}', ...)`; an engine that
 * is already replicated, or not a MergeTree, stays as written. The database and table are written
 * out rather than left as `{database}`/`{table}` macros: old servers keep the macro in the metadata
 * and expand it again with the table's new name after a RENAME, and a table built beside the one it
 * replaces needs a ZooKeeper path of its own.
 */
export function replicatedEngine(engine: string, rel: Relation): string {
  const m = /^\s*(\w*)MergeTree\s*(?:\(([\s\S]*)\))?\s*$/.exec(engine);
  if (!m || m[1]!.startsWith('Replicated')) return engine;
  const path = `'/clickhouse/tables/{shard}/${rel.schema.replace(/'/g, '')}/${rel.identifier.replace(/'/g, '')}'`;
  const args = [path, "'{replica}'", ...(m[2]?.trim() ? [m[2].trim()] : [])];
  return `Replicated${m[1]}MergeTree(${args.join(', ')})`;
}

/**
 * dbt-clickhouse's default (unless the profile allows automatic deduplication): MergeTree tables get
 * `replicated_deduplication_window = 0`, so a replicated table (every MergeTree in cluster mode)
 * never drops an INSERT whose block equals an earlier one — an incremental that appends the same
 * rows twice keeps both, as on any other warehouse. A model's own value wins.
 */
function withDedupWindow(settings: unknown): Record<string, unknown> {
  const own = settings && typeof settings === 'object' ? (settings as Record<string, unknown>) : {};
  return 'replicated_deduplication_window' in own ? own : { ...own, replicated_deduplication_window: 0 };
}

/**
 * Table engine clauses from a model's config: engine, ORDER BY, PARTITION BY, PRIMARY KEY, TTL, SETTINGS.
 * With `replicatedAs` (cluster mode), a MergeTree engine becomes its replicated variant for that table.
 */
export function engineClause(config: NodeConfig, replicatedAs?: Relation): string {
  const configured = String(config.engine ?? 'MergeTree()');
  const engine = replicatedAs ? replicatedEngine(configured, replicatedAs) : configured;
  const parts = [`ENGINE = ${engine}`];
  const isMergeTree = /MergeTree/i.test(engine);
  const orderBy = listOrString(config.order_by) ?? (isMergeTree ? 'tuple()' : undefined);
  const partitionBy = listOrString(config.partition_by);
  const primaryKey = listOrString(config.primary_key);
  if (partitionBy) parts.push(`PARTITION BY ${partitionBy}`);
  if (orderBy) parts.push(`ORDER BY ${orderBy}`);
  if (primaryKey) parts.push(`PRIMARY KEY ${primaryKey}`);
  if (typeof config.ttl === 'string' && config.ttl) parts.push(`TTL ${config.ttl}`);
  const settings = settingsClause(isMergeTree ? withDedupWindow(config.settings) : config.settings);
  if (settings) parts.push(settings);
  return parts.join('\n');
}

/** `CREATE TABLE rel ENGINE … AS <sql> [SETTINGS query_settings]`. */
export function createTableAs(rel: Relation, config: NodeConfig, sql: string): string {
  const querySettings = settingsClause(config.query_settings);
  return `CREATE TABLE ${relationSql(rel.schema, rel.identifier)}\n${engineClause(config)}\nAS ${sql}${querySettings ? `\n${querySettings}` : ''}`;
}
