import type { NodeConfig } from './config.js';
import { ProjectError } from '../shared/errors.js';

/** dbt 1.9's microbatch configs of a model, checked (dbt's check_valid_microbatch_config). */
export type BatchSize = 'hour' | 'day' | 'month' | 'year';
export const BATCH_SIZES: readonly BatchSize[] = ['hour', 'day', 'month', 'year'];

export interface MicrobatchConfig {
  /** The model's event time column (its batches are windows of it). */
  readonly eventTime: string;
  readonly batchSize: BatchSize;
  /** Where a first build or a full refresh starts. */
  readonly begin: Date;
  /** Batches before the current one that an incremental run reprocesses (default 1). */
  readonly lookback: number;
  /** Run the batches between the first and the last side by side (`concurrent_batches: true`). */
  readonly concurrent: boolean;
}

export const isMicrobatch = (config: NodeConfig): boolean =>
  String(config.materialized) === 'incremental' && String(config.incremental_strategy ?? '') === 'microbatch';

/**
 * dbt's Manifest.use_microbatch_batches (1.9+): microbatch models run batch by batch unless a macro
 * `get_incremental_microbatch_sql` of the root project or an installed package (not dbt's own: `builtIn`)
 * exists and `flags: require_batched_execution_for_custom_microbatch_strategy` is not true (its default):
 * dbt then runs them as any incremental model — one run, no `model.batch`, inputs not filtered by
 * event_time, configs not checked as microbatch ones — and warns MicrobatchMacroOutsideOfBatchesDeprecation.
 * This holds on every adapter (dbt-core's runner decides; dbt-clickhouse's materialization never calls the macro).
 */
export function usesMicrobatchBatches(flags: Readonly<Record<string, unknown>> | undefined, macros: Iterable<{ readonly name: string; readonly packageName: string }>, builtIn: string): boolean {
  if (flags?.require_batched_execution_for_custom_microbatch_strategy === true) return true;
  for (const m of macros) if (m.name === 'get_incremental_microbatch_sql' && m.packageName !== builtIn) return false;
  return true;
}

/** dbt's MicrobatchMacroOutsideOfBatchesDeprecation text. */
export const MICROBATCH_MACRO_OUTSIDE_BATCHES =
  'The use of a custom microbatch macro outside of batched execution is deprecated. To use it with batched execution, set `flags.require_batched_execution_for_custom_microbatch_strategy` to `True` in `dbt_project.yml`. In the future this will be the default behavior.';

/**
 * A datetime as dbt takes it (Python's datetime.fromisoformat, or a date YAML parsed), read as
 * UTC; undefined when it is not one.
 */
export function parseDatetime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', tz] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(utc) || new Date(utc).getUTCDate() !== Number(d)) return undefined;
  if (!tz || tz === 'Z') return new Date(utc);
  const sign = tz.startsWith('-') ? -1 : 1;
  const [oh, om] = [Number(tz.slice(1, 3)), Number(tz.slice(-2))];
  return new Date(utc - sign * (oh * 60 + om) * 60_000);
}

/** The microbatch configs of a model, or a ProjectError with dbt's wording naming what is wrong. */
export function microbatchConfigOf(node: { readonly name: string; readonly config: NodeConfig; readonly originalFilePath: string }): MicrobatchConfig {
  const { name, config } = node;
  const fail = (message: string, hint: string): never => {
    throw new ProjectError('microbatch_config', message, { file: node.originalFilePath, hint });
  };
  const eventTime = config.event_time;
  if (eventTime === undefined || eventTime === null)
    fail(`Microbatch model '${name}' must provide an 'event_time' (string) config that indicates the name of the event time column.`, "Add config(event_time='created_at').");
  if (typeof eventTime !== 'string') fail(`Microbatch model '${name}' must provide an 'event_time' config of type string, but got: ${typeof eventTime}.`, "Write event_time='created_at'.");
  if (config.begin === undefined || config.begin === null)
    fail(`Microbatch model '${name}' must provide a 'begin' (datetime) config that indicates the earliest timestamp the microbatch model should be built from.`, "Add config(begin='2024-01-01').");
  const begin = parseDatetime(config.begin);
  if (!begin) fail(`Microbatch model '${name}' must provide a 'begin' config of valid datetime (ISO format), but got: ${String(config.begin)}.`, "Write begin='2024-01-01' or '2024-01-01T00:00:00'.");
  const batchSize = String(config.batch_size) as BatchSize;
  if (!BATCH_SIZES.includes(batchSize))
    fail(`Microbatch model '${name}' must provide a 'batch_size' config that is one of ${JSON.stringify(BATCH_SIZES)}, but got: ${String(config.batch_size)}.`, "Add config(batch_size='day').");
  const lookback = config.lookback ?? 1;
  if (typeof lookback !== 'number' || !Number.isInteger(lookback) || lookback < 0)
    fail(`Microbatch model '${name}' must provide the optional 'lookback' config as a whole number of at least 0, but got: ${String(lookback)}.`, 'Write lookback=1 (the default).');
  const concurrent = config.concurrent_batches;
  if (concurrent !== undefined && concurrent !== null && typeof concurrent !== 'boolean')
    fail(`Microbatch model '${name}' optional 'concurrent_batches' config must be of type \`bool\` if specified, but got: ${typeof concurrent}.`, 'Write concurrent_batches=true or false.');
  return { eventTime: eventTime as string, batchSize, begin: begin!, lookback: lookback as number, concurrent: concurrent === true };
}
