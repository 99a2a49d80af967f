import { uniqueKeyOf } from '../../manifest/config.js';
import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { settingsClause } from '../settings-clause.js';
import { withStaging, type Staging } from '../staging.js';
import { ifPartitionMovesWork } from '../partition-moves-on-cluster.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import { predicatesClause } from './mutations.js';
import { addMissingTableOptions, insertError, planSchemaChange, rebuiltWithTableOptions, type SchemaPlan } from './schema-change.js';
import { qualifiedColumnWarnings, stageModel } from './table.js';
import { checkContract, contractEnforced } from '../contract/contract-check.js';
import { constraintElements, contractTableConfig } from '../contract/constraints.js';
import { stageContracted } from '../contract/contract-table.js';
import { materializeMicrobatch } from './microbatch.js';
import { mergeRowsSql, mergeStrategyOf } from './merge-strategy.js';
import { keyRounding } from './stored-rounding.js';
import { storedDates } from './stored-dates.js';
import { appendThroughViews } from './append-through-views.js';
import { customStrategyOf, runCustomStrategy } from './custom-strategy.js';
import { dbtClickhouseMacroOf, runClickhouseOverride, truthy } from './clickhouse-overrides.js';
import { heldRows, ofPartitions } from './block-ranges.js';
import { blocksNow, carryAbove, swapCarrying } from './copy-carry.js';
import { fitQuerySize } from '../statement-settings.js';
import { assertRowsOnThisShard, copiedAtCount } from './copy-count.js';
import type { Materialization, MaterializeContext, MaterializeResult } from './types.js';

const STRATEGIES = ['append', 'delete_insert', 'insert_overwrite', 'microbatch', 'merge'] as const;
export type Strategy = (typeof STRATEGIES)[number];
const LEGACY_STRATEGIES = new Set(['legacy', 'default']);

/**
 * The model's incremental strategy (dbt's default: delete+insert with a unique_key, else append),
 * checked against what the materialization `supported` and what each strategy needs.
 * `keylessAppends`: delete+insert without a unique_key appends instead of failing — dbt-clickhouse's
 * incremental inserts the new rows whenever unique_key is none (bar insert_overwrite), as dbt-core's
 * default delete+insert does (its DELETE is under `{% if unique_key %}`); its distributed_incremental
 * refuses it ("requires a non-empty 'unique_key'").
 */
export function strategyOf<S extends Strategy>(
  ctx: MaterializeContext,
  supported: readonly S[],
  unsupported: (raw: string) => { message: string; hint: string },
  { keylessAppends = false }: { keylessAppends?: boolean } = {},
): S {
  const raw = String(ctx.node.config.incremental_strategy ?? (uniqueKeyOf(ctx.node.config) ? 'delete+insert' : 'append'));
  // dbt-clickhouse's 'legacy' (its old default, also spelled 'default') replaces the rows of the
  // unique keys the new rows carry, and appends without a unique_key: delete+insert's semantics.
  let s = (LEGACY_STRATEGIES.has(raw) ? (uniqueKeyOf(ctx.node.config) ? 'delete_insert' : 'append') : raw.replace('+', '_')) as S;
  // dbt-clickhouse's inserts_only (deprecated there for 'append'): the new rows are inserted as they
  // are, whatever the strategy and unique_key say (its materialization checks it first). Microbatch
  // keeps its batches (one insert of the whole query would add every batch's rows again).
  if (truthy(ctx.node.config.inserts_only) && s !== 'microbatch' && supported.includes('append' as S)) s = 'append' as S;
  const file = ctx.node.originalFilePath;
  if (!supported.includes(s)) {
    const { message, hint } = unsupported(raw);
    throw new ProjectError('incremental_strategy', message, { file, hint });
  }
  if (s === 'delete_insert' && !uniqueKeyOf(ctx.node.config) && keylessAppends && supported.includes('append' as S)) s = 'append' as S;
  if (s === 'delete_insert' && !uniqueKeyOf(ctx.node.config))
    throw new ProjectError('incremental_strategy', `Model ${ctx.node.name}: delete+insert needs a unique_key`, {
      file,
      hint: "Add config(unique_key='id'), or use incremental_strategy='append'.",
    });
  if (s === 'insert_overwrite' && !ctx.node.config.partition_by)
    throw new ProjectError('incremental_strategy', `Model ${ctx.node.name}: insert_overwrite needs partition_by`, {
      file,
      hint: "Add config(partition_by='toYYYYMM(event_date)').",
    });
  return s;
}

