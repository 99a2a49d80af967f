import type { NodeConfig } from './config.js';

export type ResourceType = 'model' | 'seed' | 'source' | 'test' | 'snapshot' | 'unit_test' | 'analysis' | 'function' | SemanticResourceType;

/** dbt's semantic-layer resources and exposures: graph nodes that are listed and selected, never run. */
export type SemanticResourceType = 'exposure' | 'metric' | 'semantic_model' | 'saved_query';

/** A ClickHouse relation. dbt's "schema" is a ClickHouse database. */
export interface Relation {
  readonly schema: string;
  readonly identifier: string;
}

export interface ColumnInfo {
  readonly name: string;
  readonly description: string;
  readonly dataType?: string;
  /** ClickHouse column codec from YAML (`codec: ZSTD(3)`), written into the table's DDL. */
  readonly codec?: string;
  /** dbt's `quote: true`: the name is an exact (case-sensitive) identifier. */
  readonly quote?: boolean;
  /** ClickHouse column TTL from YAML (`ttl: ts + INTERVAL 30 DAY`). */
  readonly ttl?: string;
  /** dbt 1.10's doc_blocks: the docs blocks its description's doc() calls name (unique ids, in order); unset: none. */
  readonly docBlocks?: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  /** Column-level constraints from YAML (`constraints: [{type: not_null}]`), as dbt's ColumnLevelConstraint. */
  readonly constraints?: readonly Constraint[];
}

/** dbt's constraint types (dbt_common ConstraintType). */
export type ConstraintType = 'check' | 'not_null' | 'unique' | 'primary_key' | 'foreign_key' | 'custom';

/** A model- or column-level constraint as declared in YAML (dbt's ModelLevelConstraint / ColumnLevelConstraint). */
export interface Constraint {
  readonly type: ConstraintType;
  readonly name?: string;
  readonly expression?: string;
  /** Model-level constraints: the columns they are on. */
  readonly columns?: readonly string[];
  /** Foreign keys: `ref('x')` / `source('s', 't')` and its columns. */
  readonly to?: string;
  readonly toColumns?: readonly string[];
  readonly warnUnenforced: boolean;
  readonly warnUnsupported: boolean;
}

interface NodeBase {
  /** dbt-style id: `model.<project>.<name>`, `source.<project>.<source>.<table>`, … */
  readonly uniqueId: string;
  readonly resourceType: ResourceType;
  readonly name: string;
  readonly packageName: string;
  /** Fully qualified name: project, folders, name. Used by the fqn selector and folder config. */
  readonly fqn: readonly string[];
  /** Path of the defining file, relative to the project root. */
  readonly originalFilePath: string;
  /** Line of the definition in that file (YAML entries and tests; 1 for SQL files). */
  readonly line: number;
  readonly description: string;
  /** dbt 1.10's doc_blocks: the docs blocks its description's doc() calls name (unique ids, in order); unset: none. */
  readonly docBlocks?: readonly string[];
  readonly config: NodeConfig;
  readonly tags: readonly string[];
  readonly columns: Readonly<Record<string, ColumnInfo>>;
  /** Parents by unique id (refs, sources, and for tests the tested nodes). */
  readonly dependsOn: readonly string[];
  /** Macros this node called while rendering (unique ids), for watch invalidation. */
  readonly macrosUsed: readonly string[];
  readonly relation: Relation;
  /** dbt's unrendered_config: the config keys set for it, Jinja as written (models, seeds, snapshots). */
  readonly unrenderedConfig?: Readonly<Record<string, unknown>>;
  /**
   * Set when tsdbt added settings of its own to `config.query_settings` (dbt_semantics' join_use_nulls):
   * the query_settings the project set (null: none). The manifest shows this one.
   */
  readonly ownQuerySettings?: Readonly<Record<string, unknown>> | null;
}

