import type { NodeConfig } from '../manifest/config.js';
import type { Relation } from '../manifest/nodes.js';
import { relationSql } from '../render/placeholders.js';
import { settingsClause } from './clickhouse-adapter.js';

const listOrString = (v: unknown): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : Array.isArray(v) ? (v.length ? `(${v.join(', ')})` : undefined) : String(v);

/** Table engine clauses from a model's config: engine, ORDER BY, PARTITION BY, PRIMARY KEY, TTL, SETTINGS. */
export function engineClause(config: NodeConfig): string {
  const engine = String(config.engine ?? 'MergeTree()');
  const parts = [`ENGINE = ${engine}`];
  const isMergeTree = /MergeTree/i.test(engine);
  const orderBy = listOrString(config.order_by) ?? (isMergeTree ? 'tuple()' : undefined);
  const partitionBy = listOrString(config.partition_by);
  const primaryKey = listOrString(config.primary_key);
  if (partitionBy) parts.push(`PARTITION BY ${partitionBy}`);
  if (orderBy) parts.push(`ORDER BY ${orderBy}`);
  if (primaryKey) parts.push(`PRIMARY KEY ${primaryKey}`);
  if (typeof config.ttl === 'string' && config.ttl) parts.push(`TTL ${config.ttl}`);
  const settings = settingsClause(config.settings);
  if (settings) parts.push(settings);
  return parts.join('\n');
}

/** `CREATE TABLE rel ENGINE … AS <sql> [SETTINGS query_settings]`. */
export function createTableAs(rel: Relation, config: NodeConfig, sql: string): string {
  const querySettings = settingsClause(config.query_settings);
  return `CREATE TABLE ${relationSql(rel.schema, rel.identifier)}\n${engineClause(config)}\nAS ${sql}${querySettings ? `\n${querySettings}` : ''}`;
}
