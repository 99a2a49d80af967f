import type { NodeConfig } from './config.js';

/** What happens to a current version whose key left the snapshot query (dbt 1.9's `hard_deletes`). */
export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

/** dbt's `snapshot_table_column_names`: the meta columns, renamed by `snapshot_meta_column_names`. */
export interface SnapshotColumnNames {
  readonly dbt_scd_id: string;
  readonly dbt_updated_at: string;
  readonly dbt_valid_from: string;
  readonly dbt_valid_to: string;
  readonly dbt_is_deleted: string;
}

/** A snapshot's config, checked and resolved as dbt's SnapshotConfig and strategy macros do. */
export interface SnapshotSettings {
  /** 'custom': a project's or package's `snapshot_<name>_strategy` macro (`customStrategy` names it, maybe `package.name`). */
  readonly strategy: 'timestamp' | 'check' | 'custom';
  readonly customStrategy?: string;
  /**
   * What that macro returned (dbt's strategy dict), read when the snapshot runs: row_changed over
   * `snapshotted_data.<col>` / `source_data.<col>`, scd_id over the query's columns. updatedAt and
   * uniqueKey then hold the strategy's updated_at and unique_key.
   */
  readonly custom?: { readonly rowChanged: string; readonly scdId: string };
  /** One expression, or several columns (each becomes `dbt_unique_key_<i>`). */
  readonly uniqueKey: string | readonly string[];
  /** Timestamp strategy: the column compared; check strategy: optional, else the snapshot time. */
  readonly updatedAt?: string;
  /** Check strategy only. */
  readonly checkCols?: 'all' | readonly string[];
  readonly hardDeletes: HardDeletes;
  /** SQL for dbt_valid_to of current versions (dbt_valid_to_current), else NULL. */
  readonly validToCurrent?: string;
  readonly columns: SnapshotColumnNames;
}

export const DEFAULT_SNAPSHOT_COLUMNS: SnapshotColumnNames = Object.freeze({
  dbt_scd_id: 'dbt_scd_id',
  dbt_updated_at: 'dbt_updated_at',
  dbt_valid_from: 'dbt_valid_from',
  dbt_valid_to: 'dbt_valid_to',
  dbt_is_deleted: 'dbt_is_deleted',
});

/** A config problem: the message says what is wrong, `key` which config key to point at. */
export class SnapshotConfigProblem {
  constructor(
    readonly message: string,
    readonly key: string,
    readonly hint: string,
  ) {}
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== '');

/**
 * dbt's rules (SnapshotConfig.final_validate, get_hard_deletes_behavior): a strategy and a
 * unique_key; `check` needs check_cols ('all' or a list), `timestamp` needs updated_at and no
 * check_cols; hard_deletes and the legacy invalidate_hard_deletes are exclusive.
 */
