import type { NodeConfig } from '../../manifest/config.js';
import type { Constraint, ModelNode } from '../../manifest/nodes.js';
import { quoteIdentifier } from '../../render/placeholders.js';

/*
 * dbt's constraints on a contracted table or incremental model, as ClickHouse enforces them:
 * - not_null: the column's type loses `Nullable` (a NULL fails the build's CAST: ENFORCED);
 * - check: a table `CONSTRAINT <name> CHECK (<expression>)`, checked by every INSERT (ENFORCED); on a
 *   column, a predicate like `> 0` is on that column (`id > 0`);
 * - primary_key: the columns become non-Nullable and, when the model configures neither `order_by`
 *   nor `primary_key`, the table's `ORDER BY` (ClickHouse's primary key); uniqueness is not
 *   enforced (NOT_ENFORCED: a warning, as dbt adapters give);
 * - custom: the expression as written, after the column's type or as a table element;
 * - unique, foreign_key: NOT_SUPPORTED (ignored with a warning).
 * Only table and incremental models take constraints (dbt's materialization_enforces_constraints).
 */

/**
 * dbt's ConstraintNotSupported / ConstraintNotEnforced (dbt-adapters' process_parsed_constraint):
 * said when the model's table is built with its constraints, not when the project is read — each
 * kind once per build.
 */
export function constraintWarnings(node: Pick<ModelNode, 'columns' | 'constraints'>): { message: string; event: string }[] {
  const out = new Map<string, string>();
  for (const { c } of allConstraints(node)) {
    if ((c.type === 'unique' || c.type === 'foreign_key') && c.warnUnsupported)
      out.set(`The constraint type ${c.type} is not supported by clickhouse, and will be ignored. Set 'warn_unsupported: false' on this constraint to ignore this warning.`, 'ConstraintNotSupported');
    if (c.type === 'primary_key' && c.warnUnenforced)
      out.set("The constraint type primary_key is not enforced by clickhouse: its columns become non-Nullable and the table's ORDER BY (when none is configured), but duplicate keys are kept. Set 'warn_unenforced: false' on this constraint to ignore this warning.", 'ConstraintNotEnforced');
  }
  return [...out].map(([message, event]) => ({ message, event }));
}

/** Constraints written on the model and on its columns, each with the column it sits on. */
function allConstraints(node: Pick<ModelNode, 'columns' | 'constraints'>): { c: Constraint; column?: string }[] {
  return [
    ...(node.constraints ?? []).map((c) => ({ c })),
    ...Object.values(node.columns).flatMap((col) => (col.constraints ?? []).map((c) => ({ c, column: col.name }))),
  ];
}

/** Columns a not_null or primary_key constraint makes non-Nullable. */
export function contractKeyColumns(node: Pick<ModelNode, 'columns' | 'constraints'>): Set<string> {
  const out = new Set<string>();
  for (const { c, column } of allConstraints(node)) {
    if (c.type !== 'not_null' && c.type !== 'primary_key') continue;
    for (const name of column !== undefined ? [column] : (c.columns ?? [])) out.add(name);
  }
  return out;
}

/** The primary key's columns: a column-level primary_key, else the model-level one's `columns`. */
export function primaryKeyColumns(node: Pick<ModelNode, 'columns' | 'constraints'>): string[] {
  const found = allConstraints(node).filter(({ c }) => c.type === 'primary_key');
  return found.flatMap(({ c, column }) => (column !== undefined ? [column] : (c.columns ?? [])));
}

const given = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/** The model's config for the built table: a primary_key constraint is its ORDER BY when none is configured. */
export function contractTableConfig(node: ModelNode): NodeConfig {
  const pk = primaryKeyColumns(node);
  if (pk.length === 0 || given(node.config.order_by) || given(node.config.primary_key)) return node.config;
  return { ...node.config, order_by: pk.length === 1 ? quoteIdentifier(pk[0]!) : pk.map(quoteIdentifier) };
}

/** Table elements from constraints: `CONSTRAINT name CHECK (expr)` for check constraints, custom model-level ones as written. */
export function constraintElements(node: Pick<ModelNode, 'columns' | 'constraints'>): string[] {
  const out: string[] = [];
  let n = 0;
  for (const { c, column } of allConstraints(node)) {
    if (c.type === 'check' && c.expression?.trim()) {
      n++;
      // ClickHouse constraints need a name: dbt-clickhouse requires one; an unnamed one is named after its column.
      const name = c.name ?? (column !== undefined ? `${column}_check${n}` : `check${n}`);
      out.push(`CONSTRAINT ${quoteIdentifier(name)} CHECK (${column !== undefined ? onColumn(column, c.expression) : c.expression})`);
    } else if (c.type === 'custom' && column === undefined && c.expression?.trim()) out.push(c.expression);
  }
  return out;
}

/**
 * A column-level check written as a predicate on its column (`expression: '> 0'`, `in (1, 2)`,
 * `is not null`): the column goes before it (`id > 0`). A full expression stays as written.
 * (dbt-clickhouse ignores column-level constraints with a warning; tsdbt enforces them.)
 */
function onColumn(column: string, expression: string): string {
  const e = expression.trim();
  return /^(?:[<>=!]|(?:not\s+)?(?:in|between|like|ilike)\b|is\b)/i.test(e) ? `${quoteIdentifier(column)} ${e}` : e;
}

/** A column's custom constraints (e.g. `DEFAULT 0`, `COMMENT 'x'`), written after its type. */
export function customColumnSuffix(node: Pick<ModelNode, 'columns'>, column: string): string {
  const custom = (node.columns[column]?.constraints ?? []).filter((c) => c.type === 'custom' && c.expression?.trim());
  return custom.map((c) => ` ${c.expression!.trim()}`).join('');
}