/** What a node whose SQL is rendered from a file carries (models, snapshots, analyses, functions). */
export interface RenderedSql {
  readonly rawCode: string;
  /** SQL rendered at parse time, with relation placeholders (see compile/). */
  readonly renderedCode: string;
  readonly refs: readonly RefCall[];
  readonly sources: readonly (readonly [string, string])[];
  /** The SQL depends on the warehouse (is_incremental, run_query): render again before running. */
  readonly renderAtRuntime: boolean;
  /**
   * The SQL used a relation's final name as text (`ref('x').identifier`, `ref('x') | upper`),
   * which parse time does not know: render again once every name is (compile/, execute/).
   */
  readonly needsNames?: boolean;
  /** Literal ref()/source() calls of run-time branches load could not render: parents when they name a node. */
  readonly unrenderedRelations?: UnrenderedRelations;
  /** The schema YAML file declaring it (dbt's patch_path), if any. */
  readonly patchPath?: string;
}

export interface ModelNode extends NodeBase, RenderedSql {
  readonly resourceType: 'model';
  /** A versioned model's version (dbt 1.5 `versions:`), as written (`2`, `1.5`, `beta`). */
  readonly version?: string;
  /** The model's latest version (`latest_version`, else the greatest `v`): what an unpinned ref() reads. */
  readonly latestVersion?: string;
  /** Model-level constraints (`constraints:` in YAML). */
  readonly constraints?: readonly Constraint[];
  /** `deprecation_date` from YAML (ISO text), for versions being retired. */
  readonly deprecationDate?: string;
  /** dbt 1.9 `time_spine:` from YAML (the model is MetricFlow's time spine), as written. */
  readonly timeSpine?: Readonly<Record<string, unknown>>;
  /** `python` for a models/*.py file (dbt's Python model: a node whose run fails on ClickHouse); absent for SQL. */
  readonly language?: 'python';
}

/**
 * A snapshot (SCD type 2 history of a query): a `{% snapshot %}` block in a snapshot path, or a YAML
 * `snapshots:` entry with `relation:` (dbt 1.9), whose SQL is then `select * from <relation>`.
 */
export interface SnapshotNode extends NodeBase, RenderedSql {
  readonly resourceType: 'snapshot';
  /** The block's body (or the generated `select * from {{ ref(..) }}`). */
  readonly rawCode: string;
}

export interface SeedNode extends NodeBase {
  readonly resourceType: 'seed';
  /** Absolute path to the CSV file. */
  readonly seedFile: string;
}

export interface SourceNode extends NodeBase {
  readonly resourceType: 'source';
  readonly sourceName: string;
  readonly sourceDescription: string;
  readonly loader: string;
  /** dbt-external-tables style: where the data of this source can be loaded from. */
  readonly external?: Readonly<{ location: string; format?: string; options?: Record<string, unknown> }>;
  /** dbt's source freshness (source level, then table level over it); undefined when none applies. */
  readonly freshness?: FreshnessThreshold;
  /** The column or expression `source freshness` takes max() of. */
  readonly loadedAtField?: string;
  /** dbt 1.10: a query (Jinja, `{{ this }}` is the source) whose one value is the newest load time. */
  readonly loadedAtQuery?: string;
}

/** `warn_after` / `error_after`: `count` periods. */
export interface FreshnessRule {
  readonly count: number;
  readonly period: 'minute' | 'hour' | 'day';
}

/** A source's freshness criteria (dbt's FreshnessThreshold). */
export interface FreshnessThreshold {
  /** null: turned off with `warn_after: null` (dbt's None); absent: not set (dbt's empty Time). */
  readonly warnAfter?: FreshnessRule | null;
  readonly errorAfter?: FreshnessRule | null;
  /** A SQL condition limiting the rows the freshness query reads. */
  readonly filter?: string;
}

export interface TestMetadata {
  /** Generic test name: `not_null`, `unique`, … or a custom `{% test %}` name. */
  readonly name: string;
  readonly namespace?: string;
  /** Arguments as declared in YAML, plus `column_name` and `model` where relevant. */
  readonly kwargs: Readonly<Record<string, unknown>>;
}

export interface TestNode extends NodeBase {
  readonly resourceType: 'test';
  readonly testType: 'generic' | 'singular';
  readonly testMetadata?: TestMetadata;
  /** A singular test's `data_tests:` YAML entry (dbt 1.9), if any. */
  readonly patchPath?: string;
  readonly columnName?: string;
  /** The model, seed or source the test is declared on (generic tests). */
  readonly attachedNode?: string;
  readonly rawCode: string;
  readonly renderedCode: string;
  readonly refs: readonly RefCall[];
  readonly sources: readonly (readonly [string, string])[];
  readonly unrenderedRelations?: UnrenderedRelations;
  /** The test's SQL depends on the warehouse (`execute`, adapter.get_columns_in_relation…): render again before running. */
  readonly renderAtRuntime?: boolean;
  /** The test's SQL used a relation's final name as text: render again once every name is known. */
  readonly needsNames?: boolean;
  /** A generic test's macro call, to render it again at run time. */
  readonly genericCall?: GenericTestCall;
}

