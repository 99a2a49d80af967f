import { sqlString } from '../clickhouse-adapter.js';
import { toClauseOf } from '../mv/mv-state.js';
import type { Materialization } from './types.js';

/**
 * A model that was a `materialized_view` owning its table left views `<model>_mv` (or
 * `<model>_<block>`) writing into that table. Materialized as anything else now (dbt-clickhouse's
 * test_mv_is_dropped_on_full_refresh: a view), those views go first: left in place they would keep
 * writing into the new relation — or make every insert into their source fail once it is a view.
 * Views that are models of the project (a table model's `target` views, any other model) are kept.
 */
export function withoutOwnViews(materialize: Materialization): Materialization {
  return async (ctx) => {
    const { adapter, node } = ctx;
    const rel = node.relation;
    const prefix = `${rel.identifier}_`;
    const views = (
      await adapter.client.query<{ name: string; q: string }>(
        `SELECT name, create_table_query AS q FROM system.tables WHERE database = ${sqlString(rel.schema)} AND engine = 'MaterializedView'`,
      )
    ).filter((v) => v.name.startsWith(prefix));
    if (views.length === 0) return materialize(ctx);
    const feeds = new Set((ctx.models?.feedsOf(node) ?? []).map((m) => m.relation.identifier));
    for (const v of views) {
      const to = toClauseOf(v.q);
      const own = to && to.schema === rel.schema && to.identifier === rel.identifier && !feeds.has(v.name) && !ctx.models?.model(v.name);
      if (own) await adapter.drop({ schema: rel.schema, identifier: v.name }, 'materialized_view');
    }
    return materialize(ctx);
  };
}
