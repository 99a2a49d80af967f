import type { ManifestNode } from '../../manifest/nodes.js';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { runCodeOf, type RunCode } from './inlined-code.js';
import { hasSubqueryExpression } from './outer-column-keys.js';

/** The setting outer-column-keys.ts' rewrite needs at 1 (ClickHouse's default). */
export const CORRELATED_BUFFER = 'correlated_subqueries_use_in_memory_buffer';

/**
 * The node with `correlated_subqueries_use_in_memory_buffer = 1` in its query_settings where its SQL (or an ephemeral's
 * it inlines) may hold a correlated subquery, under dbt_semantics: outer-column-keys.ts carries each outer column with a
 * UUID per row, which both sides of the decorrelated subquery must read from one buffer. A profile's 0 made ClickHouse
 * read the rows again (new UUIDs: every row got the empty answer, or NOT_IMPLEMENTED "Cannot clone ReadFromStorage plan
 * step"). In query_settings it is in each of the node's statements, so a profile cannot turn it off. A view's stored
 * SETTINGS do not reach the decorrelation (the reading query's settings decide), so every test gets it (tests read
 * views), as cast-keep-nullable.ts does; a reader outside tsdbt whose profile says 0 gets ClickHouse's answer. A node's
 * own value wins; `known`: the server has the setting.
 */
export function withCorrelatedBuffer<N extends ManifestNode>(node: N, known: boolean, code: RunCode = runCodeOf(node)): N {
  if (!known || !(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return node;
  const own = node.config.query_settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  if (CORRELATED_BUFFER in settings) return node;
  if (node.resourceType !== 'test' && !code.renderedAgain && !code.parts.some((sql) => hasSubqueryExpression(sql))) return node;
  return { ...node, config: { ...node.config, query_settings: { ...settings, [CORRELATED_BUFFER]: 1 } } };
}
