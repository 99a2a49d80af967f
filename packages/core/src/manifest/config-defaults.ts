/**
 * dbt's config dataclasses with their defaults (dbt-core artifacts/resources/v1: NodeAndTestConfig,
 * NodeConfig, ModelConfig, SeedConfig, SnapshotConfig, TestConfig, SourceConfig, FunctionConfig), in
 * their field order: manifest.json, `ls --output json` and `graph.nodes` write every declared field,
 * and `config.get('alias', 'x')` answers a declared field's value (None), not the fallback.
 * A fresh object each call (a template may update a dict it reads).
 */
export function dbtConfigDefaults(resourceType: string): Record<string, unknown> | undefined {
  switch (resourceType) {
    case 'model':
      return { ...nodeConfig('view'), access: 'protected', freshness: null };
    case 'analysis':
      return nodeConfig('view');
    case 'seed':
      return { ...nodeConfig('seed'), delimiter: ',', quote_columns: null };
    case 'snapshot': {
      const c = nodeConfig('snapshot');
      return {
        ...c, strategy: null, unique_key: null, target_schema: null, target_database: null, updated_at: null, check_cols: null,
        snapshot_meta_column_names: { dbt_valid_to: null, dbt_valid_from: null, dbt_scd_id: null, dbt_updated_at: null, dbt_is_deleted: null },
        dbt_valid_to_current: null,
      };
    }
    case 'function':
      return { ...nodeConfig('function'), type: 'scalar', volatility: null, runtime_version: null, entry_point: null };
    case 'test':
      return {
        ...nodeAndTest(), schema: 'dbt_test__audit', materialized: 'test', severity: 'ERROR', store_failures: null, store_failures_as: null,
        where: null, limit: null, fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0',
      };
    case 'source':
      return { enabled: true, event_time: null, freshness: { warn_after: { count: null, period: null }, error_after: { count: null, period: null }, filter: null }, loaded_at_field: null, loaded_at_query: null, meta: {}, tags: [], static_analysis: null };
    default:
      return undefined;
  }
}

/** The config keys dbt declares for a resource type (its dataclass fields; `pre_hook` spelled both ways). */
export function isDeclaredConfigKey(resourceType: string, key: string): boolean {
  let keys = declared.get(resourceType);
  if (!keys) {
    keys = new Set(Object.keys(dbtConfigDefaults(resourceType) ?? {}));
    if (keys.has('pre-hook')) for (const k of ['pre_hook', 'post_hook']) keys.add(k);
    declared.set(resourceType, keys);
  }
  return keys.has(key);
}
const declared = new Map<string, Set<string>>();

function nodeAndTest(): Record<string, unknown> {
  return { enabled: true, alias: null, schema: null, database: null, tags: [], meta: {}, group: null, static_analysis: null };
}

function nodeConfig(materialized: string): Record<string, unknown> {
  return {
    ...nodeAndTest(), materialized, incremental_strategy: null, batch_size: null, lookback: 1, begin: null, persist_docs: {},
    'post-hook': [], 'pre-hook': [], quoting: {}, column_types: {}, full_refresh: null, unique_key: null, on_schema_change: 'ignore',
    on_configuration_change: 'apply', grants: {}, packages: [], docs: { show: true, node_color: null },
    contract: { enforced: false, alias_types: true }, event_time: null, concurrent_batches: null,
  };
}