export function resolveSnapshotConfig(config: NodeConfig): SnapshotSettings | SnapshotConfigProblem {
  const { strategy, unique_key: key, updated_at: updatedAt, check_cols: checkCols } = config;
  if (config.materialized !== 'snapshot')
    return new SnapshotConfigProblem(`A snapshot must have a materialized value of 'snapshot' (found '${String(config.materialized)}')`, 'materialized', "Remove 'materialized' from the snapshot's config.");
  if (!strategy || (typeof key !== 'string' && !isStringList(key)) || (typeof key === 'string' && key.trim() === ''))
    return new SnapshotConfigProblem("Snapshots must be configured with a 'strategy' and 'unique_key'", strategy ? 'unique_key' : 'strategy', "Add e.g. config(strategy='timestamp', unique_key='id', updated_at='updated_at').");
  if (typeof strategy !== 'string' || strategy.trim() === '')
    return new SnapshotConfigProblem(`Snapshot strategy ${JSON.stringify(strategy)} is not a name`, 'strategy', "Use strategy='timestamp' (with updated_at), strategy='check' (with check_cols) or the name of a snapshot_<name>_strategy macro.");
  let cols: 'all' | readonly string[] | undefined;
  if (strategy !== 'timestamp' && strategy !== 'check') {
    // dbt's strategy_dispatch finds the macro when the snapshot runs; its config rules are the macro's own.
    if (checkCols === 'all' || isStringList(checkCols)) cols = checkCols as 'all' | string[];
  } else if (strategy === 'check') {
    if (checkCols === undefined || checkCols === null || (Array.isArray(checkCols) && checkCols.length === 0))
      return new SnapshotConfigProblem('A snapshot configured with the check strategy must specify a check_cols configuration', 'check_cols', "Add check_cols='all' or check_cols=['col_a', 'col_b'].");
    if (typeof checkCols === 'string' && checkCols !== 'all')
      return new SnapshotConfigProblem(`Invalid value for 'check_cols': ${checkCols}. Expected 'all' or a list of strings`, 'check_cols', `Write check_cols=['${checkCols}'] to check one column.`);
    if (typeof checkCols !== 'string' && !isStringList(checkCols))
      return new SnapshotConfigProblem(`Invalid value for 'check_cols': ${JSON.stringify(checkCols)}. Expected 'all' or a list of strings`, 'check_cols', "Write check_cols='all' or a list of column names.");
    cols = checkCols as 'all' | string[];
  } else {
    if (typeof updatedAt !== 'string' || updatedAt.trim() === '')
      return new SnapshotConfigProblem('A snapshot configured with the timestamp strategy must specify an updated_at configuration', 'updated_at', "Add updated_at='updated_at' (the column that changes when a row changes).");
    if (checkCols !== undefined && checkCols !== null) return new SnapshotConfigProblem("A 'timestamp' snapshot should not have 'check_cols'", 'check_cols', "Remove check_cols, or use strategy='check'.");
  }
  if (updatedAt !== undefined && updatedAt !== null && typeof updatedAt !== 'string')
    return new SnapshotConfigProblem(`'updated_at' must be a column name (found ${JSON.stringify(updatedAt)})`, 'updated_at', "Write updated_at='updated_at'.");
  const hardDeletes = hardDeletesOf(config);
  if (hardDeletes instanceof SnapshotConfigProblem) return hardDeletes;
  const names = config.snapshot_meta_column_names;
  if (names !== undefined && names !== null && (typeof names !== 'object' || Array.isArray(names)))
    return new SnapshotConfigProblem("'snapshot_meta_column_names' must be a mapping such as {dbt_valid_from: valid_from}", 'snapshot_meta_column_names', 'Map any of dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted to a column name.');
  const columns: Record<string, string> = { ...DEFAULT_SNAPSHOT_COLUMNS };
  for (const [k, v] of Object.entries((names ?? {}) as Record<string, unknown>)) {
    if (!(k in DEFAULT_SNAPSHOT_COLUMNS))
      return new SnapshotConfigProblem(`Unknown key '${k}' in snapshot_meta_column_names`, 'snapshot_meta_column_names', `Use one of ${Object.keys(DEFAULT_SNAPSHOT_COLUMNS).join(', ')}.`);
    if (v !== null && v !== undefined && v !== '') columns[k] = String(v);
  }
  const current = config.dbt_valid_to_current;
  const custom = strategy !== 'timestamp' && strategy !== 'check';
  return {
    strategy: custom ? 'custom' : strategy,
    ...(custom ? { customStrategy: strategy } : {}),
    uniqueKey: typeof key === 'string' ? key : (key as string[]),
    updatedAt: typeof updatedAt === 'string' && updatedAt.trim() !== '' ? updatedAt : undefined,
    checkCols: cols,
    hardDeletes,
    validToCurrent: current === undefined || current === null || String(current).trim() === '' ? undefined : String(current),
    columns: columns as unknown as SnapshotColumnNames,
  };
}

/** dbt's adapter.get_hard_deletes_behavior(). */
function hardDeletesOf(config: NodeConfig): HardDeletes | SnapshotConfigProblem {
  const legacy = config.invalidate_hard_deletes;
  const mode = config.hard_deletes;
  if (legacy !== undefined && legacy !== null && mode !== undefined && mode !== null)
    return new SnapshotConfigProblem('You cannot set both the invalidate_hard_deletes and hard_deletes config properties on the same snapshot', 'hard_deletes', "Keep hard_deletes ('invalidate' replaces invalidate_hard_deletes=true).");
  if (legacy === true || mode === 'invalidate') return 'invalidate';
  if (mode === 'new_record') return 'new_record';
  if (mode === undefined || mode === null || mode === 'ignore') return 'ignore';
  return new SnapshotConfigProblem(`Invalid setting for property hard_deletes: '${String(mode)}'`, 'hard_deletes', "Use 'ignore', 'invalidate' or 'new_record'.");
}
