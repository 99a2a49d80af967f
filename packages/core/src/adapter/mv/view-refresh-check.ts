import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import type { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { Staging } from '../staging.js';
import { attachPartitionsFrom } from '../partition-replace.js';
import { fitQuerySize } from '../statement-settings.js';
import { TEMP_MARKER } from '../temporaries.js';
import { activateAtQuietMoment, cutFilter, key, type BlockCut } from './cutoff.js';
import { mvsWritingTo, triggersOf } from './mv-state.js';
import { viewRefreshRefusal } from './view-full-refresh.js';
import { ungated, type Unit } from './mv-unit.js';

/*
 * `--full-refresh` of ONE view writing into a shared table recomputes the whole table from every
 * view's source (view-full-refresh.ts). The table's rows carry no mark of who wrote them, so that is
 * only exact when the table holds exactly what its views give: its model's own rows plus each view's
 * SELECT (as stored now) over its source. Rows inserted into it by anything else — a manual backfill,
 * direct INSERTs, a view since dropped or changed — would be gone without a word; rows the recompute
 * adds (history a view never brought in, e.g. while it had catchup: false) would change a view the
 * user did not select. Both are checked at one moment without INSERTs (cutoff.ts): the table's parts
 * at the cut copied aside, the views' SELECTs run over their sources below the cut into a second
 * table of the same engine, and the two compared row for row (after FINAL where the engine merges
 * rows, aggregate states finalized). Any difference refuses the refresh, nothing changed.
 */

export interface RefreshDifference {
  /** Rows of the table that no view's source gives back (they would be lost). */
  readonly notReproduced: number;
  /** Rows the recompute gives that the table does not hold (they would be added). */
  readonly added: number;
}

const q = (r: Relation) => relationSql(r.schema, r.identifier);

/** Engines whose merges combine rows: compared after FINAL. */
const MERGING = /^(Replicated|Shared)?(Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing|Graphite|Coalescing)MergeTree$/;

/** `CREATE TABLE rel AS target` for a table of this server alone (a Replicated engine's path and replica dropped). */
async function createLocalCopy(adapter: ClickHouseAdapter, rel: Relation, target: Relation, engineFull: string, signal?: AbortSignal): Promise<void> {
  const local = /^Replicated/.test(engineFull) ? engineFull.replace(/^Replicated(\w*MergeTree)\(\s*'[^']*'\s*,\s*'[^']*'\s*,?\s*/, '$1(') : undefined;
  await adapter.ddl(`CREATE TABLE ${q(rel)} AS ${q(target)}${local ? ` ENGINE = ${local}` : ''}`, { signal });
}

/** How the unit's target differs from what recomputing it from its model and views would give now (both zero: it is exact). */
export async function refreshDifference(adapter: ClickHouseAdapter, unit: Unit, signal?: AbortSignal): Promise<RefreshDifference> {
  const target = unit.target;
  const [info] = await adapter.systemQuery<{ engine: string; full: string }>(
    `SELECT engine, engine_full AS full FROM system.tables WHERE database = ${sqlString(target.schema)} AND name = ${sqlString(target.identifier)}`,
  );
  const engine = info?.engine ?? '';
  const views = (await mvsWritingTo(adapter, target)).filter((v) => v.refresh === undefined && !v.rel.identifier.includes(TEMP_MARKER));
  const triggers = await triggersOf(adapter, views.map((v) => v.rel));
  const sources = [...new Map([...triggers.values()].filter((t) => /MergeTree$/.test(t.engine)).map((t) => [key(t.table), t.table])).values()];
  const targetIsMergeTree = /MergeTree$/.test(engine);
  const staging = new Staging(adapter, target, signal);
  try {
    const actual = staging.temporary('was');
    const expected = staging.temporary('recomputed');
    await createLocalCopy(adapter, actual, target, info?.full ?? '', signal);
    await createLocalCopy(adapter, expected, target, info?.full ?? '', signal);
    // The moment: the table's rows at the cut copied aside (hard-linked parts), the sources' cut kept for the reads below.
    const copy = (parts: string[]) => attachPartitionsFrom(adapter, target, actual, parts);
    const cuts = await activateAtQuietMoment({
      adapter,
      tables: [...sources, ...(targetIsMergeTree ? [target] : [])],
      activate: async () => {},
      capture: async (cut) => {
        if (targetIsMergeTree) await copy([...(cut.get(key(target))?.keys() ?? [])]);
        else await adapter.client.command(`INSERT INTO ${q(actual)} SELECT * FROM ${q(target)}`, { signal });
      },
      deactivate: () => adapter.client.command(`TRUNCATE TABLE ${q(actual)}`),
      signal,
    });
    const filters = (cut: Map<string, BlockCut>) => `{${sources.map((s) => `${sqlString(key(s))}: ${sqlString(cutFilter(cut.get(key(s)) ?? new Map()))}`).join(', ')}}`;
    const settings = sources.length ? `\nSETTINGS additional_table_filters = ${filters(cuts)}` : '';
    const insert = async (sql: string) => {
      const into = (await adapter.queryColumns(sql)).map((c) => quoteIdentifier(c.name)).join(', ');
      // The cuts' filters name each partition of the sources: the size the statement needs (statement-settings.ts).
      const statement = `INSERT INTO ${q(expected)} (${into}) SELECT ${into} FROM (\n${sql}\n)${settings}`;
      await adapter.client.command(statement, { signal, settings: fitQuerySize(statement) });
    };
    if (unit.seedSql) await insert(unit.seedSql);
    for (const v of views) await insert(ungated(v.asSelect) ?? v.asSelect);
    const columns = (await adapter.columns(target)).map((c) => (/^AggregateFunction\(/.test(c.type) ? `finalizeAggregation(${quoteIdentifier(c.name)})` : quoteIdentifier(c.name))).join(', ');
    const final = MERGING.test(engine) ? ' FINAL' : '';
    const count = async (a: Relation, b: Relation) => {
      const [row] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM (SELECT ${columns} FROM ${q(a)}${final} EXCEPT ALL SELECT ${columns} FROM ${q(b)}${final})`);
      return Number(row?.n ?? 0);
    };
    return { notReproduced: await count(actual, expected), added: await count(expected, actual) };
  } finally {
    await staging.dispose();
  }
}

/** The refusal when the target is not exactly what its views give. */
export function inexactViewRefresh(node: ModelNode, unit: Unit, targetName: string, d: RefreshDifference): DatabaseError {
  const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;
  const what = [
    ...(d.notReproduced ? [`${rows(d.notReproduced)} of it that no view's source gives back would be lost or changed (inserted into the table directly — a manual backfill —, written by a view over a source that keeps no rows or by a query a view no longer has)`] : []),
    ...(d.added ? [`${rows(d.added)} it does not hold would come in (history a view never brought in, e.g. while it had catchup: false)`] : []),
  ];
  return viewRefreshRefusal(node, unit, targetName, `but the table is not what they give: ${what.join('; ')}`, 'from its views anyway');
}
