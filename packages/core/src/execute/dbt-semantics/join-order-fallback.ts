import type { ManifestNode } from '../../manifest/nodes.js';

/*
 * ClickHouse's join-order optimizer (`query_plan_optimize_join_order_limit`, on by default since
 * 25.x) rejects some valid queries with a LOGICAL_ERROR "Left and right columns have same names":
 * e.g. a CTE read twice — once on its own, once inside a joined CTE — over a view that joins a CTE
 * to its own aggregate (ClickHouse#89166; the fixes in 26.4 and later cover other shapes, 26.7 still
 * fails this one). Postgres, Snowflake and DuckDB run such a model; a dbt project moved over fails.
 * The optimizer only reorders joins (same rows, another plan), so under `dbt_semantics` a node that
 * fails so runs again with it off (common-types.ts `runWithCommonTypes`, same `retryable` rule).
 */

const SETTING = 'query_plan_optimize_join_order_limit';

/**
 * Whether a failure is one of the join-order optimizer's LOGICAL_ERRORs: overlapping column names, or "Cannot fold
 * actions for projection" over a join key of joined CTEs (fivetran/dbt_netsuite v1.6.1's income statement and
 * transaction details on 26.7: the same query runs with the optimizer off).
 */
export function isJoinOrderError(message: string | undefined): boolean {
  return !!message && /Left and right columns have same names|Cannot fold actions for projection\. Node equals\(/.test(message);
}

/** The node with the join-order optimizer off, or undefined when its query_settings already decide it (nothing to try). */
export function withoutJoinReorder<N extends ManifestNode>(node: N): N | undefined {
  const own = node.config.query_settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  if (SETTING in settings) return undefined;
  return { ...node, config: { ...node.config, query_settings: { ...settings, [SETTING]: 0 } } };
}
