import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';
import { settingsClause } from '../settings-clause.js';
import { drainInserts, runningInserts, waitForNoInserts } from '../inserts.js';
import { Staging } from '../staging.js';
import { exchangeTables } from '../exchange-tables.js';
import { engineClause } from '../table-ddl.js';
import { attachPartitionsFrom } from '../partition-replace.js';
import { fitQuerySize } from '../statement-settings.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import type { ContractColumn } from '../contract/contract-check.js';
import { contractColumnsDdl } from '../contract/contract-table.js';
import { contractTableConfig } from '../contract/constraints.js';
import { activateAtQuietMoment, committedBlocks, cutFilter, key, sameCut, STREAMING_ENGINE, type BlockCut } from './cutoff.js';
import { convertsSafely, readMv, tableEngine, triggersOf } from './mv-state.js';
import { boundTableSql, carriedTableSql, carriedViewSql, carryDirectRows, COUNTS_ROWS, movesDirectRows, directInsertsError, directRows, moveRows, RECORDER, recorderSql, recorderTableSql, recordBoundInserts, RECORDS_ROWS, rowRecorderSql, rowRecorderTableSql, tableUuid, type Recorders } from './direct-inserts.js';

/** One materialized view writing into a unit's target. */
export interface Feed {
  /** The materialized view model. */
  readonly model: ModelNode;
  /** The view object. */
  readonly mv: Relation;
  /** Its compiled SELECT. */
  readonly sql: string;
  /** Backfill the target from the rows already in the source (dbt-clickhouse's `catchup`, default true). */
  readonly catchup: boolean;
  /** The relations the SELECT reads (the table it fires on is one of them). */
  readonly reads: readonly Relation[];
  /** A view the unit leaves as it is (its stored SELECT; one the run does not change): staged to capture, not pointed at the target again. */
  readonly asIs?: boolean;
}

/** A target table and the views that write into it: rebuilt together (see rebuildUnit). */
export interface Unit {
  readonly target: Relation;
  /** The model whose config gives the target's engine, keys and table options. */
  readonly owner: ModelNode;
  /** SQL whose columns are the target's columns. */
  readonly structureSql: string;
  /** Rows of the target model itself (an explicit target's own SELECT), put in a rebuilt target. */
  readonly seedSql?: string;
  readonly feeds: readonly Feed[];
  /**
   * Views writing into the target that the model no longer has (its `--name:begin` blocks changed):
   * dropped at the switch, once the staged views capture every insert, so no row is lost or doubled.
   */
  readonly retired?: readonly Relation[];
  /**
   * The target keeps its rows (a view added to a table others feed, dbt-clickhouse's catchup of one
   * view): they are copied into the new table at the cut (hard-linked parts), and only the feeds with
   * catchup are backfilled. Without it the target is recomputed from the backfills and `seedSql`.
   */
  readonly keepRows?: boolean;
  /**
   * The owner's enforced contract (checked against its SQL before anything changed): the target is
   * created with the declared columns, types and constraints, as dbt-clickhouse creates a contracted
   * materialized view's table; the backfill and the views' inserts are converted to them.
   */
  readonly contract?: readonly ContractColumn[];
}

/** Comment of a rebuilt target while it is being built: `tsdbt:staged:<run>`. */
export const STAGED = 'tsdbt:staged:';
/** Comment of a rebuilt target once complete and being switched in (a killed run's switch is finished by the next: mv-recover.ts). */
export const SWITCHING = 'tsdbt:switching:';
/** Comment of the empty table standing in for a new target until its build is switched in. */
export const PLACEHOLDER = 'tsdbt:placeholder';
/** Purposes of the unit's temporaries (`<name>__tsdbt_tmp_<run>__<purpose>`). */
export const PURPOSE = { target: 'new', view: 'staged', gate: 'gate', snapshot: 'snap', count: 'count', backfill: 'backfill', record: 'rec' } as const;

const q = (r: Relation) => relationSql(r.schema, r.identifier);
export const createMvSql = (mv: Relation, to: Relation, sql: string) => `CREATE MATERIALIZED VIEW ${q(mv)} TO ${q(to)}\nAS ${sql}`;

