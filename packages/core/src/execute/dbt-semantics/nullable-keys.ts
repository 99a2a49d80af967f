import type { ManifestNode } from '../../manifest/nodes.js';

/*
 * Under dbt_semantics a column can come out Nullable where ClickHouse's defaults keep it plain: a
 * LEFT JOIN's right-side column (join_use_nulls = 1), an aggregate of a SELECT without GROUP BY
 * (empty-aggregates.ts: NULL over no rows). A MergeTree table refuses a Nullable column in its
 * sorting, primary or partition key unless the table allows it (ILLEGAL_COLUMN "Sorting key contains
 * nullable columns, but merge tree setting `allow_nullable_key` is disabled"), so a dbt-clickhouse
 * project's `order_by='m'` over `max(x) as m` or a joined key, which builds on dbt-clickhouse, failed
 * here. Such a model runs again with `allow_nullable_key = 1` (common-types.ts `runWithCommonTypes`,
 * same `retryable` rule: the refused CREATE wrote nothing): the same rows, a NULL key sorting first.
 * Only when the server names the setting in its refusal (the 18.x line has none), only for a
 * MergeTree-family engine, and never over a model's own `allow_nullable_key`.
 */

export function isNullableKeyError(message: string | undefined): boolean {
  return !!message && /(?:Sorting|Primary|Partition|Sampling) key contains nullable columns.*allow_nullable_key/s.test(message);
}

/** The model with `allow_nullable_key = 1` in its table settings, or undefined when that is not ours to add. */
export function withNullableKeys<N extends ManifestNode>(node: N): N | undefined {
  if (node.resourceType !== 'model' || !/MergeTree/i.test(String(node.config.engine ?? 'MergeTree()'))) return undefined;
  const own = node.config.settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  if ('allow_nullable_key' in settings) return undefined;
  return { ...node, config: { ...node.config, settings: { ...settings, allow_nullable_key: 1 } } };
}
