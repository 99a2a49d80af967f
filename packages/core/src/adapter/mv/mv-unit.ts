import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import { settingsClause, sqlString, TEMP_MARKER, type ClickHouseAdapter, type WarehouseColumn } from '../clickhouse-adapter.js';
import { engineClause } from '../table-ddl.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import { activateAtQuietMoment, committedBlocks, cutFilter, drainInserts, key, runningInserts, sameCut, STREAMING_ENGINE, type BlockCut } from './cutoff.js';
import { convertsSafely, mvsWritingTo, readMv, tableComment, triggersOf } from './mv-state.js';

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
}

const STAGED = 'tsdbt:staged:';
/** Names of the snapshot tables a backfill reads: `<target>__tsdbt_snap_<run>_<n>`. */
const SNAPSHOT_MARKER = '__tsdbt_snap_';
/** Names of the gate tables the staged views read: `<target>__tsdbt_gate_<run>`. */
const GATE_MARKER = '__tsdbt_gate_';
const SWITCHING = 'tsdbt:switching:';
export const PLACEHOLDER = 'tsdbt:placeholder';

const q = (r: Relation) => relationSql(r.schema, r.identifier);
const createMvSql = (mv: Relation, to: Relation, sql: string) => `CREATE MATERIALIZED VIEW ${q(mv)} TO ${q(to)}\nAS ${sql}`;

/** Creates an empty table for the unit's target at `rel` (columns, engine, keys, table options; a comment). */
async function createTargetTable(adapter: ClickHouseAdapter, unit: Unit, rel: Relation, columns: readonly WarehouseColumn[], comment: string, signal?: AbortSignal): Promise<void> {
  const options = tableOptionsOf(unit.owner);
  await adapter.assertTableOptionsSupported(options);
  await adapter.ddl(`CREATE TABLE ${q(rel)} (${columnsDdl(columns, options)})\n${engineClause(unit.owner.config)}\nCOMMENT ${sqlString(comment)}`, { signal });
}

/**
 * Finishes or undoes a rebuild that a killed run left halfway (see rebuildUnit for the stages).
 * Returns true when the target is still a placeholder, i.e. must be built.
 */
export async function recoverUnit(adapter: ClickHouseAdapter, unit: Unit): Promise<boolean> {
  const prefix = `${unit.target.identifier}${TEMP_MARKER}`;
  const stagedTargets = await adapter.client.query<{ name: string; comment: string }>(
    `SELECT name, comment FROM system.tables WHERE database = ${sqlString(unit.target.schema)} AND startsWith(name, ${sqlString(prefix)}) AND engine != 'MaterializedView'`,
  );
  for (const row of stagedTargets) {
    const staged = { schema: unit.target.schema, identifier: row.name };
    const runId = row.name.slice(prefix.length);
    // Every view writing into the staged table (found by its TO clause, whatever its name).
    const views = await mvsWritingTo(adapter, staged);
    if (row.comment === `${SWITCHING}${runId}`) {
      // Killed during the switch, before the exchange: the staged target is complete; finish the switch.
      for (const view of views) {
        const final = { schema: view.rel.schema, identifier: view.rel.identifier.replace(new RegExp(`${TEMP_MARKER}${runId}$`), '') };
        const sql = ungated(view.asSelect) ?? unit.feeds.find((f) => key(f.mv) === key(final))?.sql;
        if (final.identifier !== view.rel.identifier && sql) await pointFeedAt(adapter, final, unit.target, sql);
      }
      await adapter.ddl(`EXCHANGE TABLES ${q(staged)} AND ${q(unit.target)}`);
      // The staged name now holds the old table; the staged views write there.
    }
    for (const view of views) await adapter.drop(view.rel, 'materialized_view');
    await adapter.drop(staged, 'table');
  }
  const snaps = await adapter.client.query<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = ${sqlString(unit.target.schema)} AND (startsWith(name, ${sqlString(`${unit.target.identifier}${SNAPSHOT_MARKER}`)}) OR startsWith(name, ${sqlString(`${unit.target.identifier}${GATE_MARKER}`)}))`,
  );
  for (const r of snaps) await adapter.drop({ schema: unit.target.schema, identifier: r.name }, 'table');
  // Staged views whose table is gone already (killed between the two drops above).
  for (const f of unit.feeds) {
    const stray = await adapter.client.query<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = ${sqlString(f.mv.schema)} AND startsWith(name, ${sqlString(`${f.mv.identifier}${TEMP_MARKER}`)}) AND engine = 'MaterializedView'`,
    );
    for (const r of stray) await adapter.drop({ schema: f.mv.schema, identifier: r.name }, 'materialized_view');
  }
  const comment = await tableComment(adapter, unit.target);
  if (comment?.startsWith(SWITCHING) || comment?.startsWith(STAGED)) await adapter.ddl(`ALTER TABLE ${q(unit.target)} MODIFY COMMENT ''`);
  return comment === PLACEHOLDER;
}