/** Creates an empty table for the unit's target at `rel` (columns — the contract's when it has one —, engine, keys, table options; a comment). */
async function createTargetTable(adapter: ClickHouseAdapter, unit: Unit, rel: Relation, columns: readonly WarehouseColumn[], comment: string, signal?: AbortSignal): Promise<void> {
  const options = tableOptionsOf(unit.owner);
  await adapter.assertTableOptionsSupported(options);
  const [elements, config] = unit.contract ? [contractColumnsDdl(unit.owner, unit.contract), contractTableConfig(unit.owner)] : [columnsDdl(columns, options), unit.owner.config];
  await adapter.ddl(`CREATE TABLE ${q(rel)} (${elements})\n${engineClause(config)}\nCOMMENT ${sqlString(comment)}`, { signal });
}

/** The SELECT a staged view wraps in its gate (as ClickHouse stored it), or undefined when it has none. */
export function ungated(stored: string): string | undefined {
  const m = /^SELECT \* FROM \(([\s\S]*)\) WHERE \(SELECT count\(\) FROM \S+__gate\) > 0$/.exec(stored.trim());
  return m?.[1]?.trim();
}

/** `ALTER TABLE mv MODIFY QUERY` (servers before 23.x want it allowed explicitly). */
export async function modifyQuery(adapter: ClickHouseAdapter, mv: Relation, sql: string, signal?: AbortSignal): Promise<void> {
  const setting = 'allow_experimental_alter_materialized_view_structure';
  await adapter.ddl(`ALTER TABLE ${q(mv)}${adapter.onCluster()} MODIFY QUERY\n${sql}`, { signal, settings: (await adapter.hasSetting(setting)) ? { [setting]: 1 } : undefined });
}

/** Makes the view `final` write `sql` into `target`: MODIFY QUERY, or a new view (dropping one with another target). */
export async function pointFeedAt(adapter: ClickHouseAdapter, final: Relation, target: Relation, sql: string): Promise<void> {
  const existing = await readMv(adapter, final);
  if (existing && existing.target && key(existing.target) === key(target)) {
    await modifyQuery(adapter, final, sql);
    return;
  }
  const kind = await adapter.relationKind(final);
  if (kind) await adapter.drop(final, kind);
  await adapter.ddl(createMvSql(final, target, sql));
}

export interface RebuildResult {
  /** Rows in the rebuilt target. */
  readonly rows: number;
  /** Rows the backfill read into it. */
  readonly backfilled: number;
  readonly warnings: string[];
}

/**
 * Rebuilds a target and its views without losing or doubling a row inserted into the sources meanwhile
 * (docs/clickhouse-native.md has the whole story):
 *
 * 1. The new target is built beside the old one (an owned temporary), with a staged copy of every view
 *    writing into it, created closed behind a gate table.
 * 2. At a moment without INSERTs (cutoff.ts) the gates open and the sources' parts are snapshotted:
 *    from then on each insert reaches both the old target (old views) and the new one (staged views),
 *    and the snapshots hold exactly the rows before.
 * 3. Backfill: each view's SELECT over the snapshots, into the new target. Readers see nothing yet;
 *    a failure or a kill drops the staged objects.
 * 4. Switch: every final view is given its new SELECT (MODIFY QUERY, or created), then EXCHANGE TABLES
 *    swaps the targets (a three-step RENAME where the filesystem refuses exchanges: exchangeTables). An INSERT binds its views' tables by name when it starts, so the new target
 *    gets each insert once: through a staged view before the exchange, the final one after.
 * 5. Staged views go, then (once the INSERTs that may still run them are over) the gate, the snapshots
 *    and the old table. A run killed during the switch is finished by the next (mv-recover.ts).
 */
