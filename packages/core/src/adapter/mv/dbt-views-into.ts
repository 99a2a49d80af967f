import type { Manifest } from '../../manifest/manifest.js';
import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../../render/placeholders.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import type { MaterializeContext, MaterializeResult } from '../materializations/types.js';
import { materializedViews, type ListedView } from './mv-listing.js';
import { selectOf, toClauseOf } from './mv-state.js';
import { mvTargetSchemaChange } from './mv-target-table.js';

/*
 * A table model that a materialized view of dbt's still writes into while the project no longer
 * points that view at it (its model dropped `materialization_target_table(…)` / `target`, or now
 * targets another table): the view in the warehouse is named as a `materialized_view` model of the
 * project (dbt-clickhouse's clickhouse__get_dbt_mvs_for_target: a view whose schema and name are a
 * materialized_view model's). Its rows came from that view, so a normal run does not rebuild them
 * away from the model's own SELECT: it keeps the table and applies `mv_on_schema_change` (not set:
 * `fail`), as for the target of the project's own views (mv-target-table.ts). The views are judged
 * as the run found them (pinned at its start): the view's own model may replace it during the run.
 * With `repopulate_from_mvs_on_full_refresh`, a full refresh refills the new table from those views'
 * SELECTs (as dbt-clickhouse replays the SQL of the views it finds). A view created outside dbt (any
 * other name) is not dbt's and changes nothing.
 */

/** Lists, before the run's first node, the views of the schemas where a selected table model could be such a target. */
export async function pinViewsBeforeRun(adapter: ClickHouseAdapter, manifest: Manifest, selected: ReadonlySet<string>): Promise<void> {
  const models = [...manifest.nodes.values()].filter((n): n is ModelNode => n.resourceType === 'model' && n.config.enabled !== false);
  if (!models.some((n) => n.config.materialized === 'materialized_view')) return;
  const schemas = models.filter((n) => selected.has(n.uniqueId) && n.config.materialized === 'table').map((n) => n.relation.schema);
  if (schemas.length > 0) await materializedViews(adapter).pinAtStart(schemas);
}

/** The views of dbt's (see above) that wrote into `node`'s table when the run started (none when pinViewsBeforeRun listed nothing there). */
export async function dbtViewsInto(ctx: MaterializeContext): Promise<ListedView[]> {
  const { adapter, node, models } = ctx;
  if (!models) return [];
  const rel = node.relation;
  const views = (await materializedViews(adapter).atRunStart(rel.schema).catch((error: unknown) => {
    throw Object.assign(error as Error, {
      message: `${node.originalFilePath}: the materialized views of ${rel.schema} could not be listed before the run, so ${rel.schema}.${rel.identifier} is left as it was (a view of dbt's may write into it): ${(error as Error).message}`,
    });
  })) ?? [];
  return views.filter((v) => {
    const to = toClauseOf(v.q);
    return to?.schema === rel.schema && to.identifier === rel.identifier && models.viewModelAt({ schema: rel.schema, identifier: v.name }) !== undefined;
  });
}

/** A normal run of a table such views write into: kept while its columns are the model's, else `mv_on_schema_change` decides. */
export async function keepForDbtViews(ctx: MaterializeContext, views: readonly ListedView[]): Promise<MaterializeResult> {
  const { adapter, node, sql } = ctx;
  const [now, wanted] = [await adapter.columns(node.relation), await adapter.queryColumns(sql)];
  const same = now.length === wanted.length && wanted.every((c, i) => now[i]!.name === c.name && now[i]!.type === c.type);
  if (!same) return mvTargetSchemaChange(ctx, now, wanted, views.length);
  const names = views.map((v) => v.name).join(', ');
  return {
    message: `OK kept (target of ${views.length} materialized view${views.length === 1 ? '' : 's'})`,
    warnings: [`${node.originalFilePath}: ${node.relation.schema}.${node.relation.identifier} is kept, not rebuilt: dbt's materialized view ${names} writes into it though the project no longer points it there (run with --full-refresh to rebuild it from its SELECT)`],
  };
}

/**
 * A full refresh with `repopulate_from_mvs_on_full_refresh`: the staged table (the model's own rows)
 * gets the rows of each such view's SELECT, by column name, before it is swapped in.
 */
export async function replayDbtViews(adapter: ClickHouseAdapter, staged: Relation, views: readonly ListedView[], signal?: AbortSignal): Promise<void> {
  const columns = new Set((await adapter.columns(staged)).map((c) => c.name));
  for (const v of views) {
    const select = selectOf(v.q);
    const names = (await adapter.queryColumns(select)).map((c) => c.name).filter((n) => columns.has(n)).map(quoteIdentifier).join(', ');
    if (names) await adapter.client.command(`INSERT INTO ${relationSql(staged.schema, staged.identifier)} (${names}) SELECT ${names} FROM (\n${select}\n)`, { signal });
  }
}
