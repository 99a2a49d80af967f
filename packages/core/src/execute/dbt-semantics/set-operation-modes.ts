import type { ManifestNode } from '../../manifest/nodes.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { runCodeOf, type RunCode } from './inlined-code.js';

/*
 * SQL's set operations on ClickHouse. A plain `UNION` is UNION DISTINCT on every warehouse dbt runs
 * on; ClickHouse refuses it ("Expected ALL or DISTINCT in SelectWithUnion query", union_default_mode
 * is empty). A plain `EXCEPT` / `INTERSECT` drops duplicates elsewhere (the standard's DISTINCT);
 * ClickHouse keeps them (except_default_mode, intersect_default_mode: ALL), so `select … except
 * select …` returns a row twice where dbt's warehouses return it once. Under dbt_semantics a model,
 * snapshot or test whose SQL has such a word runs with the setting DISTINCT (a view stores its
 * query as UNION DISTINCT / EXCEPT DISTINCT, so it reads the same anywhere). dbt's except() and
 * intersect() macros already say DISTINCT (macros/utils/set_operations.sql). A node's own value wins;
 * a server without the setting (18.x) is left as it is.
 */

export const SET_OPERATION_SETTINGS = ['union_default_mode', 'except_default_mode', 'intersect_default_mode'] as const;

const WORD: Record<(typeof SET_OPERATION_SETTINGS)[number], RegExp> = {
  union_default_mode: /\bunion\b/i,
  except_default_mode: /\bexcept\b/i,
  intersect_default_mode: /\bintersect\b/i,
};

/** The node with `<op>_default_mode = 'DISTINCT'` for each set operation its SQL names (see above); `known`: the settings the server has. */
export function withSetOperationModes<N extends ManifestNode>(node: N, known: ReadonlySet<string>, code: RunCode = runCodeOf(node)): N {
  if (known.size === 0 || !(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return node;
  const own = node.config.query_settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  // A node rendered again at run time: its load render does not say what it runs. Ephemerals it inlines count (inlined-code.ts).
  const sql = code.renderedAgain ? 'union except intersect' : code.parts.join('\n');
  const added: Record<string, string> = {};
  for (const name of SET_OPERATION_SETTINGS) if (known.has(name) && !(name in settings) && WORD[name].test(sql)) added[name] = 'DISTINCT';
  if (Object.keys(added).length === 0) return node;
  return { ...node, config: { ...node.config, query_settings: { ...settings, ...added } } };
}