export async function rebuildUnit(adapter: ClickHouseAdapter, unit: Unit, signal?: AbortSignal): Promise<RebuildResult> {
  const warnings: string[] = [];
  const target = unit.target;
  const staging = new Staging(adapter, target, signal);
  const staged = staging.temporary(PURPOSE.target);
  const gate = staging.temporary(PURPOSE.gate);
  const stagedFeeds = unit.feeds.map((f) => ({ feed: f, mv: staging.temporary(PURPOSE.view, f.mv, 'materialized_view') }));
  // A kept table: rows written into it directly during the build are counted (direct-inserts.ts) — as each INSERT
  // arrives where the server names an INSERT's query in its views, else by row counts where the engine keeps them.
  const keptEngine = unit.keepRows === true ? await tableEngine(adapter, target) : '';
  const recorded = RECORDS_ROWS.test(keptEngine) && (await adapter.hasFunction('initialQueryID'));
  const countDirect = recorded || COUNTS_ROWS.test(keptEngine);
  const recorders = recorded
    ? { ...(Object.fromEntries(Object.entries(RECORDER).map(([k, purpose]) => [k, staging.temporary(purpose)])) as unknown as Recorders), views: [] as Relation[] }
    : undefined;
  /** The old table's UUID, when the row recorder keeps only its rows (direct-inserts.ts rowRecorderSql). */
  let recordsOldTableOnly: string | undefined;
  const counters = countDirect && !recorded
    ? stagedFeeds.filter((s) => !s.feed.asIs).map((s, i) => ({ feed: s.feed, table: staging.temporary(`${PURPOSE.count}${i}`), mv: staging.temporary(PURPOSE.count, s.feed.mv, 'materialized_view') }))
    : [];
  // Views first; then, once the INSERTs that started before are over, what they read and write.
  const dropStagedViews = async () => {
    for (const s of [...stagedFeeds, ...counters]) await adapter.drop(s.mv, 'materialized_view');
    for (const mv of recorders?.views ?? []) await adapter.drop(mv, 'materialized_view');
    await drainInserts(adapter);
  };
  let switching = false;
  try {
    const keepRows = unit.keepRows === true;
    const columns = keepRows ? await adapter.columns(target) : unit.contract ? unit.contract.map(({ name, type }) => ({ name, type })) : await adapter.queryColumns(unit.structureSql);
    // Kept rows move as parts: the new table is the target's exact copy (engine, keys, options).
    if (keepRows) await adapter.ddl(`CREATE TABLE ${q(staged)} AS ${q(target)} COMMENT ${sqlString(`${STAGED}${adapter.runId}`)}`, { signal });
    else await createTargetTable(adapter, unit, staged, columns, `${STAGED}${adapter.runId}`, signal);
    const targetIsMergeTree = keepRows && /MergeTree$/.test(await tableEngine(adapter, target));
    // 1. Staged views, closed: a row in the gate table opens them all at once.
    await adapter.ddl(`CREATE TABLE ${q(gate)} (open UInt8) ENGINE = Memory`, { signal });
    const gated = (sql: string) => `SELECT * FROM (\n${sql}\n) WHERE (SELECT count() FROM ${q(gate)}) > 0`;
    for (const s of stagedFeeds) await adapter.ddl(createMvSql(s.mv, staged, gated(s.feed.sql)), { signal });
    // Beside each new view's twin, a twin counting what it writes (behind the same gate).
    for (const c of counters) {
      await adapter.ddl(`CREATE TABLE ${q(c.table)} AS ${q(target)} ENGINE = Memory`, { signal });
      await adapter.ddl(createMvSql(c.mv, c.table, gated(c.feed.sql)), { signal });
    }
    const catchupFeeds = stagedFeeds.filter((s) => s.feed.catchup);
    const triggers = await triggersOf(adapter, stagedFeeds.map((s) => s.mv));
    const triggerOf = (s: { mv: Relation }) => triggers.get(key(s.mv));
    if (recorders) {
      // Behind the same gate: one recorder on the target, one on each table a view fires on (direct-inserts.ts).
      await adapter.ddl(recorderTableSql(recorders.target), { signal });
      await adapter.ddl(recorderTableSql(recorders.sources), { signal });
      const fired = [...new Map(stagedFeeds.map(triggerOf).filter((t) => t !== undefined).map((t) => [key(t!.table), t!.table])).values()];
      for (const [i, on] of [target, ...fired].entries()) {
        const mv = staging.temporary(`${PURPOSE.record}${i}`, target, 'materialized_view');
        recorders.views.push(mv);
        await adapter.ddl(recorderSql(mv, i === 0 ? recorders.target : recorders.sources, on, gated), { signal });
      }
    }
    const sources = [...new Map(catchupFeeds.map(triggerOf).filter((t) => t !== undefined && /MergeTree$/.test(t.engine)).map((t) => [key(t!.table), t!])).values()];
    // Snapshot tables of the (non-replicated) MergeTree tables the catchup views fire on.
    const snapshots = sources
      .filter((t) => !t.engine.startsWith('Replicated'))
      .map((t, i) => ({ table: t.table, snap: staging.temporary(`${PURPOSE.snapshot}${i}`) }));
    for (const { table, snap } of snapshots) await adapter.ddl(`CREATE TABLE ${q(snap)} AS ${q(table)}`, { signal });
    const open = () => adapter.client.command(`/* tsdbt_quiet_probe */ INSERT INTO ${q(gate)} SELECT 1`);
    // 2. The moment: gates opened, sources snapshotted (and kept rows copied: the target's blocks are
    // cut too, so a row an old view writes is in the copy or comes through its staged twin, once).
    let cuts = new Map<string, BlockCut>();
    const copy = (from: Relation, to: Relation, parts: string[]) => attachPartitionsFrom(adapter, from, to, parts);
    if (sources.length === 0 && !keepRows) await open();
    else
      cuts = await activateAtQuietMoment({
        adapter,
        tables: [...sources.map((t) => t.table), ...(targetIsMergeTree ? [target] : [])],
        activate: open,
        capture: async (cut) => {
          for (const { table, snap } of snapshots) await copy(table, snap, [...(cut.get(key(table))?.keys() ?? [])]);
          if (targetIsMergeTree) await copy(target, staged, [...(cut.get(key(target))?.keys() ?? [])]);
          else if (keepRows) await adapter.client.command(`INSERT INTO ${q(staged)} SELECT * FROM ${q(target)}`);
        },
        deactivate: async () => {
          // Close the gate, let the INSERTs that passed it finish writing, then empty what they wrote.
          await adapter.client.command(`TRUNCATE TABLE ${q(gate)}`);
          await drainInserts(adapter, signal);
          await adapter.client.command(`TRUNCATE TABLE ${q(staged)}`);
          for (const { snap } of snapshots) await adapter.client.command(`TRUNCATE TABLE ${q(snap)}`);
          for (const c of counters) await adapter.client.command(`TRUNCATE TABLE ${q(c.table)}`);
          if (recorders) for (const r of [recorders.target, recorders.sources]) await adapter.client.command(`TRUNCATE TABLE ${q(r)}`);
        },
        signal,
      });
    // 3. Backfill: each view's SELECT over its source's snapshot (or, for a source the SQL names
    // otherwise, over the source below the cut).
    let backfilled = 0;
    const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
    // Counting direct rows: the history goes to a table of its own first, counted exactly, then moved in.
    const backfill = countDirect ? staging.temporary(PURPOSE.backfill) : staged;
    if (countDirect) await adapter.ddl(`CREATE TABLE ${q(backfill)} AS ${q(staged)}`, { signal });
    for (const s of catchupFeeds) {
      // Into a kept table, the view's own columns (dbt-clickhouse's insert of its SQL): the others get their defaults.
      const into = keepRows ? (await adapter.queryColumns(s.feed.sql)).map((c) => quoteIdentifier(c.name)).join(', ') : names;
      const trigger = triggerOf(s);
      if (!trigger || trigger.engine === 'Null' || STREAMING_ENGINE.test(trigger.engine)) continue; // nothing to read back
      if (!/MergeTree$/.test(trigger.engine))
        throw new DatabaseError('mv_catchup_source', `Materialized view ${s.feed.model.name} fires on ${key(trigger.table)} (${trigger.engine}): catchup can only read back a MergeTree table exactly`, {
          file: s.feed.model.originalFilePath,
          hint: 'Set catchup: false (the view then captures new inserts only), or fill the target yourself.',
        });
      const snapshot = snapshots.find((x) => key(x.table) === key(trigger.table));
      const own = settingsClause(s.feed.model.config.query_settings).replace(/^SETTINGS /, '');
      let from: string;
      if (snapshot && s.feed.sql.includes(q(trigger.table))) from = `(\n${s.feed.sql.split(q(trigger.table)).join(q(snapshot.snap))}\n)${own ? `\nSETTINGS ${own}` : ''}`;
      else {
        const filters = `{${sqlString(key(trigger.table))}: ${sqlString(cutFilter(cuts.get(key(trigger.table)) ?? new Map()))}}`;
        from = `(\n${s.feed.sql}\n)\nSETTINGS additional_table_filters = ${filters}${own ? `, ${own}` : ''}`;
      }
      const before = await adapter.rowCount(backfill);
      // The cut's filter names each partition of the source: the size the statement needs (statement-settings.ts).
      const insert = `INSERT INTO ${q(backfill)} (${into}) SELECT ${into} FROM ${from}`;
      await adapter.client.command(insert, { signal, settings: fitQuerySize(insert) });
      backfilled += (await adapter.rowCount(backfill)) - before;
    }
    if (countDirect) {
      await moveRows(adapter, backfill, staged, targetIsMergeTree, signal);
      const tables = [...sources.map((t) => t.table), ...(targetIsMergeTree ? [target] : [])];
      if (recorders) {
        // From before the count up to the switch, the direct rows themselves are kept (direct-inserts.ts carryDirectRows).
        const mv = staging.temporary(`${PURPOSE.record}rv`, target, 'materialized_view');
        await adapter.ddl(rowRecorderTableSql(recorders.rows, target), { signal });
        recorders.views.push(mv);
        recordsOldTableOnly = await tableUuid(adapter, target);
        if (recordsOldTableOnly) await adapter.ddl(boundTableSql(recorders.bound), { signal });
        const old = recordsOldTableOnly ? { uuid: recordsOldTableOnly, bound: recorders.bound } : undefined;
        await adapter.ddl(rowRecorderSql(mv, recorders.rows, target, recorders.sources, old), { signal });
        // Carried by one INSERT (not a plain MergeTree): that INSERT marks itself done through a view on the new table.
        if (!movesDirectRows(await tableEngine(adapter, staged))) {
          await adapter.ddl(carriedTableSql(recorders), { signal });
          recorders.views.push(recorders.carriedView);
          await adapter.ddl(carriedViewSql(recorders, staged), { signal });
        }
      }
      const count = recorders ? { recorded: true as const, target: recorders.target, sources: recorders.sources } : { recorded: false as const, target, staged, counters: counters.map((c) => c.table), backfilled };
      const direct = await directRows(adapter, { ...count, tables, signal });
      if (direct > 0) throw directInsertsError(target, stagedFeeds.filter((s) => !s.feed.asIs).map((s) => s.feed.model.name), direct);
      // Counted: the counting twins go before the switch (a switch finished by the next run knows nothing of them);
      // the recorders stay until the exchange (a killed switch's are dropped by mv-recover.ts).
      for (const c of counters) await adapter.drop(c.mv, 'materialized_view');
    }
    if (unit.seedSql && !keepRows) await adapter.client.command(`INSERT INTO ${q(staged)} (${names}) SELECT ${names} FROM (\n${unit.seedSql}\n)`, { signal });
    // 4. Switch. From here on a killed run is finished by the next one (mv-recover.ts).
    switching = true;
    await adapter.ddl(`ALTER TABLE ${q(staged)} MODIFY COMMENT ${sqlString(`${SWITCHING}${adapter.runId}`)}`);
    // A new target gets an empty placeholder of the new structure only now, so the final views can be
    // created before the exchange (a view needs its TO table) and what they write there never fails;
    // until here a failed or killed first build leaves no target (and a view in its place answers).
    const existing = await adapter.relationKind(target);
    if (existing !== 'table') {
      if (existing) await adapter.drop(target, existing);
      await createTargetTable(adapter, unit, target, columns, PLACEHOLDER, signal);
    }
    const oldColumns = await adapter.columns(target);
    // A final view's new SELECT writes into the old table until the exchange: where a column's type
    // changed so that converting could fail, do it while no INSERT runs.
    if (columns.some((c) => oldColumns.some((o) => o.name === c.name && !convertsSafely(c.type, o.type)))) await waitForNoInserts(adapter, undefined, 10_000);
    for (const r of unit.retired ?? []) await adapter.drop(r, 'materialized_view');
    for (const s of stagedFeeds) if (!s.feed.asIs) await pointFeedAt(adapter, s.feed.mv, target, s.feed.sql);
    // An INSERT binds its views' tables by name one view after the other: one starting in the very
    // instant of the exchange could bind the two names on either side of it. Exchange at a moment
    // without INSERTs (waited for, up to 10 s), and say so when one came anyway.
    const sourceTables = [...sources.map((t) => t.table), ...(targetIsMergeTree ? [target] : [])];
    await waitForNoInserts(adapter, undefined, 10_000);
    const blocksBefore = await committedBlocks(adapter, sourceTables);
    if (recorders) await carryDirectRows(adapter, recorders, staged);
    // A direct row from the carry to the EXCHANGE reached the old table, and so do the rows an INSERT running at
    // the EXCHANGE commits after it; recorded (only the old table's rows), they are carried once those INSERTs end.
    const carryAgain = recorders && recordsOldTableOnly && movesDirectRows(await tableEngine(adapter, staged)) ? recorders : undefined;
    if (carryAgain) await recordBoundInserts(adapter, carryAgain);
    await exchangeTables(adapter, staged, target);
    // The old table is now under the staged name: its blocks are the ones to compare with the target's before.
    const blocksAfter = await committedBlocks(adapter, sourceTables.map((t) => (key(t) === key(target) ? staged : t)));
    const moved = new Map([...blocksAfter].map(([k, cut]) => [k === key(staged) ? key(target) : k, cut]));
    if ((await runningInserts(adapter)) > 0 || !sameCut(blocksBefore, moved))
      warnings.push(`${unit.owner.originalFilePath}: an INSERT into a source ran while ${key(target)} was switched to its rebuilt table; if its rows are missing or doubled there, run with --full-refresh`);
    // 5. The staged views now write into the old table (under the staged name): they go first.
    await dropStagedViews().catch((error: unknown) => {
      throw (error as DatabaseError).code === 'drain_timeout' && carryAgain ? stillInserting(target, staged, carryAgain) : error;
    });
    if (carryAgain) await carryDirectRows(adapter, carryAgain, target);
    await adapter.ddl(`ALTER TABLE ${q(target)} MODIFY COMMENT ''`);
    return { rows: await adapter.rowCount(target), backfilled, warnings };
  } catch (error) {
    if (switching) {
      // Not undone: the staged target is complete and marked; the next run finishes the switch.
      await staging.abandon();
      throw error;
    }
    await dropStagedViews().catch(() => {});
    throw error;
  } finally {
    await staging.dispose();
  }
}

/** INSERTs bound to the old table still running after drainInserts' wait: nothing more is dropped, the rows they wrote stay where they are. */
function stillInserting(target: Relation, old: Relation, rec: Recorders): DatabaseError {
  return new DatabaseError(
    'mv_direct_inserts',
    `INSERTs into ${key(target)} that started before it was switched to its rebuilt table were still running after 600 s: the rows they write go into the old table, kept as ${key(old)} (and recorded in ${key(rec.rows)})`,
    { hint: `Once they are done, copy their rows from ${key(rec.rows)} (SELECT * EXCEPT (tsdbt_q) … WHERE tsdbt_q NOT IN (SELECT q FROM ${key(rec.sources)})) into ${key(target)} before the next command: its sweep drops these tables.` },
  );
}