/** The SELECT a staged view wraps in its gate (as ClickHouse stored it), or undefined when it has none. */
export function ungated(stored: string): string | undefined {
  const m = /^SELECT \* FROM \(([\s\S]*)\) WHERE \(SELECT count\(\) FROM \S+__tsdbt_gate_\w+\) > 0$/.exec(stored.trim());
  return m?.[1]?.trim();
}

/** `ALTER TABLE mv MODIFY QUERY` (servers before 23.x want it allowed explicitly). */
export async function modifyQuery(adapter: ClickHouseAdapter, mv: Relation, sql: string, signal?: AbortSignal): Promise<void> {
  const setting = 'allow_experimental_alter_materialized_view_structure';
  await adapter.ddl(`ALTER TABLE ${q(mv)}${adapter.onCluster()} MODIFY QUERY\n${sql}`, { signal, settings: (await adapter.hasSetting(setting)) ? { [setting]: 1 } : undefined });
}

/** Makes the view `final` write `sql` into `target`: MODIFY QUERY, or a new view (dropping one with another target). */
async function pointFeedAt(adapter: ClickHouseAdapter, final: Relation, target: Relation, sql: string): Promise<void> {
  const existing = await readMv(adapter, final);
  if (existing && existing.target && key(existing.target) === key(target)) {
    await modifyQuery(adapter, final, sql);
    return;
  }
  if (existing || (await adapter.relationKind(final))) await adapter.drop(final, existing ? 'materialized_view' : ((await adapter.relationKind(final)) ?? 'table'));
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
 * Rebuilds a target and its views without losing or doubling a row inserted into the sources meanwhile:
 *
 * 1. The new target is built beside the old one (`<t>__tsdbt_tmp_<run>`), with a staged copy of every
 *    view writing into it, created at a moment without INSERTs (cutoff.ts): from then on each insert
 *    reaches both the old target (old views) and the new one (staged views).
 * 2. Backfill: each view's SELECT over the rows its source had at that moment (the block cut), into
 *    the new target. Nothing is visible to readers yet; a failure or a kill drops the staged objects.
 * 3. Switch: every final view is given its new SELECT (`ALTER TABLE … MODIFY QUERY`, or created), then
 *    `EXCHANGE TABLES` swaps the targets. Views write by table name, so before the exchange the new
 *    target gets each insert through its staged view, after it through the final one; readers see the
 *    old table or the complete new one. The staged views and the old table are dropped last.
 * 4. A run killed during the switch is finished by the next run (recoverUnit); one killed earlier leaves
 *    the old target and views as they were.
 */
export async function rebuildUnit(adapter: ClickHouseAdapter, unit: Unit, signal?: AbortSignal): Promise<RebuildResult> {
  const warnings: string[] = [];
  const target = unit.target;
  const staged = adapter.tempRelation(target);
  const stagedFeeds = unit.feeds.map((f) => ({ feed: f, mv: adapter.tempRelation(f.mv) }));
  const columns = await adapter.queryColumns(unit.structureSql);
  // A new target starts as an empty placeholder of the new structure, so the final views can be
  // created before the exchange (a view needs its TO table) and what they write there never fails.
  const existing = await adapter.relationKind(target);
  if (existing !== 'table') {
    if (existing) await adapter.drop(target, existing);
    await createTargetTable(adapter, unit, target, columns, PLACEHOLDER, signal);
  }
  await createTargetTable(adapter, unit, staged, columns, `${STAGED}${adapter.runId}`, signal);
  // The staged views are created closed: each reads a gate table (`<t>__tsdbt_gate_<run>`) and passes
  // rows only once a row is in it, so opening them all is one fast INSERT inside the checked moment.
  const gate = { schema: target.schema, identifier: `${target.identifier}${GATE_MARKER}${adapter.runId}` };
  const gated = (sql: string) => `SELECT * FROM (\n${sql}\n) WHERE (SELECT count() FROM ${q(gate)}) > 0`;
  const dropStagedFeeds = async () => {
    for (const s of stagedFeeds) await adapter.drop(s.mv, 'materialized_view');
    // INSERTs that started before the drop may still run the staged views (and read the gate).
    await drainInserts(adapter);
    await adapter.drop(gate, 'table');
  };
  let switching = false;
  let snapshots: { table: Relation; snap: Relation }[] = [];
  try {
    await adapter.ddl(`CREATE TABLE ${q(gate)} (open UInt8) ENGINE = Memory`, { signal });
    for (const s of stagedFeeds) await adapter.ddl(createMvSql(s.mv, staged, gated(s.feed.sql)), { signal });
    const catchupFeeds = stagedFeeds.filter((s) => s.feed.catchup);
    const triggers = await triggersOf(adapter, stagedFeeds.map((s) => s.mv));
    const triggerOfFeed = (s: { mv: Relation }) => triggers.get(key(s.mv));
    // Snapshot tables of the (non-replicated) MergeTree tables the catchup views fire on, filled in the checked moment.
    const sources = [...new Map(catchupFeeds.map(triggerOfFeed).filter((t) => t !== undefined && /MergeTree$/.test(t.engine)).map((t) => [key(t!.table), t!])).values()];
    snapshots = sources
      .filter((t) => !t.engine.startsWith('Replicated'))
      .map((t, i) => ({ table: t.table, snap: { schema: target.schema, identifier: `${target.identifier}${SNAPSHOT_MARKER}${adapter.runId}_${i}` } }));
    for (const { table, snap } of snapshots) await adapter.ddl(`CREATE TABLE ${q(snap)} AS ${q(table)}`, { signal });
    const open = () => adapter.client.command(`/* tsdbt_quiet_probe */ INSERT INTO ${q(gate)} SELECT 1`);
    let cuts = new Map<string, BlockCut>();
    if (catchupFeeds.length === 0 || sources.length === 0) await open();
    else {
      cuts = await activateAtQuietMoment({
        adapter,
        tables: sources.map((t) => t.table),
        activate: open,
        capture: async (cut) => {
          for (const { table, snap } of snapshots) {
            const parts = [...(cut.get(key(table))?.keys() ?? [])];
            if (parts.length) await adapter.ddl(`ALTER TABLE ${q(snap)} ${parts.map((p) => `ATTACH PARTITION ID ${sqlString(p)} FROM ${q(table)}`).join(', ')}`);
          }
        },
        deactivate: async () => {
          // Close the gate, let the INSERTs that passed it finish writing, then empty what they wrote.
          await adapter.client.command(`TRUNCATE TABLE ${q(gate)}`);
          await drainInserts(adapter, signal);
          await adapter.client.command(`TRUNCATE TABLE ${q(staged)}`);
          for (const { snap } of snapshots) await adapter.client.command(`TRUNCATE TABLE ${q(snap)}`);
        },
        signal,
      });
    }
    // 2. Backfill: each view's SELECT over its source's snapshot (or, for a source the SQL names
    // otherwise, over the source below the cut).
    let backfilled = 0;
    const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
    for (const s of catchupFeeds) {
      const trigger = triggerOfFeed(s);
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
      const before = await adapter.rowCount(staged);
      await adapter.client.command(`INSERT INTO ${q(staged)} (${names}) SELECT ${names} FROM ${from}`, { signal });
      backfilled += (await adapter.rowCount(staged)) - before;
    }
    for (const { snap } of snapshots) await adapter.drop(snap, 'table');
    snapshots = [];
    if (unit.seedSql) await adapter.client.command(`INSERT INTO ${q(staged)} (${names}) SELECT ${names} FROM (\n${unit.seedSql}\n)`, { signal });
    // 3. Switch. From here on a killed run is finished by the next one (recoverUnit).
    switching = true;
    await adapter.ddl(`ALTER TABLE ${q(staged)} MODIFY COMMENT ${sqlString(`${SWITCHING}${adapter.runId}`)}`);
    const oldColumns = await adapter.columns(target);
    const risky = columns.filter((c) => oldColumns.some((o) => o.name === c.name && !convertsSafely(c.type, o.type)));
    // A final view's new SELECT writes into the old table until the exchange: where a column's type
    // changed so that converting could fail, do it while no INSERT runs.
    if (risky.length) await waitForQuiet(adapter);
    for (const s of stagedFeeds) await pointFeedAt(adapter, s.feed.mv, target, s.feed.sql);
    // An INSERT binds its views' tables by name when it starts, one view after the other: one starting
    // in the very instant of the exchange could bind the two names on either side of it. Exchange at
    // a moment without INSERTs (waited for, up to 10 s), and say so when one came anyway.
    await waitForQuiet(adapter);
    const blocksBefore = await committedBlocks(adapter, [...cuts.keys()].map(relationOfKey));
    await adapter.ddl(`EXCHANGE TABLES ${q(staged)} AND ${q(target)}`);
    if ((await runningInserts(adapter)) > 0 || !sameCut(blocksBefore, await committedBlocks(adapter, [...cuts.keys()].map(relationOfKey))))
      warnings.push(`${unit.owner.originalFilePath}: an INSERT into a source ran while ${key(target)} was switched to its rebuilt table; if its rows are missing or doubled there, run with --full-refresh`);
    await dropStagedFeeds();
    await adapter.drop(staged, 'table');
    await adapter.ddl(`ALTER TABLE ${q(target)} MODIFY COMMENT ''`);
    return { rows: await adapter.rowCount(target), backfilled, warnings };
  } catch (error) {
    for (const { snap } of snapshots) await adapter.drop(snap, 'table').catch(() => {});
    if (!switching) {
      await dropStagedFeeds().catch(() => {});
      await adapter.drop(staged, 'table').catch(() => {});
    }
    throw error;
  }
}

const relationOfKey = (k: string): Relation => ({ schema: k.slice(0, k.indexOf('.')), identifier: k.slice(k.indexOf('.') + 1) });

async function waitForQuiet(adapter: ClickHouseAdapter): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until && (await runningInserts(adapter)) > 0) await new Promise((r) => setTimeout(r, 20));
}

export { committedBlocks };
