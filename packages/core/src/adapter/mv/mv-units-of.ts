import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import type { ModelLookup } from '../materializations/types.js';
import { key } from './cutoff.js';
import { mvsWritingTo, readMv } from './mv-state.js';
import { TEMP_MARKER } from '../temporaries.js';
import { ungated, type Feed, type Unit } from './mv-unit.js';

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

/** A config flag set true (`true`, 1, 'true', 'yes'). */
export const truthy = (v: unknown) => v === true || v === 1 || (typeof v === 'string' && /^(true|1|yes)$/i.test(v.trim()));

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

/**
 * dbt-clickhouse's several views in one model (clickhouse__extract_mv_views): `--<name>:begin` …
 * `--<name>:end` blocks of the SQL (joined by `union all`, which gives the target's columns), each
 * the view `<model>_<name>` with its block's SELECT; without markers, the one view `<model>_mv`.
 */
export function mvBlocksOf(node: ModelNode, sql: string): { readonly suffix: string; readonly sql: string }[] {
  const names = [...new Set([...sql.matchAll(/--\s?([^:\s]+):begin/g)].map((m) => m[1]!))];
  if (names.length === 0) return [{ suffix: MV_SUFFIX.slice(1), sql }];
  return names.map((name) => {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`--\\s?${escaped}:begin([\\s\\S]*)--\\s?${escaped}:end`).exec(sql);
    if (!m)
      throw new ProjectError('mv_blocks', `Materialized view ${node.name}: the block --${name}:begin has no --${name}:end`, {
        file: node.originalFilePath,
        hint: `End the view's SELECT with a line --${name}:end.`,
      });
    return { suffix: name, sql: m[1]!.trim() };
  });
}

/** The unit of a view model that owns its target: the model's relation and its `_mv` view (or its views, one per marked block). */
export function ownUnit(node: ModelNode, sql: string, models: ModelLookup | undefined): Unit {
  const lookup = lookupOf(models, node);
  const feeds = mvBlocksOf(node, sql).map((b) => ({
    ...feedOf(node, b.sql, lookup, node.relation),
    mv: { schema: node.relation.schema, identifier: `${node.relation.identifier}_${b.suffix}` },
  }));
  return { target: node.relation, owner: node, structureSql: sql, feeds };
}

/**
 * The unit of a table model that materialized views write into: the table and the views of the
 * project targeting it that exist already or are built in this run (`self` is always one of them).
 */
export async function targetUnit(
  adapter: ClickHouseAdapter,
  target: ModelNode,
  targetSql: string,
  models: ModelLookup | undefined,
  self?: { node: ModelNode; sql: string },
  options: { readonly fullRefresh?: boolean } = {},
): Promise<Unit> {
  const lookup = lookupOf(models, target);
  const feeds: Feed[] = [];
  // dbt-clickhouse's `repopulate_from_mvs_on_full_refresh` on the target: a full refresh refills it
  // from every view's SELECT, views with `catchup: false` included.
  const repopulate = options.fullRefresh === true && truthy(target.config.repopulate_from_mvs_on_full_refresh);
  const feedOfTarget = (m: ModelNode, sql: string) => {
    const feed = feedOf(m, sql, lookup, target.relation);
    return repopulate ? { ...feed, catchup: true } : feed;
  };
  // Refreshable views recompute their target on a schedule: they are not part of its rebuild.
  for (const m of lookup.feedsOf(target).filter((f) => !isRefreshable(f))) {
    if (self && m.uniqueId === self.node.uniqueId) {
      feeds.push(feedOfTarget(m, self.sql));
      continue;
    }
    const existing = await readMv(adapter, mvRelationOf(m));
    if (existing || lookup.isSelected(m)) feeds.push(feedOfTarget(m, lookup.sqlOf(m)));
  }
  return { target: target.relation, owner: target, structureSql: targetSql, seedSql: targetSql, feeds };
}

/**
 * The unit that adds `self`'s view (with catchup) to a target others already feed, as dbt-clickhouse
 * does (the view, then its SELECT inserted once): the target keeps its rows — those a view wrote from
 * a `Null` source or a source that no longer has them are in no backfill — and only the new view's
 * history comes in. Every view writing into the target now stays as it is; its staged twin carries
 * what it writes until the switch. Refreshable views replace or append on their own schedule: not staged.
 */
export async function addingUnit(adapter: ClickHouseAdapter, unit: Unit, self: ModelNode): Promise<Unit> {
  const added = unit.feeds.find((f) => f.model.uniqueId === self.uniqueId);
  if (!added) throw new ProjectError('mv_context', `Materialized view ${self.name} is not among the views of ${key(unit.target)}`, { file: self.originalFilePath });
  const writing = (await mvsWritingTo(adapter, unit.target)).filter((v) => v.refresh === undefined && !v.rel.identifier.includes(TEMP_MARKER) && key(v.rel) !== key(added.mv));
  const kept: Feed[] = writing.map((v) => ({ model: unit.owner, mv: v.rel, sql: ungated(v.asSelect) ?? v.asSelect, catchup: false, reads: [], asIs: true }));
  return { target: unit.target, owner: unit.owner, structureSql: unit.structureSql, feeds: [...kept, { ...added, catchup: true }], keepRows: true };
}
