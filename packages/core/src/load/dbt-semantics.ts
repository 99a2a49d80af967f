import type { ManifestNode } from '../manifest/nodes.js';

/**
 * dbt's answers on ClickHouse. ClickHouse fills the non-matching side of a LEFT/RIGHT/FULL JOIN with
 * its type's default (0, '', 1970-01-01) where every other warehouse dbt runs on gives NULL, so
 * `coalesce(o.n, 0)`, `count(o.id)` or `where o.id is null` silently change meaning. With the
 * config `dbt_semantics` on (the default; `false` for a project, folder or model keeps
 * ClickHouse's behaviour), a model, snapshot or test whose SQL joins runs with
 * `join_use_nulls = 1` through its `query_settings` — the one place every materialization, the
 * contract check, validate and the test query read a node's query settings from. A node that sets
 * `join_use_nulls` in its own query_settings keeps its value. The other half of the mode (a
 * selected `t.col` named `col`) is execute/dbt-semantics/dequalify.ts. The nodes are replaced in
 * `nodes` itself (its order kept; a load's map of 25,000 nodes is not copied). `only`: the nodes to
 * give (all by default).
 */
export function withJoinUseNulls(nodes: Map<string, ManifestNode>, only?: Iterable<string>): Map<string, ManifestNode> {
  /** Whether an ephemeral model inlined by a node joins; only these are remembered (several nodes inline one). */
  const ephemeralJoins = new Map<string, boolean>();
  // A whole load's nodes are plain: one pass finds whether any model is ephemeral (most projects have
  // none: then no node's parents are looked up). An update's may be a warm start's lazy nodes, read only where needed.
  const anyEphemeral = only !== undefined || hasEphemeralModel(nodes.values());
  const inlinesJoin = (node: ManifestNode): boolean => {
    if (!anyEphemeral) return false;
    for (const id of node.dependsOn) {
      const parent = nodes.get(id);
      if (parent?.resourceType !== 'model' || parent.config.materialized !== 'ephemeral') continue;
      let known = ephemeralJoins.get(id);
      if (known === undefined) {
        ephemeralJoins.set(id, false); // a cycle is reported elsewhere
        known = hasJoin(parent);
        ephemeralJoins.set(id, known);
      }
      if (known) return true;
    }
    return false;
  };
  /** Whether a node's SQL, or an ephemeral model it inlines, has a join. */
  const hasJoin = (node: ManifestNode): boolean =>
    ('renderedCode' in node && JOIN.test(node.renderedCode)) ||
    // Rendered again at run time (its SQL depends on the warehouse, e.g. audit_helper's and
    // dbt_utils' introspective macros): the load render cannot tell, so it qualifies.
    ('renderAtRuntime' in node && node.renderAtRuntime === true) ||
    inlinesJoin(node);
  const give = (id: string, node: ManifestNode): void => {
    if (node.resourceType !== 'model' && node.resourceType !== 'snapshot' && node.resourceType !== 'test') return;
    const own = node.config.query_settings;
    const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : undefined;
    if (settings && 'join_use_nulls' in settings) return;
    if (dbtSemantics(node) && hasJoin(node)) nodes.set(id, { ...node, config: { ...node.config, query_settings: { ...settings, join_use_nulls: 1 } }, ownQuerySettings: settings ?? null } as ManifestNode);
  };
  // `only`: just these nodes (an incremental update: the others already went through it).
  if (only) for (const id of only) give(id, nodes.get(id)!);
  else for (const [id, node] of nodes) give(id, node);
  return nodes;
}

function hasEphemeralModel(nodes: Iterable<ManifestNode>): boolean {
  for (const n of nodes) if (n.resourceType === 'model' && n.config.materialized === 'ephemeral') return true;
  return false;
}

/** The `dbt_semantics` config of a node (default on). */
export function dbtSemantics(node: ManifestNode): boolean {
  return dbtSemanticsOn(node.config);
}

/** The `dbt_semantics` value of a config (default on). */
export function dbtSemanticsOn(config: Readonly<Record<string, unknown>>): boolean {
  const v = config.dbt_semantics;
  return !(v === false || v === 0 || (typeof v === 'string' && /^(false|0|no|off)$/i.test(v.trim())));
}

const JOIN = /\bjoin\b/i;
