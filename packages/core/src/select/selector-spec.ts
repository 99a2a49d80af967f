/**
 * Parsed selection expressions, the shape of dbt's `selector_spec.py`:
 * a tree of criteria combined by union, intersection and difference.
 */

export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

export const INDIRECT_SELECTION_MODES: readonly IndirectSelection[] = ['eager', 'cautious', 'buildable', 'empty'];

export type MethodName =
  | 'fqn'
  | 'tag'
  | 'path'
  | 'file'
  | 'source'
  | 'resource_type'
  | 'config'
  | 'test_type'
  | 'test_name'
  | 'package'
  | 'selector'
  | 'version'
  | 'state'
  | 'result'
  | 'source_status'
  | 'unit_test'
  | 'exposure'
  | 'metric'
  | 'semantic_model'
  | 'saved_query'
  | 'group'
  | 'access';

/** One criterion: `[@][N+]method[.arg…]:value[+N]` or its selectors.yml dict form. */
export interface SelectionCriterion {
  readonly kind: 'criterion';
  /** The text the user wrote, for messages. */
  readonly raw: string;
  readonly method: MethodName;
  /** `config.materialized:table` → `['materialized']`. */
  readonly methodArgs: readonly string[];
  readonly value: string;
  readonly parents: boolean;
  /** Undefined = all ancestors. */
  readonly parentsDepth?: number;
  readonly children: boolean;
  readonly childrenDepth?: number;
  /** `@x`: x, its descendants and all ancestors of those. */
  readonly childrensParents: boolean;
  /** Overrides the command's mode for this criterion (selectors.yml `indirect_selection`). */
  readonly indirectSelection?: IndirectSelection;
}

export interface SelectionSet {
  readonly kind: 'union' | 'intersection' | 'difference';
  /** For `difference`: the first component minus all the others. */
  readonly components: readonly SelectionSpec[];
  readonly raw: string;
  /** Report when this set selects nothing (each CLI argument does; selectors.yml parts do not). */
  readonly expectExists: boolean;
}

export type SelectionSpec = SelectionCriterion | SelectionSet;
