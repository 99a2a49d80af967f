import type { CompiledCode, ManifestNode, RefCall } from '../manifest/nodes.js';
import type { PlaceholderTarget } from './placeholders.js';
import type { ResolvedRelation } from './relation.js';

/** A warehouse answer as templates see it (an agate-like table). */
export interface QueryTable {
  readonly columnNames: readonly string[];
  /** ClickHouse types of the columns, when known (numbers are converted by them). */
  readonly columnTypes?: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A relation the warehouse has: its name and dbt's relation type. */
export interface WarehouseRelation {
  readonly schema: string;
  readonly identifier: string;
  readonly type: 'table' | 'view' | 'materialized_view' | 'dictionary';
}

/** What a template may ask of the warehouse while rendering (only at run time). */
export interface RenderWarehouse {
  /** Runs one statement as written (ref/source placeholders resolved) and returns its rows, if any. */
  runQuery(sql: string): QueryTable;
  relationExists(schema: string, identifier: string): boolean;
  columns(schema: string, identifier: string): { name: string; dataType: string }[];
  /** The relation of that name, with its type; undefined when there is none. */
  relation(schema: string, identifier: string): WarehouseRelation | undefined;
  /** Every relation of a schema (a ClickHouse database). */
  relationsIn(schema: string): WarehouseRelation[];
  schemaExists(schema: string): boolean;
  /** ` ON CLUSTER …` in cluster mode, '' otherwise: added to the DDL adapter methods run. */
  onCluster(): string;
  /**
   * When `message` is ClickHouse refusing a name it knows only in another case (`created_at` over a column
   * `CREATED_AT`), how to write a statement with the column's spelling (the execute stage's dbt_semantics
   * rule, execute/dbt-semantics/identifier-case.ts); undefined for any other refusal. Asks nothing of the warehouse.
   */
  caseFold?(message: string): ((sql: string) => string) | undefined;
}

/** Final names of late-bound relations (ref, source, this), once every node's name is known. */
export type RelationResolver = (target: PlaceholderTarget) => ResolvedRelation | undefined;

/** What the node being rendered is, as templates see it (`model`, `this`). */
export interface RenderNodeInfo {
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: string;
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly fqn: readonly string[];
  /** Config from project folders and YAML, before the file's own config() calls. */
  readonly baseConfig: Readonly<Record<string, unknown>>;
  /** A model version's `v` (`model.version`). */
  readonly version?: string;
  readonly latestVersion?: string;
}

/** What a render of an existing node knows of it (its config final). */
export function renderNodeInfo(node: ManifestNode): RenderNodeInfo {
  const versioned = node.resourceType === 'model' && node.version !== undefined ? { version: node.version, latestVersion: node.latestVersion } : {};
  return { uniqueId: node.uniqueId, name: node.name, resourceType: node.resourceType, packageName: node.packageName, originalFilePath: node.originalFilePath, fqn: node.fqn, baseConfig: node.config, ...versioned };
}

/**
 * The mutable state of one render. Rendering is synchronous, so the dbt globals read the
 * state of the render in progress from a single slot (see dbt-context.ts).
 */
export interface RenderState {
  readonly node?: RenderNodeInfo;
  /** 'parse': no warehouse, `execute` is false; 'execute': a warehouse may answer run_query. */
  readonly mode: 'parse' | 'execute';
  /**
   * A parse-mode render that takes the run-time branches (`execute` and is_incremental() true,
   * run_query answers an empty table, logs are silent), to find the refs only a run reaches.
   */
  readonly runtimeProbe?: boolean;
  readonly isIncremental: boolean;
  readonly warehouse?: RenderWarehouse;
  readonly refs: RefCall[];
  readonly sources: [string, string][];
  readonly configCalls: Record<string, unknown>[];
  readonly macrosUsed: Set<string>;
  /** Set when the template asked for warehouse state (is_incremental, run_query…). */
  usesWarehouse: boolean;
  /**
   * dbt's parse render (its ParseConfigObject): config.get/require/meta_get/meta_require answer ''.
   * Set for the load's render of a model, snapshot, analysis or singular test file (parse-sql-node.ts).
   */
  readonly parseConfig?: boolean;
  /** Set when a `parseConfig` render asked config.get/require/meta_get/meta_require. */
  configRead?: boolean;
  /** Final relation names for ref/source/this (none at parse time: names are placeholders then). */
  readonly relations?: RelationResolver;
  /**
   * Set when the template needed the final name of a relation that is not known yet (a string
   * filter or attribute of ref()): the node is rendered again once every name is known.
   */
  needsNames: boolean;
  /** Results stored by statement() / store_result(), read by load_result(). */
  readonly sqlResults: Map<string, unknown>;
  /**
   * A unit test's `overrides` (dbt's unit test context): these macros return the given value
   * (`name` or `package.name`), these vars and env vars win over the project's and the process's.
   */
  readonly overrides?: RenderOverrides;
  /** The microbatch batch being rendered (`model.batch`): its id and UTC window [start, end). */
  readonly batch?: { readonly id: string; readonly start: Date; readonly end: Date };
  /** dbt's `thread_id` of the run thread rendering (`Thread-N`; `MainThread` elsewhere). */
  readonly threadId?: string;
  /** Set while a project's `{% materialization %}` macro runs for the node: dbt's ModelContext extras. */
  readonly materialization?: MaterializationRun;
  /**
   * An on-run-end hook's extras (`results`, `schemas`, `database_schemas`): dbt's hook context,
   * which every macro the hook calls sees too (elementary's `handle_tests_results` reads `results`).
   */
  readonly hookContext?: Readonly<Record<string, unknown>>;
}

/** What dbt's context gives a materialization macro beyond a model's: `sql` / `compiled_code`, `pre_hooks` / `post_hooks`. */
export interface MaterializationRun {
  /** The node's compiled SQL. */
  readonly sql: string;
  /** …with the ephemeral models it inlined (dbt's model.extra_ctes / extra_ctes_injected), when known. */
  readonly code?: CompiledCode;
  readonly preHooks: readonly HookRun[];
  readonly postHooks: readonly HookRun[];
  /** What the macro asked for through dbt's persist_docs / apply_grants ('persist_docs', 'grants'): done once it returns. */
  readonly afterBuild?: Set<string>;
  /** Builds the model with tsdbt's own materialization of that name (a call of dbt's `materialization_table_default()`…). */
  readonly builtin?: (name: string) => void;
}

/** One hook as `run_hooks()` runs it (dbt's Hook: `sql` rendered when read, `transaction`, `index`). */
export interface HookRun {
  readonly sql: string;
  readonly transaction: boolean;
  readonly index: number;
}

export interface RenderOverrides {
  readonly macros: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly envVars: Readonly<Record<string, unknown>>;
}

export function newRenderState(init: Partial<RenderState> & Pick<RenderState, 'mode'>): RenderState {
  return {
    isIncremental: false,
    refs: [],
    sources: [],
    configCalls: [],
    macrosUsed: new Set(),
    usesWarehouse: false,
    needsNames: false,
    sqlResults: new Map(),
    ...init,
  };
}