/** How a generic test's macro is called: the macro, the YAML arguments, the tested relation. */
export interface GenericTestCall {
  /** `test_<name>` or `<namespace>.test_<name>`. */
  readonly macroName: string;
  /** Arguments as written in YAML (`ref(...)`/`source(...)` strings are rendered at each render). */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** The tested model, seed or source. */
  readonly model: { readonly kind: 'ref'; readonly package: string; readonly name: string; readonly version?: string } | { readonly kind: 'source'; readonly source: string; readonly table: string };
  /** The test's `where` config: `model` is then a subquery of the relation. */
  readonly where?: string;
  /**
   * The test's macro does not exist (a typo, a package not installed): as in dbt, the project
   * loads and the test fails when it compiles or runs, with this error (dbt renders generic tests
   * with macros captured at parse, so `dbt run` of the models is not stopped by a broken test).
   */
  readonly missing?: { readonly message: string; readonly hint: string; readonly line: number };
}

/**
 * ref()/source() calls read from a template's text (every branch) because rendering its run-time
 * branches failed at load: each is a parent when it names a node and is ignored otherwise (it may
 * sit in a branch no run takes).
 */
export interface UnrenderedRelations {
  readonly refs: readonly RefCall[];
  readonly sources: readonly (readonly [string, string])[];
}

export interface RefCall {
  readonly package?: string;
  readonly name: string;
  /** `ref('m', v=2)` / `ref('m', version=2)`: a pinned model version. */
  readonly version?: string;
  /** A `function('f')` call (dbt 1.11 UDFs): names a function node, not a model (dbt's node.functions). */
  readonly function?: true;
}

/** How a unit test fixture is written (dbt's UnitTestFormat). */
export type FixtureFormat = 'dict' | 'csv' | 'sql';

/**
 * A unit test's rows, normalised at load: `dict` and `csv` fixtures become rows (CSV values are
 * text, empty cells NULL, as dbt reads them); `sql` keeps its query.
 */
export interface UnitTestRows {
  readonly format: FixtureFormat;
  /** dict/csv: the rows (keys as written). */
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
  /** sql: the query giving the rows. */
  readonly sql?: string;
  /** The fixture file the rows came from (tests/fixtures/<name>.csv|.sql), relative to the project. */
  readonly fixtureFile?: string;
}

/** One `given:` entry: the input it replaces and its rows. */
export interface UnitTestInput extends UnitTestRows {
  /** As written: `ref('orders')`, `source('shop', 'orders')`, `this`. */
  readonly input: string;
  /** The node it stands for (the tested model itself for `this`). */
  readonly nodeId: string;
  readonly isThis: boolean;
}

/** dbt's unit test `overrides`: macros (incl. is_incremental), vars and env_vars seen by the model's render. */
export interface UnitTestOverrides {
  readonly macros: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly envVars: Readonly<Record<string, unknown>>;
}

/**
 * A unit test (dbt 1.8 `unit_tests:`): the tested model's SQL run over fixture rows, its result
 * compared as a multiset to the expected rows. Id `unit_test.<pkg>.<model>.<name>` (versioned
 * models: one per version, `<name>_v<v>`). dependsOn holds the tested model only.
 */
export interface UnitTestNode extends NodeBase {
  readonly resourceType: 'unit_test';
  /** The tested model's name as written in YAML (`model:`). */
  readonly model: string;
  /** Its unique id. */
  readonly testedNode: string;
  readonly given: readonly UnitTestInput[];
  readonly expect: UnitTestRows;
  readonly overrides: UnitTestOverrides;
  /** The tested model's version, for a versioned model. */
  readonly version?: string;
  /**
   * An input that names no node, or is no ref/source/this call: dbt raises it when this unit test
   * runs (its UnitTestManifestLoader), so only this test errors; `given` leaves the input out.
   */
  readonly inputError?: { readonly message: string; readonly line: number; readonly hint: string };
  /** With an inputError: every input as written, in order (the unresolved ones too), as dbt's manifest lists them. */
  readonly givenAsWritten?: readonly (UnitTestRows & { readonly input: string })[];
}

