import type { ManifestNode, ModelNode } from './nodes.js';

/**
 * dbt's ModelNode.infer_primary_key (parser/manifest.py process_model_inferred_primary_keys), sorted:
 * a model-level primary_key constraint's columns, else a column's primary_key constraint; else the
 * columns with a not_null and a unique (or dbt_utils.unique_combination_of_columns) test; else those
 * with an enabled unique test, else a disabled one; else none.
 */
export function inferPrimaryKey(model: ModelNode, tests: readonly ManifestNode[]): string[] {
  for (const c of model.constraints ?? []) if (c.type === 'primary_key') return [...(c.columns ?? [])].sort();
  for (const column of Object.values(model.columns)) if ((column.constraints ?? []).some((c) => c.type === 'primary_key')) return [column.name];
  const enabledUnique = new Set<string>();
  const disabledUnique = new Set<string>();
  const notNull = new Set<string>();
  for (const test of tests) {
    if (test.resourceType !== 'test' || !test.testMetadata) continue;
    const { name, kwargs } = test.testMetadata;
    const columns =
      typeof kwargs.column_name === 'string' ? [kwargs.column_name]
      : Array.isArray(kwargs.combination_of_columns) ? kwargs.combination_of_columns.filter((c): c is string => typeof c === 'string')
      : [];
    for (const column of columns) {
      if (name === 'unique' || name === 'unique_combination_of_columns') (test.config.enabled === false ? disabledUnique : enabledUnique).add(column);
      else if (name === 'not_null') notNull.add(column);
    }
  }
  const both = [...notNull].filter((c) => enabledUnique.has(c) || disabledUnique.has(c));
  return (both.length ? both : enabledUnique.size ? [...enabledUnique] : [...disabledUnique]).sort();
}
