import type { ModelNode } from '../../manifest/nodes.js';
import { materializedViews, type ListedView } from '../mv/mv-listing.js';
import { toClauseOf } from '../mv/mv-state.js';
import type { Materialization, MaterializeContext } from './types.js';

/**
 * A model that was a `materialized_view` owning its table left views `<model>_mv` (or
 * `<model>_<block>`) writing into that table. Materialized as anything else now (dbt-clickhouse's
 * test_mv_is_dropped_on_full_refresh: a view), those views go first: left in place they would keep
 * writing into the new relation — or make every insert into their source fail once it is a view.
 * Views that are models of the project (a table model's `target` views, any other model) are kept.
 * The database's views are listed once per run (mv/mv-listing.ts), and again just before any is dropped.
 */
export function withoutOwnViews(materialize: Materialization): Materialization {
  return async (ctx) => {
    const { adapter, node } = ctx;
    const rel = node.relation;
    const listing = materializedViews(adapter);
    if (ownViews(ctx, node, await listing.list(rel.schema)).length === 0) return materialize(ctx);
    for (const v of ownViews(ctx, node, await listing.fresh(rel.schema))) await adapter.drop({ schema: rel.schema, identifier: v.name }, 'materialized_view');
    return materialize(ctx);
  };
}

/** The views of `views` that write into `node`'s relation and are not models of the project. */
function ownViews(ctx: MaterializeContext, node: ModelNode, views: readonly ListedView[]): ListedView[] {
  const rel = node.relation;
  const prefix = `${rel.identifier}_`;
  const mine = views.filter((v) => v.name.startsWith(prefix));
  if (mine.length === 0) return [];
  const feeds = new Set((ctx.models?.feedsOf(node) ?? []).map((m) => m.relation.identifier));
  return mine.filter((v) => {
    const to = toClauseOf(v.q);
    return to && to.schema === rel.schema && to.identifier === rel.identifier && !feeds.has(v.name) && !ctx.models?.model(v.name);
  });
}