/** `(a, b)` of a unique_key (a name, an expression or a list). */
export function keyOf(node: ModelNode): string {
  return (uniqueKeyOf(node.config) ?? []).join(', ');
}

/**
 * The condition a delete+insert removes old rows by: their key is among the new rows' (narrowed by
 * incremental_predicates). `global`: the new rows are a Distributed table (GLOBAL IN).
 */
export function replacedRows(node: ModelNode, staged: Relation, global = false): string {
  const key = keyOf(node);
  return `(${key}) ${global ? 'GLOBAL IN' : 'IN'} (SELECT ${key} FROM ${relationSql(staged.schema, staged.identifier)})${predicatesClause(node.config.predicates || node.config.incremental_predicates)}`;
}

const list = (names: readonly string[]) => names.map(quoteIdentifier).join(', ');

/** A contracted model's new rows, checked and cast in an owned temporary: its name, to read them from. */
async function stagedContractRows(s: Staging, node: ModelNode, query: string): Promise<string> {
  const staged = await stageContracted(s, node, await checkContract(s.adapter, node, query, s.signal), query, 'contract');
  return relationSql(staged.schema, staged.identifier);
}

/**
 * Incremental models: the first build (or --full-refresh, or a view in the way) is a table build;
 * later runs render with is_incremental() true and add the new rows by the configured strategy.
 * Every strategy builds and type-checks the new state beside the table, then puts it in place in
 * one statement (staging.ts), so a failed statement or a killed process leaves the old rows or the
 * new ones, never fewer and never twice:
 * - append: the new rows go into a table shaped like the target, then `ATTACH PARTITION … FROM` it;
 * - insert_overwrite: the same, then `REPLACE PARTITION` for each partition the new rows fall in;
 * - delete+insert: the partitions holding a replaced key or receiving a new row are rebuilt beside
 *   the table (their old rows minus the replaced keys, plus the new rows) and replaced in one ALTER
 *   (an unpartitioned table is one partition); dropped partitions are dropped in the same ALTER;
 * - a change of columns (on_schema_change append_new_columns / sync_all_columns), or a table engine
 *   without partitions: the whole table is rebuilt with the new columns and swapped in.
 */
