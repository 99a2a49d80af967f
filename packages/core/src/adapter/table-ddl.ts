import type { NodeConfig } from '../manifest/config.js';
import type { Relation } from '../manifest/nodes.js';
import { relationSql } from '../render/placeholders.js';
import { settingsClause } from './settings-clause.js';
import { ProjectError } from '../shared/errors.js';
import { blankNonCode } from '../shared/sql-statements.js';

/**
 * A table key from config: a list is a tuple of its items; a string is ClickHouse SQL, and one of
 * several expressions (`order_by='category_id, product_id'`) is a tuple too — ClickHouse's
 * `ORDER BY a, b` is a syntax error, and dbt-clickhouse's order_cols/partition_cols wrap every key
 * in parentheses. A single expression is written as it is (the sorting key tables built before keep).
 */
const listOrString = (v: unknown): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.length ? `(${v.join(', ')})` : undefined;
  const sql = String(v);
  return hasTopLevelComma(sql) ? `(${sql})` : sql;
};

function hasTopLevelComma(sql: string): boolean {
  let depth = 0;
  for (const c of blankNonCode(sql)) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

/**
 * PARTITION BY from `partition_by`: ClickHouse SQL (a string or a list of expressions), or the
 * BigQuery form packages write for every warehouse (fivetran's dbt_shopify, dbt_artifacts):
 * `{field, data_type, granularity}` partitions by the field's day (BigQuery's default), hour, month
 * or year; `{field, data_type: int64, range: {interval}}` by buckets of `interval`. Partitions only
 * place rows in parts: the table's rows are the same whatever the key.
 */
export function partitionByExpression(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return listOrString(v);
  const spec = v as Record<string, unknown>;
  const field = typeof spec.field === 'string' ? spec.field : undefined;
  if (!field)
    throw new ProjectError('partition_by', `partition_by ${JSON.stringify(v)} names no field`, {
      hint: "Write partition_by as ClickHouse SQL (partition_by='toYYYYMM(event_date)') or as BigQuery's {'field': 'event_date', 'data_type': 'date'}.",
    });
  const range = spec.range && typeof spec.range === 'object' ? (spec.range as Record<string, unknown>) : undefined;
  if (range) return `intDiv(${field}, ${Math.max(1, Number(range.interval) || 1)})`;
  const granularity = String(spec.granularity ?? 'day').toLowerCase();
  if (String(spec.data_type ?? 'date').toLowerCase() === 'int64') return field;
  if (granularity === 'hour') return `toStartOfHour(${field})`;
  if (granularity === 'month') return `toYYYYMM(${field})`;
  if (granularity === 'year') return `toYear(${field})`;
  return `toYYYYMMDD(${field})`;
}

/**
 * The settings a model's inserts need for its partition key: BigQuery's `{field, data_type}` is a
 * partition per day here as there, and one insert of a date spine or a backfill writes hundreds of
 * them (fivetran's dbt_mixpanel: a daily spine from 2010) — BigQuery takes it, ClickHouse refuses
 * more than max_partitions_per_insert_block (100) and writes nothing (TOO_MANY_PARTS). The limit is
 * lifted for such a model's statements (the partitions are ours, not the project's choice); a model
 * that sets the setting keeps its value. A partition_by written as ClickHouse SQL is left to ClickHouse.
 */
export function partitionInsertSettings(config: Readonly<NodeConfig>): Record<string, number> | undefined {
  const v = config.partition_by;
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof (v as Record<string, unknown>).field !== 'string') return undefined;
  const own = config.query_settings;
  if (own && typeof own === 'object' && 'max_partitions_per_insert_block' in own) return undefined;
  return { max_partitions_per_insert_block: 0 };
}

/**
 * The table settings a model partitioned by BigQuery's `{field, data_type}` needs: on BigQuery a NULL
 * partition value goes to its `__NULL__` partition; ClickHouse refuses a Nullable partition key
 * (ILLEGAL_COLUMN "Partition key contains nullable columns") unless the MergeTree table allows it, and
 * fivetran's dbt_ga4_export partitions by a Nullable `event_date` (its models failed to build). NULL
 * keys get a partition of their own, as there; a model that sets the setting keeps its value. A
 * partition_by written as ClickHouse SQL is left to ClickHouse.
 */
export function partitionTableSettings(config: Readonly<NodeConfig>): Record<string, number> | undefined {
  const v = config.partition_by;
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof (v as Record<string, unknown>).field !== 'string') return undefined;
  if (!/MergeTree/i.test(String(config.engine ?? 'MergeTree()'))) return undefined;
  const own = config.settings;
  if (own && typeof own === 'object' && 'allow_nullable_key' in own) return undefined;
  return { allow_nullable_key: 1 };
}

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
  const primaryKey = listOrString(config.primary_key);
  // A MergeTree's primary key must prefix its sorting key: a primary_key alone sorts by it (dbt-clickhouse's order_by_clause).
  const orderBy = listOrString(config.order_by) ?? (isMergeTree ? (primaryKey ?? 'tuple()') : undefined);
  const partitionBy = partitionByExpression(config.partition_by);
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
