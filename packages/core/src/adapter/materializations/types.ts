import type { ModelNode, Relation } from '../../manifest/nodes.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';

export interface MaterializeContext {
  readonly adapter: ClickHouseAdapter;
  readonly node: ModelNode;
  /** Compiled SQL as of parse time (is_incremental() false). */
  readonly sql: string;
  /**
   * Renders and compiles the model again against the warehouse, e.g. with is_incremental() true, or
   * for one microbatch batch (`model.batch`; inputs with an event_time read within its window).
   */
  readonly recompile: (options: {
    isIncremental: boolean;
    batch?: { readonly id: string; readonly start: Date; readonly end: Date };
    /** round() as ClickHouse rounds (a float tie to even), not dbt's away from zero: a table whose keys were stored so (stored-rounding.ts). */
    clickhouseRound?: boolean;
    /** `cast(x as date)`, `x::date` and `date(x)` as ClickHouse's Date, not dbt_semantics' Date32: a table whose columns were stored so (stored-dates.ts). */
    clickhouseDates?: boolean;
  }) => string;
  readonly fullRefresh: boolean;
  readonly signal?: AbortSignal;
  /** --event-time-start / --event-time-end (UTC), for microbatch models. */
  readonly eventTime?: { readonly start?: Date; readonly end?: Date };
  /** The run's start (dbt's invocation time): where a microbatch model's batches end by default. */
  readonly runStartedAt?: Date;
  /** `retry` of a microbatch model's partial success: its batches then; only the failed ones run again. */
  readonly previousBatches?: BatchResults;
  /** A line of progress for the console (e.g. each microbatch batch). */
  readonly report?: (message: string) => void;
  /** The other models of the project, for materializations built from several (MV targets and their feeds). */
  readonly models?: ModelLookup;
  /** A project's `get_incremental_<name>_sql` macro for a custom incremental_strategy, if it defines one (execute/incremental-strategy.ts). */
  readonly strategyMacro?: StrategyMacro;
  /** The project's own version of a dbt-clickhouse incremental macro, if it defines one (execute/incremental-strategy.ts). */
  readonly clickhouseOverride?: ClickhouseOverride;
  /** false: a microbatch model runs as one incremental run, not batch by batch (manifest/microbatch-config.ts usesMicrobatchBatches). */
  readonly microbatchBatches?: boolean;
}

/** dbt's arg_dict of a custom incremental strategy, as tsdbt knows it (unique_key and incremental_predicates come from the node's config). */
export interface StrategyArgs {
  /** The model's table. */
  readonly target: Relation;
  /** The new rows, staged in a table beside it (dbt's temp_relation). */
  readonly temp: Relation;
  /** The columns the new rows go into (dbt's dest_columns). */
  readonly destColumns: readonly { readonly name: string; readonly type: string }[];
}

/** The macro `get_incremental_<name>_sql` as a function of the arg_dict (returning its SQL), or undefined when there is none. */
export type StrategyMacro = (name: string) => ((args: StrategyArgs) => string) | undefined;

/** dbt-clickhouse's incremental macros its materialization calls by name: a project's macro of that name is called instead. */
export type OverrideName = 'clickhouse__insert_into' | 'clickhouse__incremental_delete_insert' | 'clickhouse__incremental_insert_overwrite' | 'clickhouse__incremental_legacy';

/** The project's macro `name` (the model's package's, else the root project's), or undefined when it has none. */
export type ClickhouseOverride = (name: OverrideName) => OverrideMacro | undefined;

/** An argument of such a call: a relation (a dbt Relation in the macro), or a plain value. */
export type OverrideArg = { readonly relation: Relation } | string | boolean | null | readonly unknown[];

export interface OverrideMacro {
  readonly name: OverrideName;
  /** The file that defines it. */
  readonly file: string;
  /**
   * Calls it with `args`, the context's `sql` being `sql`; every statement it runs goes through
   * `statement` first (which may rewrite or refuse it). Returns its text (clickhouse__insert_into's: its INSERT).
   */
  call(args: readonly OverrideArg[], sql: string, statement: (text: string) => string): string;
}

/** What a materialization may know of the project's other models. */
export interface ModelLookup {
  /** The model named `name` in the project. */
  model(name: string): ModelNode | undefined;
  /** The compiled SQL of another model, as its own run would compile it. */
  sqlOf(node: ModelNode): string;
  /** The materialized view models whose `target` is `target`. */
  feedsOf(target: ModelNode): readonly ModelNode[];
  /** The `materialized_view` model whose own relation is `relation` (its schema and alias), if any. */
  viewModelAt(relation: Relation): ModelNode | undefined;
  /** Whether the run builds `node` too. */
  isSelected(node: ModelNode): boolean;
  /** The relations `node` reads (its refs and sources; ephemeral models have none of their own). */
  relationsReadBy(node: ModelNode): readonly Relation[];
}

export interface MaterializeResult {
  /** What fills dbt's status slot: `OK`, `CREATE VIEW`, `INSERT 123`… */
  readonly message: string;
  readonly rowsAffected?: number;
  readonly warnings: readonly string[];
  /** A microbatch model some of whose batches failed (`partial success`), or all (`error`); success otherwise. */
  readonly status?: 'partial success' | 'error';
  /** A microbatch model's batches, as [start, end] ISO strings (run_results' batch_results). */
  readonly batchResults?: BatchResults;
}

/** dbt's BatchResults: the successful and failed batches of a microbatch model. */
export interface BatchResults {
  readonly successful: readonly (readonly [string, string])[];
  readonly failed: readonly (readonly [string, string])[];
}

export type Materialization = (ctx: MaterializeContext) => Promise<MaterializeResult>;