export const materializeIncremental: Materialization = async (ctx) => {
  const { adapter, node, signal } = ctx;
  const rel = node.relation;
  // A project's `get_incremental_<name>_sql` for a strategy tsdbt does not have (custom-strategy.ts).
  const custom = customStrategyOf(ctx, STRATEGIES, LEGACY_STRATEGIES);
  const configured = custom ? undefined : strategyOf(ctx, STRATEGIES, (raw) => ({
    // dbt's wording (its adapter looks the strategy's macro up by name).
    message: `dbt could not find an incremental strategy macro with the name "get_incremental_${raw.replace('+', '_')}_sql" (unknown incremental_strategy '${raw}' in model ${node.name})`,
    hint: `Use append, delete+insert, insert_overwrite, microbatch, merge or legacy (dbt-clickhouse), or define {% macro get_incremental_${raw.replace('+', '_')}_sql(arg_dict) %} (a custom strategy).`,
  }), { keylessAppends: true });
  if (configured === 'microbatch' && ctx.microbatchBatches !== false) return withOverrideWarning(ctx, await materializeMicrobatch(ctx));
  // A project's own version of the dbt-clickhouse macro its materialization calls here (clickhouse-overrides.ts).
  const overridden = custom || configured === 'merge' || configured === 'microbatch' ? undefined : dbtClickhouseMacroOf(node);
  const override = overridden ? ctx.clickhouseOverride?.(overridden) : undefined;
  // Microbatch without batches (a project's own get_incremental_microbatch_sql, dbt's default flags: see
  // usesMicrobatchBatches): one run, as dbt-clickhouse's materialization runs it — the rows of the new
  // rows' keys replaced (delete+insert), or, without a unique_key, the new rows appended.
  const strategy = configured === 'merge' ? mergeStrategyOf(node) : configured === 'microbatch' ? (keyOf(node) ? 'delete_insert' : 'append') : configured;
  // withStaging first sweeps dead runs' leftovers: a table a crash left under its backup name is back before we look.
  return withStaging(adapter, rel, signal, async (s) => {
    const existing = await adapter.relationKind(rel);
    // dbt's should_full_refresh(): a model's own full_refresh config wins over the --full-refresh flag.
    const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
    if (existing !== 'table' || fullRefresh) {
      await s.swap(await stageModel(s, node, ctx.recompile({ isIncremental: false }), undefined, ctx.clickhouseOverride?.('clickhouse__insert_into')));
      const rows = await adapter.rowCount(rel);
      return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: await qualifiedColumnWarnings(adapter, node) };
    }
    // Casts to date computed as the table stored them: ClickHouse's Date in a table built so (stored-dates.ts).
    const dates = await storedDates(adapter, node, rel, (clickhouseDates) => ctx.recompile({ isIncremental: true, clickhouseDates }), node.config.query_settings);
    const storedCtx = dates.clickhouseDates ? { ...ctx, recompile: (o: Parameters<typeof ctx.recompile>[0]) => ctx.recompile({ ...o, clickhouseDates: true }) } : ctx;
    // A unique_key computed by round(): rounded as the stored keys were (stored-rounding.ts).
    const rounded = (strategy === 'delete_insert' || configured === 'merge') && keyOf(node) ? await keyRounding(storedCtx, keyOf(node), dates.sql) : undefined;
    const query = rounded?.sql ?? dates.sql;
    // An enforced contract: the new rows are checked, cast to the declared types and run through the
    // declared constraints in a staged table first; the strategy then reads them from there.
    const newRows = contractEnforced(node)
      ? `SELECT * FROM ${await stagedContractRows(s, node, query)}`
      : query;
    const sql = configured === 'merge' ? mergeRowsSql(node, newRows, (await adapter.queryColumns(newRows, undefined, node.config.query_settings)).map((c) => c.name)) : newRows;
    const plan = await planSchemaChange(adapter, node, sql);
    const warnings = [...(dates.warning ? [dates.warning] : []), ...plan.warnings, ...(rounded?.warning ? [rounded.warning] : [])];
    if (custom || override) {
      // dbt's process_schema_changes runs before the strategy (dbt-clickhouse's apply_column_changes before its
      // macro): the table gets its new columns (with its rows, none added) first.
      if (plan.rebuild) {
        warnings.push(...(await rebuiltWithTableOptions(adapter, node, rel)));
        await rebuildTable(s, ctx, 'append', `SELECT * FROM (\n${sql}\n) WHERE 0`, plan);
      }
      const traits = { feedsViews: await feedsViews(adapter, rel), movesPartitions: await movesPartitions(adapter, rel) };
      if (custom) {
        const added = await runCustomStrategy(s, ctx, custom, sql, plan, traits);
        return { message: `OK ${custom.name} ${added.toLocaleString('en-US')} rows`, rowsAffected: added, warnings };
      }
      const added = await runClickhouseOverride(s, ctx, override!, sql, traits);
      return { message: `OK ${override!.name}${added === undefined ? '' : ` ${added.toLocaleString('en-US')} rows`}`, ...(added === undefined ? {} : { rowsAffected: added }), warnings };
    }
    if (!strategy) throw new Error('unreachable: no incremental strategy');
    let written: number | undefined;
    if (!plan.rebuild && (await movesPartitions(adapter, rel))) {
      warnings.push(...(await addMissingTableOptions(adapter, node, rel, signal)));
      written = await ifPartitionMovesWork(s, () => (strategy === 'delete_insert' ? deleteInsert : addPartitions)(s, ctx, strategy, sql, plan));
    }
    if (written === undefined) {
      warnings.push(...(await rebuiltWithTableOptions(adapter, node, rel)));
      written = await rebuildTable(s, ctx, strategy, sql, plan);
    }
    return { message: `OK ${configured === 'delete_insert' ? 'delete+insert' : configured} ${written.toLocaleString('en-US')} rows`, rowsAffected: written, warnings };
  });
};

