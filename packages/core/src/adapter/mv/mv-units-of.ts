import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import type { ModelLookup } from '../materializations/types.js';
import { key } from './cutoff.js';
import { readMv } from './mv-state.js';
import type { Feed, Unit } from './mv-unit.js';

/** Suffix of the view object of a materialized view model that owns its target (dbt-clickhouse's naming). */
export const MV_SUFFIX = '_mv';

/** Whether a materialized view model writes into another model (`target`) rather than owning its target. */
export const hasExplicitTarget = (node: ModelNode): boolean => typeof node.config.target === 'string' && node.config.target !== '';

/** Whether a materialized view model is refreshable (`refresh`, or dbt-clickhouse's `refreshable`). */
export function isRefreshable(node: ModelNode): boolean {
  const raw = node.config.refresh ?? node.config.refreshable;
  return raw !== undefined && raw !== null && raw !== false;
}

/** The view object of a materialized view model: the model's relation, or `<model>_mv` when the model's relation is its target. */
export function mvRelationOf(node: ModelNode): Relation {
  return hasExplicitTarget(node) ? node.relation : { schema: node.relation.schema, identifier: `${node.relation.identifier}${MV_SUFFIX}` };
}

function lookupOf(models: ModelLookup | undefined, node: ModelNode): ModelLookup {
  if (models) return models;
  throw new ProjectError('mv_context', `Materialized view ${node.name} needs the project's models to build`, { file: node.originalFilePath });
}

/** The target model of an explicit-target view, checked to be a table model. */
export function targetModelOf(node: ModelNode, models: ModelLookup | undefined): ModelNode {
  const name = String(node.config.target);
  const target = lookupOf(models, node).model(name);
  if (!target)
    throw new ProjectError('mv_target', `The target '${name}' of materialized view ${node.name} is not a model of the project`, {
      file: node.originalFilePath,
      hint: "Write config(target=ref('<table model>')).",
    });
  if (target.config.materialized !== 'table')
    throw new ProjectError('mv_target', `The target '${name}' of materialized view ${node.name} is materialized as ${target.config.materialized}; it must be a table`, {
      file: node.originalFilePath,
      hint: `Set materialized='table' in ${target.originalFilePath} (its SELECT gives the target's columns, e.g. \`select … where 0\`).`,
    });
  return target;
}

function feedOf(model: ModelNode, sql: string, models: ModelLookup, target: Relation): Feed {
  return {
    model,
    mv: mvRelationOf(model),
    sql,
    catchup: model.config.catchup !== false,
    reads: models.relationsReadBy(model).filter((r) => key(r) !== key(target)),
  };
}

/** The unit of a view model that owns its target: the model's relation and its `_mv` view. */
export function ownUnit(node: ModelNode, sql: string, models: ModelLookup | undefined): Unit {
  const lookup = lookupOf(models, node);
  return { target: node.relation, owner: node, structureSql: sql, feeds: [feedOf(node, sql, lookup, node.relation)] };
}

/**
 * The unit of a table model that materialized views write into: the table and the views of the
 * project targeting it that exist already or are built in this run (`self` is always one of them).
 */
export async function targetUnit(adapter: ClickHouseAdapter, target: ModelNode, targetSql: string, models: ModelLookup | undefined, self?: { node: ModelNode; sql: string }): Promise<Unit> {
  const lookup = lookupOf(models, target);
  const feeds: Feed[] = [];
  // Refreshable views recompute their target on a schedule: they are not part of its rebuild.
  for (const m of lookup.feedsOf(target).filter((f) => !isRefreshable(f))) {
    if (self && m.uniqueId === self.node.uniqueId) {
      feeds.push(feedOf(m, self.sql, lookup, target.relation));
      continue;
    }
    const existing = await readMv(adapter, mvRelationOf(m));
    if (existing || lookup.isSelected(m)) feeds.push(feedOf(m, lookup.sqlOf(m), lookup, target.relation));
  }
  return { target: target.relation, owner: target, structureSql: targetSql, seedSql: targetSql, feeds };
}