/**
 * An analysis (a .sql file in analysis-paths): rendered and compiled like a model (its refs and
 * sources are parents), written to target/compiled by compile, never run.
 */
export interface AnalysisNode extends NodeBase, RenderedSql {
  readonly resourceType: 'analysis';
}

/** One argument of a function (dbt's FunctionArgument). */
export interface FunctionArgument {
  readonly name: string;
  readonly dataType: string;
  readonly description: string;
  /** `default_value:` as written (dbt's default arguments; ClickHouse's SQL functions have none). */
  readonly defaultValue?: unknown;
}

/**
 * A user-defined function (dbt 1.11 `functions`): a .sql (or .py) file in function-paths, its
 * arguments and return type from a YAML `functions:` entry. `build` creates it in the warehouse
 * (a ClickHouse SQL UDF: execute/run-function.ts); `{{ function('name') }}` calls it and makes it a parent.
 */
export interface FunctionNode extends NodeBase, RenderedSql {
  readonly resourceType: 'function';
  /** `sql` or `python` (the file's extension). */
  readonly language: 'sql' | 'python';
  readonly arguments: readonly FunctionArgument[];
  /** `returns:` (dbt's FunctionReturns); undefined when the YAML gives none. */
  readonly returns?: { readonly dataType: string; readonly description: string };
}

/**
 * An exposure, metric, semantic model or saved query (YAML only). dependsOn: an exposure's
 * depends_on, a semantic model's model, a metric's semantic models (its measures') and metrics,
 * a saved query's metrics. `relation` is a semantic model's model's (else unused).
 */
export interface SemanticNode extends NodeBase {
  readonly resourceType: SemanticResourceType;
  /** The YAML entry's other keys as written (type, owner, entities, measures, type_params, query_params…). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly refs: readonly RefCall[];
  readonly sources: readonly (readonly [string, string])[];
}

export type ManifestNode = ModelNode | SeedNode | SourceNode | TestNode | SnapshotNode | UnitTestNode | AnalysisNode | FunctionNode | SemanticNode;

export const SEMANTIC_RESOURCE_TYPES: ReadonlySet<string> = new Set<SemanticResourceType>(['exposure', 'metric', 'semantic_model', 'saved_query']);

/** An exposure, metric, semantic model or saved query. */
export function isSemanticNode(node: ManifestNode): node is SemanticNode {
  return SEMANTIC_RESOURCE_TYPES.has(node.resourceType);
}

/** Nodes whose SQL is written by the user and compiled (ref/source/this): models, tests, snapshots. */
export type SqlNode = ModelNode | TestNode | SnapshotNode | AnalysisNode | FunctionNode;

/** dbt's InjectedCTE: an ephemeral model inlined into a node's SQL (`sql`: ` <cte name> as (\n<its SQL>\n)`; null when not injected). */
export interface InjectedCte {
  readonly id: string;
  readonly sql: string | null;
}

/** A node's SQL as compiled, with the ephemeral models inlined into it (dbt's compiled_code, extra_ctes, extra_ctes_injected). */
export interface CompiledCode {
  readonly sql: string;
  readonly extraCtes: readonly InjectedCte[];
  /** False for `compile --no-inject-ephemeral-ctes` (the CTEs are listed, their SQL null). */
  readonly extraCtesInjected: boolean;
}

export interface MacroNode {
  readonly uniqueId: string;
  readonly name: string;
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly line: number;
  /** `macro` or `test` (a `{% test %}` block defines a generic test). */
  readonly kind: 'macro' | 'test';
  readonly argNames: readonly string[];
  /** The macro's text (`{% macro %}…{% endmacro %}`): manifest.json's `macro_sql`, compared by `state:modified.macros`. */
  readonly macroSql?: string;
  /** From a `macros:` entry in schema YAML (dbt's macro properties), descriptions rendered (doc()). */
  readonly description?: string;
  readonly arguments?: readonly { readonly name: string; readonly type?: string; readonly description: string }[];
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly showDocs?: boolean;
  readonly patchPath?: string;
}