/**
 * dbt-clickhouse builds each microbatch batch with clickhouse__incremental_delete_insert (clickhouse__insert_into
 * without a unique_key); tsdbt with its own partition replace: a project's version of that macro is not called.
 */
function withOverrideWarning(ctx: MaterializeContext, result: MaterializeResult): MaterializeResult {
  const name = dbtClickhouseMacroOf(ctx.node);
  const macro = name ? ctx.clickhouseOverride?.(name) : undefined;
  if (!macro) return result;
  const warning = `Model ${ctx.node.name}: tsdbt builds a microbatch model's batches by replacing their partitions, not with the project's ${macro.name} (${macro.file}), which dbt-clickhouse calls for each batch`;
  return { ...result, warnings: [...result.warnings, warning] };
}

/** Whether the table's engine moves partitions between tables (the MergeTree family). */
async function movesPartitions(adapter: ClickHouseAdapter, rel: Relation): Promise<boolean> {
  const [row] = await adapter.systemQuery<{ engine: string }>(
    `SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  return /MergeTree$/.test(row?.engine ?? '');
}

/** `INSERT INTO to (cols) SELECT cols FROM (<sql>)`: the new rows, converted to the table's types (a type that does not fit fails here, before the table is touched). */
async function insertNewRows(s: Staging, ctx: MaterializeContext, into: Relation, sql: string, plan: SchemaPlan): Promise<number> {
  const cols = list(plan.insertColumns);
  const querySettings = settingsClause(ctx.node.config.query_settings);
  try {
    await s.adapter.client.command(`INSERT INTO ${relationSql(into.schema, into.identifier)} (${cols}) SELECT ${cols} FROM (\n${sql}\n)${querySettings ? `\n${querySettings}` : ''}`, {
      signal: s.signal,
    });
  } catch (error) {
    throw insertError(error, ctx.node, plan);
  }
  return s.adapter.rowCount(into);
}

/** append and insert_overwrite: the new rows staged in a table shaped like the target, then attached or put in place of their partitions in one ALTER. */
async function addPartitions(s: Staging, ctx: MaterializeContext, strategy: Strategy, sql: string, plan: SchemaPlan): Promise<number> {
  const rel = ctx.node.relation;
  const staged = await s.createLike(rel, ctx.node.config, { purpose: 'new' });
  const written = await insertNewRows(s, ctx, staged, sql, plan);
  if (strategy !== 'append') {
    await assertReplaceableOnCluster(s.adapter, rel, strategy);
    await s.replacePartitions(staged, await s.partitionIds(staged));
  } else if (!(await feedsViews(s.adapter, rel))) await s.appendPartitions(staged);
  // Materialized views read this table: they see inserted rows, not attached parts. Their rows are computed
  // beside their targets, then everything is attached (append-through-views.ts); where a view cannot be
  // reproduced so, one INSERT of the staged rows (committed block by block: README › Known gap).
  else if (!(await appendThroughViews(s, rel, staged, ctx.node.config))) {
    // The views fire inside this INSERT, with the model's query_settings (as dbt-clickhouse's one INSERT … SETTINGS).
    const settings = settingsClause(ctx.node.config.query_settings);
    await s.adapter.client.command(`INSERT INTO ${relationSql(rel.schema, rel.identifier)} SELECT * FROM ${relationSql(staged.schema, staged.identifier)}${settings ? `\n${settings}` : ''}`);
  }
  return written;
}

/**
 * Cluster mode (servers with partition commands ON CLUSTER, 19.x+): delete+insert and insert_overwrite replace the
 * partitions they touch in one ALTER … ON CLUSTER from a staged table filled on this host only — empty on the other
 * shards, where rows another writer put in those partitions would go (tsdbt writes a model's table through this host).
 * Refused then, nothing changed, as the rebuild is (copy-count.ts assertRowsOnThisShard). append attaches, taking nothing.
 */
export async function assertReplaceableOnCluster(adapter: ClickHouseAdapter, rel: Relation, strategy: Strategy): Promise<void> {
  if (strategy === 'append') return;
  const what = strategy === 'delete_insert' ? 'its delete+insert (the partitions it touches replaced on every shard)' : 'its insert_overwrite (the partitions of its new rows replaced on every shard)';
  await assertRowsOnThisShard(adapter, rel, { why: what });
}

/** Whether materialized views read `rel` (system.tables lists them as its dependencies). */
async function feedsViews(adapter: ClickHouseAdapter, rel: Relation): Promise<boolean> {
  const [row] = await adapter.systemQuery<{ n: string | number }>(
    `SELECT length(dependencies_table) AS n FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  return Number(row?.n ?? 0) > 0;
}

/**
 * delete+insert: the new rows staged as the model returns them (their keys say what is replaced);
 * the partitions they touch rebuilt beside the table; those partitions replaced in one ALTER.
 */
async function deleteInsert(s: Staging, ctx: MaterializeContext, _strategy: Strategy, sql: string, plan: SchemaPlan): Promise<number> {
  const { adapter, node } = ctx;
  const rel = node.relation;
  const incoming = await s.createTableAs(sql, node.config, { purpose: 'keys' });
  const written = await adapter.rowCount(incoming);
  const next = await s.createLike(rel, node.config, { purpose: 'new' });
  const cols = list(plan.insertColumns);
  try {
    await adapter.client.command(`INSERT INTO ${relationSql(next.schema, next.identifier)} (${cols}) SELECT ${cols} FROM ${relationSql(incoming.schema, incoming.identifier)}`, { signal: s.signal });
  } catch (error) {
    throw insertError(error, node, plan);
  }
  // The partitions that change: those the new rows fall in, and those holding a replaced row.
  const target = relationSql(rel.schema, rel.identifier);
  const holding = await adapter.client.query<{ _partition_id: string }>(`SELECT DISTINCT _partition_id FROM ${target} WHERE ${replacedRows(node, incoming)}`, { signal: s.signal });
  const touched = [...new Set([...(await s.partitionIds(next)), ...holding.map((r) => r._partition_id)])].sort();
  if (touched.length === 0) return written;
  await assertReplaceableOnCluster(adapter, rel, 'delete_insert');
  // Their rows that stay: everything but the replaced keys — as of a cut of the table's committed blocks, where
  // rows another writer INSERTs into those partitions meanwhile are carried in after the copy, as if inserted right
  // after the model's (copy-carry.ts; the REPLACE would drop them). Not on a cluster (parts per host). The cut of the
  // touched partitions only: its condition names each (a table may have thousands).
  const cut = !adapter.cluster ? ofPartitions(await blocksNow(adapter, rel), touched) : undefined;
  const staying = `INSERT INTO ${relationSql(next.schema, next.identifier)} SELECT * FROM ${target} WHERE _partition_id IN (${touched.map(sqlString).join(', ')}) AND NOT (${replacedRows(node, incoming)})${cut ? ` AND ${heldRows(cut)}` : ''}`;
  await adapter.client.command(staying, { signal: s.signal, settings: fitQuerySize(staying) });
  if (cut) await carryAbove(adapter, { table: rel, why: 'its delete+insert rebuilt the partitions it replaces' }, next, cut, touched);
  const filled = await s.partitionIds(next);
  await s.replacePartitions(next, filled, touched.filter((id) => !filled.includes(id)));
  return written;
}

/**
 * The whole table rebuilt beside it with the plan's columns — the rows that stay, converted, plus the
 * new rows — and swapped in: for a change of columns, or an engine that cannot move partitions. On a
 * MergeTree table (not in cluster mode) rows another writer INSERTs into the table meanwhile are carried
 * into the new one, as if inserted right after the model's rows (copy-carry.ts): the old rows are copied
 * up to a cut of its committed blocks, and what it commits above the cut follows, before and after the swap.
 */
async function rebuildTable(s: Staging, ctx: MaterializeContext, strategy: Strategy, sql: string, plan: SchemaPlan): Promise<number> {
  const { adapter, node } = ctx;
  const rel = node.relation;
  const incoming = await s.createTableAs(sql, node.config, { purpose: 'keys' });
  const written = await adapter.rowCount(incoming);
  // A contracted table keeps its constraints when rebuilt.
  const constraints = contractEnforced(node) ? constraintElements(node) : [];
  const next = await s.createTable([columnsDdl(plan.finalColumns, tableOptionsOf(node)), ...constraints].join(', '), contractEnforced(node) ? contractTableConfig(node) : node.config, { purpose: 'new' });
  const into = relationSql(next.schema, next.identifier);
  const fromIncoming = relationSql(incoming.schema, incoming.identifier);
  // The old rows that stay, in the columns both tables have (a retyped column converted, a new one at its default).
  const kept = plan.targetColumns.map((c) => c.name).filter((n) => plan.finalColumns.some((c) => c.name === n));
  const conditions = [
    strategy === 'delete_insert' ? `NOT (${replacedRows(node, incoming)})`
    : strategy === 'insert_overwrite' ? `_partition_id NOT IN (SELECT DISTINCT _partition_id FROM ${fromIncoming})`
    : undefined,
  ];
  const cut = !adapter.cluster && (await movesPartitions(adapter, rel)) ? await blocksNow(adapter, rel) : undefined;
  if (cut) conditions.push(heldRows(cut));
  const where = conditions.filter(Boolean).map((c) => `(${c})`).join(' AND ');
  const fill = async () => {
    try {
      await adapter.client.command(`INSERT INTO ${into} (${list(plan.insertColumns)}) SELECT ${list(plan.insertColumns)} FROM ${fromIncoming}`, { signal: s.signal });
    } catch (error) {
      throw insertError(error, node, plan);
    }
    const copy = `INSERT INTO ${into} (${list(kept)}) SELECT ${list(kept)} FROM ${relationSql(rel.schema, rel.identifier)}${where ? ` WHERE ${where}` : ''}`;
    await adapter.client.command(copy, { signal: s.signal, settings: fitQuerySize(copy) });
  };
  const job = { table: rel, why: 'it was rebuilt for a change of its columns', columns: kept };
  if (cut) {
    await fill();
    await swapCarrying(s, next, job, { held: cut });
  } else {
    // No block numbers (another engine, a cluster): the old rows copied at a count, rows beyond it fail the build, loud (copy-count.ts).
    const clear = () => adapter.client.command(`TRUNCATE TABLE ${into}${adapter.onCluster()}`, { signal: s.signal }).then(() => {});
    const why = plan.rebuild ? job.why : adapter.cluster ? 'it was rebuilt beside itself (this server cannot move partitions ON CLUSTER)' : `it was rebuilt beside itself (its engine cannot move partitions)`;
    // In cluster mode the old rows come from this host's table: rows on another shard would be dropped by the swap ON CLUSTER.
    const guarded = async () => {
      await assertRowsOnThisShard(adapter, rel, { why: plan.rebuild ? 'its rebuild for a change of columns' : 'its rebuild' });
      await fill();
    };
    await swapCarrying(s, next, { ...job, why }, { count: await copiedAtCount(adapter, rel, guarded, clear) });
  }
  return written;
}
