import type { ModelNode } from '../../manifest/nodes.js';
import { sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { TEMP_MARKER } from '../temporaries.js';
import { key } from './cutoff.js';
import { mvsWritingTo, triggersOf } from './mv-state.js';
import type { Unit } from './mv-unit.js';

/*
 * `--full-refresh` of ONE materialized view writing into a table model (`target`). Its rows are
 * mixed with its siblings' in that table and carry no mark of which view wrote them, so the only
 * exact rebuild is the whole target recomputed from every view's backfill (mv-unit.ts). That is
 * exact only when every other view's rows can be read back from its source. When one cannot — a
 * `catchup: false` view (its rows since it was created are in no backfill), a view firing on a
 * `Null` / streaming / TTL'd source or one whose merges replace, collapse or sum rows (Replacing-,
 * Collapsing-, SummingMergeTree…: the view saw every version), a view outside the project — the refresh is refused with what to
 * do instead: recomputing lost that view's rows, and dbt-clickhouse's way (this view's SELECT
 * inserted again into the table as it is) doubles this one's.
 */

/** Why each view of the unit but `self` would lose rows if the target were recomputed (empty: none would). */
export async function siblingsLosingRows(adapter: ClickHouseAdapter, unit: Unit, self: ModelNode): Promise<string[]> {
  const own = new Set(unit.feeds.map((f) => key(f.mv)));
  const lost: string[] = [];
  // Views writing into the target that are no model of the project: nothing recomputes their rows.
  for (const v of await mvsWritingTo(adapter, unit.target))
    if (v.refresh === undefined && !v.rel.identifier.includes(TEMP_MARKER) && !own.has(key(v.rel))) lost.push(`${key(v.rel)} (a materialized view that is not a model of this project)`);
  const others = unit.feeds.filter((f) => f.model.uniqueId !== self.uniqueId);
  const triggers = await triggersOf(adapter, others.map((f) => f.mv));
  const ttl = await ttlTables(adapter, [...triggers.values()].map((t) => t.table));
  for (const f of others) {
    const trigger = triggers.get(key(f.mv));
    // Not there (yet): it wrote nothing.
    if (!trigger) continue;
    if (!f.catchup) lost.push(`${f.model.name} (catchup: false — the rows it wrote since it was created are in no backfill)`);
    // Only a plain MergeTree keeps every row the view saw: Replacing/Collapsing/Summing/Aggregating… merge them away.
    else if (!/^(Replicated|Shared)?MergeTree$/.test(trigger.engine)) lost.push(`${f.model.name} (it fires on ${key(trigger.table)}, a ${trigger.engine} table that keeps no rows to read back as they were inserted)`);
    else if (ttl.has(key(trigger.table))) lost.push(`${f.model.name} (it fires on ${key(trigger.table)}, whose TTL drops old rows)`);
  }
  return lost;
}

/** Which of `tables` have a TTL (rows a backfill would no longer find). */
async function ttlTables(adapter: ClickHouseAdapter, tables: readonly { schema: string; identifier: string }[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const rows = await adapter.systemQuery<{ db: string; name: string; q: string }>(
    `SELECT database AS db, name, create_table_query AS q FROM system.tables WHERE ${tables.map((t) => `(database = ${sqlString(t.schema)} AND name = ${sqlString(t.identifier)})`).join(' OR ')}`,
  );
  return new Set(rows.filter((r) => /\sTTL\s/.test(r.q)).map((r) => `${r.db}.${r.name}`));
}

/** The refusal: the view, the target, the siblings whose rows would go, and what to do instead. */
export function unsafeViewRefresh(node: ModelNode, unit: Unit, targetName: string, lost: readonly string[]): DatabaseError {
  return viewRefreshRefusal(node, unit, targetName, `and rows other views wrote would be lost: ${lost.join('; ')}`, 'anyway (losing those rows)');
}

/**
 * A one-view `--full-refresh` refused, nothing changed: `why` the recompute of the shared target would
 * not be exact, and the ways out (this view's rows alone, the whole table `wholeTable`, keep it out).
 */
export function viewRefreshRefusal(node: ModelNode, unit: Unit, targetName: string, why: string, wholeTable: string): DatabaseError {
  return new DatabaseError(
    'mv_full_refresh',
    `Materialized view ${node.name}: --full-refresh would recompute its target ${key(unit.target)} from every view's source, ${why}. Nothing was changed`,
    {
      file: node.originalFilePath,
      hint:
        `To recompute only ${node.name}'s rows: delete them from ${key(unit.target)} (ALTER TABLE … DELETE WHERE …), drop the view (DROP VIEW ${key(node.relation)}) and run it without --full-refresh — a view added with catchup brings its history in once, the table keeping its other rows. ` +
        `To recompute the whole table ${wholeTable}: tsdbt run --full-refresh --select ${targetName}. Set full_refresh: false on ${node.name} to keep it out of full-refresh runs.`,
    },
  );
}
