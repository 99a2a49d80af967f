/**
 * What the analyze stage hands on (readonly data): each node's output columns with their ClickHouse
 * types and column-level lineage, and the problems found, each with the file and line to fix.
 */

/**
 * How an output column depends on an upstream column:
 * - `passthrough`: the value itself, same name; `rename`: the value itself under another name;
 * - `transformation`: computed from it (functions, aggregates, window functions, CASE…);
 * - `join` / `group_by` / `filter`: not in the value, but it decides which rows exist or how they
 *   group (a JOIN key, a GROUP BY key, a WHERE/HAVING/QUALIFY condition).
 */
export type DependencyKind = 'passthrough' | 'rename' | 'transformation' | 'join' | 'group_by' | 'filter';

/** One upstream column of an output column. */
export interface ColumnSource {
  /** Unique id of the model, seed or source holding the column; absent for a relation tsdbt does not manage. */
  readonly node?: string;
  /** `db.table` as ClickHouse named it (always set). */
  readonly relation: string;
  readonly column: string;
  readonly kind: DependencyKind;
}

export interface AnalyzedColumn {
  readonly name: string;
  /** ClickHouse type, e.g. `Nullable(String)`. */
  readonly type: string;
  /** Direct upstream columns (one hop: the relations this node reads). */
  readonly upstream: readonly ColumnSource[];
}

export type IssueSeverity = 'error' | 'warning';

/** A problem found by validation, where to fix it, and what ClickHouse said. */
export interface ValidationIssue {
  /** The node whose SQL (or declaration) has the problem. */
  readonly uniqueId: string;
  readonly severity: IssueSeverity;
  /** Stable code: a ClickHouse error name (`UNKNOWN_IDENTIFIER`…) or tsdbt's (`source_types`, `qualified_column`…). */
  readonly code: string;
  readonly message: string;
  /** Project-relative file of the offending text: the model, a macro, a YAML file. */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint?: string;
  readonly clickhouseCode?: number;
  /** Which rendering failed, when a model renders two ways (`is_incremental() true`). */
  readonly variant?: string;
  /** Where the text came from when it is not the node's own file (`called from models/x.sql:12`). */
  readonly via?: string;
}

/**
 * - `valid`: analysed without errors (warnings may exist);
 * - `error`: has at least one error;
 * - `not_validated`: an upstream node has errors, so this one could not be analysed.
 */
export type AnalysisStatus = 'valid' | 'error' | 'not_validated';

export interface NodeAnalysis {
  readonly uniqueId: string;
  readonly status: AnalysisStatus;
  /** Output columns in order (models, seeds, sources); empty for tests and failed nodes. */
  readonly columns: readonly AnalyzedColumn[];
  readonly issues: readonly ValidationIssue[];
  /** not_validated: the upstream node with errors that blocked this one. */
  readonly blockedBy?: string;
  /** The compiled SQL analysed (models and tests). */
  readonly sql?: string;
}

export interface ProjectAnalysis {
  /** Every analysed node (the selection and the ancestors it needs), in dependency order. */
  readonly nodes: ReadonlyMap<string, NodeAnalysis>;
  /** Unique ids of the selected nodes (the ones validate reports on). */
  readonly selected: readonly string[];
  /** Errors and warnings of the selected nodes and of the sources and seeds they read. */
  readonly issues: readonly ValidationIssue[];
  readonly elapsed: number;
}
