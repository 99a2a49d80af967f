import type { Constraint, ConstraintType } from '../manifest/nodes.js';
import { isMapping } from './node-config.js';

export const CONSTRAINT_TYPES: readonly ConstraintType[] = ['check', 'not_null', 'unique', 'primary_key', 'foreign_key', 'custom'];

type Fail = (path: (string | number)[], message: string, hint?: string) => never;

const HINT = "Write constraints as a list, e.g. constraints: [{type: not_null}, {type: check, expression: 'amount >= 0'}]; model-level ones name their columns: {type: primary_key, columns: [id]}.";

/**
 * A `constraints:` list of a model, a model version or a column, as dbt's ModelLevelConstraint /
 * ColumnLevelConstraint: `type` is required and one of dbt's types; `warn_unenforced` and
 * `warn_unsupported` default to true.
 */
export function parseConstraints(v: unknown, path: (string | number)[], fail: Fail, owner: string): Constraint[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return fail(path, `'constraints' of ${owner} must be a list`, HINT);
  return v.map((raw, i) => {
    if (!isMapping(raw)) return fail([...path, i], `Each constraint of ${owner} must be a mapping with a 'type'`, HINT);
    const type = raw.type;
    if (typeof type !== 'string' || !CONSTRAINT_TYPES.includes(type as ConstraintType))
      return fail([...path, i], `Invalid constraint type on ${owner}: ${type === undefined ? 'no type' : `'${String(type)}'`}. Type must be one of ${CONSTRAINT_TYPES.join(', ')}`, HINT);
    const list = (x: unknown, key: string): string[] | undefined =>
      x === undefined || x === null ? undefined : Array.isArray(x) ? x.map(String) : fail([...path, i, key], `'${key}' of a constraint must be a list of column names`, HINT);
    const text = (x: unknown): string | undefined => (x === undefined || x === null ? undefined : String(x));
    return {
      type: type as ConstraintType,
      ...(text(raw.name) !== undefined ? { name: text(raw.name)! } : {}),
      ...(text(raw.expression) !== undefined ? { expression: text(raw.expression)! } : {}),
      ...(list(raw.columns, 'columns') ? { columns: list(raw.columns, 'columns')! } : {}),
      ...(text(raw.to) !== undefined ? { to: text(raw.to)! } : {}),
      ...(list(raw.to_columns, 'to_columns') ? { toColumns: list(raw.to_columns, 'to_columns')! } : {}),
      warnUnenforced: raw.warn_unenforced !== false,
      warnUnsupported: raw.warn_unsupported !== false,
    } satisfies Constraint;
  });
}
