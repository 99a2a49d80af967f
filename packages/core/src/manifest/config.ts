/**
 * Node configuration: what `config()`, schema YAML and project folders can set.
 * Keys follow dbt / dbt-clickhouse names so existing projects keep working.
 */
export interface NodeConfig {
  readonly enabled: boolean;
  readonly materialized: string;
  readonly schema?: string;
  readonly alias?: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** Materializations a model may ask for (adapter/materializations/ implements each; ephemeral is inlined). */
export const KNOWN_MATERIALIZATIONS: ReadonlySet<string> = new Set(['view', 'table', 'incremental', 'ephemeral', 'distributed_table', 'distributed_incremental', 'dictionary', 'materialized_view']);

/** Every config key tsdbt understands; anything else is reported with its file and line. */
export const KNOWN_CONFIG_KEYS: ReadonlySet<string> = new Set([
  // common
  'enabled', 'materialized', 'schema', 'database', 'alias', 'tags', 'meta', 'docs', 'persist_docs',
  'pre_hook', 'post_hook', 'pre-hook', 'post-hook', 'full_refresh', 'group', 'access', 'contract', 'grants',
  'quoting', 'sql_header', 'description',
  // Python models: the keys dbt.config.get() / meta_get() read (dbt's parser sets them)
  'config_keys_used', 'config_keys_defaults', 'meta_keys_used', 'meta_keys_defaults',
  // sources (dbt 1.9+ accepts freshness in config too)
  'freshness', 'loaded_at_field', 'loaded_at_query',
  // dbt's answers on ClickHouse (load/dbt-semantics.ts): outer joins fill NULLs, `t.col` named `col`
  'dbt_semantics',
  // ClickHouse view DDL (dbt-clickhouse)
  'sql_security', 'definer',
  // ClickHouse table DDL
  'engine', 'order_by', 'partition_by', 'primary_key', 'settings', 'query_settings', 'ttl', 'indexes', 'projections',
  // incremental
  'unique_key', 'incremental_strategy', 'on_schema_change', 'incremental_predicates', 'predicates', 'inserts_only',
  'merge_exclude_columns', 'merge_update_columns',
  // microbatch (dbt 1.9); event_time also on the models and sources it reads
  'event_time', 'batch_size', 'begin', 'lookback', 'concurrent_batches',
  // cluster
  'disable_on_cluster', 'sharding_key',
  // materialized views (dbt-clickhouse's catchup and refreshable; target for an explicit target model)
  'target', 'catchup', 'refreshable', 'refresh', 'repopulate_from_mvs_on_full_refresh', 'mv_on_schema_change',
  // dictionary (dbt-clickhouse's names, and dict_source for any other source)
  'layout', 'lifetime', 'range', 'dict_source', 'fields', 'source_type', 'url', 'format', 'table', 'connection_overrides', 'update_field', 'update_lag',
  // functions (dbt 1.11 UDFs)
  'type', 'volatility', 'runtime_version', 'entry_point', 'packages',
  // snapshots
  'strategy', 'updated_at', 'check_cols', 'target_schema', 'target_database', 'hard_deletes', 'invalidate_hard_deletes',
  'dbt_valid_to_current', 'snapshot_meta_column_names',
  // seeds
  'column_types', 'delimiter', 'quote_columns',
  // tests
  'severity', 'warn_if', 'error_if', 'fail_calc', 'where', 'limit', 'store_failures', 'store_failures_as',
]);

/** dbt's check of one config() call (providers.py _transform_config): a hook spelled both ways. */
export function conflictingHookKeys(call: Readonly<Record<string, unknown>>): [string, string] | undefined {
  for (const key of ['pre_hook', 'post_hook'])
    if (key in call && key.replace('_', '-') in call) return [key, key.replace('_', '-')];
  return undefined;
}

/**
 * A model's unique_key as a list of key expressions; undefined when there is none (null, '' or an
 * empty list: dbt's `unique_key=[]` is falsy in its Jinja, so an incremental model appends).
 */
export function uniqueKeyOf(config: Readonly<Record<string, unknown>>): string[] | undefined {
  const raw = config.unique_key;
  const keys = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map((k) => String(k).trim()).filter((k) => k !== '');
  return keys.length ? keys : undefined;
}

export const DEFAULT_MODEL_CONFIG: NodeConfig = Object.freeze({
  enabled: true,
  materialized: 'view',
  tags: [],
  meta: {},
});

/** dbt's FunctionConfig defaults: a scalar function (volatility unset: the warehouse's default). */
export const DEFAULT_FUNCTION_CONFIG: NodeConfig = Object.freeze({
  enabled: true,
  materialized: 'function',
  type: 'scalar',
  tags: [],
  meta: {},
});

export const DEFAULT_SEED_CONFIG: NodeConfig = Object.freeze({
  enabled: true,
  materialized: 'seed',
  tags: [],
  meta: {},
});

export const DEFAULT_SNAPSHOT_CONFIG: NodeConfig = Object.freeze({
  enabled: true,
  materialized: 'snapshot',
  tags: [],
  meta: {},
});

export const DEFAULT_TEST_CONFIG: NodeConfig = Object.freeze({
  enabled: true,
  materialized: 'test',
  tags: [],
  meta: {},
  severity: 'ERROR',
  fail_calc: 'count(*)',
  warn_if: '!= 0',
  error_if: '!= 0',
});

/** A node's pre_hook or post_hook as written (a string, a list, or dbt's `{sql: …}` form), as SQL texts. */
export function hooksOf(config: NodeConfig, which: 'pre_hook' | 'post_hook'): string[] {
  return hookEntriesOf(config, which).map((h) => h.sql);
}

/**
 * A node's hooks as dbt's Hook objects: dbt's get_hook_dict reads a dict, or a string that is a JSON
 * object (`after_commit("…")` / `before_begin("…")` render to one), else the string is the SQL.
 * `transaction` defaults to true.
 */
export function hookEntriesOf(config: NodeConfig, which: 'pre_hook' | 'post_hook'): { sql: string; transaction: boolean }[] {
  const raw = config[which];
  return (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map((h) => {
    // (a macro's output, e.g. after_commit()'s, is a safe-string object: read as its text)
    const dict = typeof h === 'object' && h !== null && 'sql' in h ? (h as Record<string, unknown>) : jsonObject(String(h));
    if (!dict || !('sql' in dict)) return { sql: String(h), transaction: true };
    return { sql: String(dict.sql), transaction: dict.transaction !== false };
  });
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
