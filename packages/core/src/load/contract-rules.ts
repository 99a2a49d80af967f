import type { ManifestNode, ModelNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';

/**
 * Materializations whose built table takes the contract's types and constraints (dbt: table and
 * incremental; dbt-clickhouse: a materialized view's own target table too).
 */
const ENFORCES_CONSTRAINTS = new Set(['table', 'incremental', 'materialized_view']);
/** Materializations whose contract tsdbt checks (a view's columns are checked and cast, without constraints). */
const CHECKS_CONTRACT = new Set([...ENFORCES_CONSTRAINTS, 'view']);

const enforced = (n: ModelNode) => {
  const c = n.config.contract;
  return typeof c === 'object' && c !== null && (c as { enforced?: unknown }).enforced === true;
};

const given = (v: unknown) => v !== undefined && v !== null && v !== false;
/** A materialized view writing into another table model (`target`), whose table that model's config makes. */
const explicitTarget = (n: ModelNode) => n.config.materialized === 'materialized_view' && typeof n.config.target === 'string' && n.config.target !== '';

/** Not checked: microbatch incrementals and refreshable materialized views (built by other paths). */
const unchecked = (n: ModelNode) =>
  (n.config.materialized === 'incremental' && n.config.incremental_strategy === 'microbatch') ||
  (n.config.materialized === 'materialized_view' && (given(n.config.refresh) || given(n.config.refreshable)));

/** A model whose enforced contract its materialization checks when it builds (dbt's assert_columns_equivalent). */
export function contractChecked(n: ModelNode): boolean {
  return enforced(n) && CHECKS_CONTRACT.has(n.config.materialized) && !unchecked(n);
}

/**
 * dbt's parse-time rules for contracts and constraints, then its warnings (each kind said once,
 * naming the models, rather than once per model as dbt's adapters log them):
 * - an incremental model with an enforced contract must set on_schema_change to append_new_columns
 *   or fail (dbt's NodeConfig validation: the default 'ignore' is refused);
 * - primary keys on several columns must be one model-level constraint, not column-level ones, and
 *   not both (dbt's _validate_pk_constraints);
 * - a schema YAML entry of a contracted model must list its columns (dbt's "Contract enforcement failed");
 * - constraints on a materialization that does not enforce them are ignored (UnsupportedConstraintMaterialization);
 *   a contract on a materialization tsdbt does not enforce it for is said too.
 * Unsupported and unenforced constraint types are said when the model builds, as dbt's adapters
 * say them (adapter/contract/constraints.ts constraintWarnings), not on every command.
 */
export function checkContracts(nodes: Iterable<ManifestNode>, onLog: (message: string, level: 'warn') => void): void {
  const warnings = new Map<string, Set<string>>();
  const warn = (message: string, model: ModelNode) => (warnings.get(message) ?? warnings.set(message, new Set()).get(message)!).add(model.name);
  for (const node of nodes) {
    if (node.resourceType !== 'model') continue;
    checkPrimaryKeys(node);
    if (!enforced(node)) continue;
    const file = node.patchPath ?? node.originalFilePath;
    const materialized = node.config.materialized;
    if (materialized === 'incremental' && !['append_new_columns', 'fail'].includes(String(node.config.on_schema_change ?? 'ignore')))
      throw new ProjectError('contract_on_schema_change', `Invalid value for on_schema_change: ${String(node.config.on_schema_change ?? 'ignore')}. Models materialized as incremental with contracts enabled must set on_schema_change to 'append_new_columns' or 'fail'`, {
        file,
        hint: `Set on_schema_change='append_new_columns' or 'fail' on model ${node.name}.`,
      });
    if (node.patchPath && Object.keys(node.columns).length === 0)
      throw new ProjectError('contract_columns', `Contract enforcement failed for: (${node.originalFilePath})\nConstraints must be defined in a \`yml\` schema configuration file like \`schema.yml\`.`, {
        file,
        hint: `List model ${node.name}'s columns with their data_type in ${node.patchPath}.`,
      });
    if (!CHECKS_CONTRACT.has(materialized) || unchecked(node)) {
      const kind = materialized === 'incremental' ? 'microbatch incremental' : materialized === 'materialized_view' ? 'refreshable materialized_view' : materialized;
      warn(`The contract of models materialized as ${kind} is not enforced by tsdbt yet (it is for table, incremental, view and materialized_view)`, node);
      continue;
    }
    const constraints = [...(node.constraints ?? []), ...Object.values(node.columns).flatMap((c) => c.constraints ?? [])];
    if ((!ENFORCES_CONSTRAINTS.has(materialized) || explicitTarget(node)) && constraints.some((c) => c.warnUnsupported))
      warn(`Constraint types are not supported for ${materialized} materializations and will be ignored.  Set 'warn_unsupported: false' on this constraint to ignore this warning.`, node);
  }
  for (const [message, models] of warnings) {
    const names = [...models];
    onLog(`${message} (${names.length === 1 ? 'model' : 'models'} ${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''})`, 'warn');
  }
}

function checkPrimaryKeys(node: ModelNode): void {
  const pkColumns = Object.values(node.columns).filter((c) => (c.constraints ?? []).some((k) => k.type === 'primary_key')).map((c) => c.name);
  const errors: string[] = [];
  if (pkColumns.length > 1)
    errors.push(`Found ${pkColumns.length} columns (${pkColumns.join(', ')}) with primary key constraints defined. Primary keys for multiple columns must be defined as a model level constraint.`);
  if (pkColumns.length > 0 && (node.constraints ?? []).some((c) => c.type === 'primary_key'))
    errors.push('Primary key constraints defined at the model level and the columns level. Primary keys can be defined at the model level or the column level, not both.');
  if (errors.length)
    throw new ProjectError('primary_key_constraint', `Primary key constraint error: (${node.originalFilePath})\n${errors.join('\n')}`, {
      file: node.patchPath ?? node.originalFilePath,
      hint: 'Declare one model-level constraint: constraints: [{type: primary_key, columns: [a, b]}].',
    });
}
