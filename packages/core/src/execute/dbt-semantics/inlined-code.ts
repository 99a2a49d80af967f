import type { ManifestNode } from '../../manifest/nodes.js';

/** The SQL dbt_semantics' settings are decided on: what a node runs, as rendered at load. */
export interface RunCode {
  /** The node's own SQL, then that of every ephemeral model it inlines (their CTEs run in its query). */
  readonly parts: readonly string[];
  /** The node or one of those ephemerals is rendered again at run time: its load render does not say what runs. */
  readonly renderedAgain: boolean;
}

/**
 * A node's SQL with the ephemeral models it inlines, transitively (the CTEs compile-sql.ts puts in
 * its query): a setting its query needs is needed as much for an ephemeral's `sum(x) as x, avg(x)`
 * or `cast(null as …)` as for its own (fivetran's dbt_shopify: both sit in ephemeral models).
 * Likewise the project functions it calls (dbt 1.11 functions): ClickHouse expands their lambda in
 * the calling query, a `returns:` one as `CAST((body) AS type)` (execute/run-function.ts).
 * `nodes` absent: the node's own SQL only.
 */
export function runCodeOf(node: ManifestNode, nodes?: ReadonlyMap<string, ManifestNode>): RunCode {
  const parts: string[] = [];
  let renderedAgain = false;
  const seen = new Set<string>();
  const visit = (n: ManifestNode) => {
    if (seen.has(n.uniqueId)) return; // a cycle is reported elsewhere
    seen.add(n.uniqueId);
    if ('renderedCode' in n && typeof n.renderedCode === 'string') parts.push(n.renderedCode);
    if ('renderAtRuntime' in n && n.renderAtRuntime === true) renderedAgain = true;
    if (n.resourceType === 'function' && n.returns?.dataType) parts.push(`CAST(${n.renderedCode})`);
    if (!nodes) return;
    for (const id of n.dependsOn) {
      const parent = nodes.get(id);
      if ((parent?.resourceType === 'model' && parent.config.materialized === 'ephemeral') || parent?.resourceType === 'function') visit(parent);
    }
  };
  visit(node);
  return { parts, renderedAgain };
}
