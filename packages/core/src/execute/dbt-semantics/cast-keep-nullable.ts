import type { ManifestNode } from '../../manifest/nodes.js';
import { contractEnforced } from '../../adapter/contract/contract-check.js';
import { runCodeOf, type RunCode } from './inlined-code.js';

/**
 * dbt's answers on ClickHouse, CAST half (the join half is load/dbt-semantics.ts): `cast(NULL AS
 * String)`, or a CAST of a Nullable column holding NULL, is an error on ClickHouse ("Cannot
 * convert NULL to a non-nullable type") where every other warehouse dbt runs on gives NULL —
 * dbt_utils' union_relations and generate_surrogate_key and dbt_expectations' fixtures write it.
 * With `dbt_semantics` on (the default), a model, snapshot or test runs with
 * `cast_keep_nullable = 1` in its query_settings: a CAST keeps a Nullable argument Nullable, so
 * NULL stays NULL. Left out: a model with an enforced contract (its declared non-Nullable types
 * rely on the CAST failing on NULL) and a node that sets the setting itself. Decided when the run
 * starts, because a server older than the setting (the 18.x line) rejects unknown settings.
 */
export function withCastKeepNullable<N extends ManifestNode>(node: N, serverHasIt: boolean, code: RunCode = runCodeOf(node)): N {
  if (!serverHasIt || !(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemanticsOn(node)) return node;
  const own = node.config.query_settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  if ('cast_keep_nullable' in settings || (node.resourceType === 'model' && contractEnforced(node))) return node;
  // A test reads what it tests, views included, whose stored SQL may CAST NULL (dbt_utils'
  // union_relations): a view's CAST is evaluated with the reading query's settings, so every test
  // gets the setting. A model or snapshot only when its SQL or an ephemeral's it inlines casts (or is known at run time only).
  if (node.resourceType !== 'test' && !code.parts.some((sql) => CAST.test(sql)) && !code.renderedAgain) return node;
  return { ...node, config: { ...node.config, query_settings: { ...settings, cast_keep_nullable: 1 } } };
}

/** The `dbt_semantics` config (default on). */
function dbtSemanticsOn(node: ManifestNode): boolean {
  const v = node.config.dbt_semantics;
  return !(v === false || v === 0 || (typeof v === 'string' && /^(false|0|no|off)$/i.test(v.trim())));
}

const CAST = /\bcast\s*\(|::/i;
