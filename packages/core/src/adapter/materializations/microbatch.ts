import { microbatchConfigOf, type MicrobatchConfig } from '../../manifest/microbatch-config.js';
import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { settingsClause } from '../settings-clause.js';
import { DatabaseError } from '../../shared/errors.js';
import { Staging, withStaging } from '../staging.js';
import { prepareTarget } from '../prepare-target.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import { batchId, batchWindow, formatBatchStart, isoUtc, splitBatches, sqlTimestamp, type Batch } from './microbatch-batches.js';
import { addMissingTableOptions, applySchemaChange } from './schema-change.js';
import { markAttempt, undoAttempt } from './microbatch-undo.js';
import { storedDates } from './stored-dates.js';
import { heldRows, ofPartitions } from './block-ranges.js';
import { blocksNow, carryAbove } from './copy-carry.js';
import { fitQuerySize } from '../statement-settings.js';
import type { BatchResults, MaterializeContext, MaterializeResult } from './types.js';

const q = (r: Relation) => relationSql(r.schema, r.identifier);

/** Marks a batch's error when its attempt wrote rows that could not be removed: it is not tried again. */
const WROTE = Symbol('microbatch attempt wrote rows');

/** The SQL condition "the event time is in [start, end)", with the bounds as UTC DateTime values. */
const windowPredicate = (column: string, b: Batch) =>
  `${column} >= toDateTime('${sqlTimestamp(b.start)}', 'UTC') AND ${column} < toDateTime('${sqlTimestamp(b.end)}', 'UTC')`;

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** The batches a run covers: dbt's batch window (the run's start as now) split into `batch_size` batches. */
function plannedBatches(cfg: MicrobatchConfig, incremental: boolean, ctx: Pick<MaterializeContext, 'eventTime' | 'runStartedAt'>): Batch[] {
  return splitBatches(windowOf(cfg, incremental, ctx), cfg.batchSize);
}

/** `retry` of a partial success: the batches that failed then (dbt's batch_map), as windows. */
function retriedBatches(previous: BatchResults): Batch[] {
  return previous.failed.map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
}

function windowOf(cfg: MicrobatchConfig, incremental: boolean, ctx: Pick<MaterializeContext, 'eventTime' | 'runStartedAt'>) {
  return batchWindow({
    size: cfg.batchSize,
    incremental,
    begin: cfg.begin,
    lookback: cfg.lookback,
    eventTimeStart: ctx.eventTime?.start,
    eventTimeEnd: ctx.eventTime?.end,
    now: ctx.runStartedAt ?? new Date(),
  });
}

/**
 * The batches a microbatch model's hooks render with (`model.batch`): dbt runs the pre-hook with the
 * first batch and the post-hook with the last (one batch: both with it).
 */
export function hookBatches(node: ModelNode, incremental: boolean, ctx: Pick<MaterializeContext, 'eventTime' | 'runStartedAt' | 'previousBatches'>): { first: RenderedBatch; last: RenderedBatch } {
  const cfg = microbatchConfigOf(node);
  const batches = ctx.previousBatches ? retriedBatches(ctx.previousBatches) : plannedBatches(cfg, incremental, ctx);
  const of = (b: Batch) => ({ id: batchId(b.start, cfg.batchSize), start: b.start, end: b.end });
  return { first: of(batches[0]!), last: of(batches[batches.length - 1]!) };
}

/** A batch as a render sees it (`model.batch`: its id and UTC window). */
export interface RenderedBatch {
  readonly id: string;
  readonly start: Date;
  readonly end: Date;
}

/**
 * `incremental_strategy='microbatch'` (dbt 1.9): the model is built batch by batch, each a window of
 * its `event_time` (`batch_size` hour/day/month/year), rendered with `model.batch` and its inputs that
 * have an `event_time` read within the window. A first build or full refresh covers `begin` to now, in
 * a new table swapped in at the end; an incremental run covers the last `lookback` batches and the
 * current one (or --event-time-start/--event-time-end) and replaces each batch's rows in the table in
 * one statement: `REPLACE PARTITION` / `DROP PARTITION` of the partitions the batch touches (rebuilt
 * with their other rows where the partition key is coarser than the batch). Batches are independent:
 * a failed one is tried once more on its own, and the others stay done (dbt's partial success).
 * `retry` of a partial success runs only the batches that failed (dbt's batch_map), into the table
 * (even when the retried run was a full refresh: the table holds its successful batches); the
 * result lists the earlier successful batches too. A table gone since: every batch, as a first build.
 */
export async function materializeMicrobatch(ctx: MaterializeContext): Promise<MaterializeResult> {
  const { adapter, node, signal } = ctx;
  const cfg = microbatchConfigOf(node);
  const rel = node.relation;
  const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
  const exists = (await adapter.relationKind(rel)) === 'table';
  const retried = ctx.previousBatches && exists ? retriedBatches(ctx.previousBatches) : undefined;
  const incremental = retried ? true : !fullRefresh && exists;
  const batches = retried ?? plannedBatches(cfg, incremental, ctx);
  // Casts to date computed as the table stored them: ClickHouse's Date in a table built so (stored-dates.ts).
  let clickhouseDates = false;
  const sqlOf = (b: Batch, dates = clickhouseDates) =>
    ctx.recompile({ isIncremental: incremental, batch: { id: batchId(b.start, cfg.batchSize), start: b.start, end: b.end }, clickhouseDates: dates || undefined });
  const label = (b: Batch) => `batch ${formatBatchStart(b.start, cfg.batchSize)} of ${node.name}`;
  const successful: Batch[] = [];
  const failed: { batch: Batch; error: unknown }[] = [];
  let rows = 0;
  const warnings: string[] = [];
  const runBatch = async (b: Batch, apply: (b: Batch, sql: string) => Promise<number>, retry = true): Promise<void> => {
    try {
      rows += await apply(b, sqlOf(b));
      successful.push(b);
      ctx.report?.(`${label(b)}: OK`);
    } catch (error) {
      signal?.throwIfAborted();
      // Tried again only when the failed attempt wrote nothing (a statement can fail, or its answer be
      // lost, after rows reached the table): the rows again would be there twice.
      if (retry && !(error as { [WROTE]?: boolean })[WROTE]) {
        // A batch is independent of the others: it alone is tried once more.
        ctx.report?.(`${label(b)}: failed, trying it again (${(error as Error).message.split('\n')[0]})`);
        return runBatch(b, apply, false);
      }
      failed.push({ batch: b, error });
      ctx.report?.(`${label(b)}: ERROR`);
    }
  };
  // dbt: the first batch alone (if it fails, the others are skipped), the middle ones side by side
  // when concurrent_batches is true, the last one alone once they are done.
  const runAll = async (apply: (b: Batch, sql: string) => Promise<number>, threads: number) => {
    await runBatch(batches[0]!, apply);
    if (failed.length) {
      for (const b of batches.slice(1)) failed.push({ batch: b, error: new Error('skipped: the first batch failed') });
      return;
    }
    const middle = batches.slice(1, -1);
    await pool(middle, cfg.concurrent ? threads : 1, (b) => runBatch(b, apply));
    if (batches.length > 1) await runBatch(batches[batches.length - 1]!, apply);
  };

  // The first batch failing before any batch runs (its query's columns, the table it needs): the others skipped, as in dbt.
  const firstFailed = (error: unknown) => {
    signal?.throwIfAborted();
    failed.push({ batch: batches[0]!, error }, ...batches.slice(1).map((b) => ({ batch: b, error: new Error('skipped: the first batch failed') })));
    ctx.report?.(`${label(batches[0]!)}: ERROR`);
  };
  if (!incremental) {
    // A new table from all the batches, swapped in once at least the first one is in.
    await withStaging(adapter, rel, signal, async (s) => {
      const options = tableOptionsOf(node);
      let staged: Relation;
      try {
        await adapter.assertTableOptionsSupported(options);
        const first = sqlOf(batches[0]!);
        staged = await s.createTable(columnsDdl(await adapter.queryColumns(first, undefined, node.config.query_settings), options), node.config);
      } catch (error) {
        return firstFailed(error);
      }
      // One batch at a time into the one staged table. A failed attempt may have written part of its
      // rows (a later block failing, its answer lost): they are dropped (microbatch-undo.ts), so the
      // batch is tried again or reported failed with none of its rows; if they cannot be, nothing is swapped in.
      let stuck: { batch: Batch; error: unknown } | undefined;
      await runAll(async (b, sql) => {
        if (stuck) throw Object.assign(new Error('skipped: an earlier batch left rows that could not be removed'), { [WROTE]: true });
        const mark = await markAttempt(adapter, staged);
        try {
          return await insertInto(adapter, staged, sql, node.config.query_settings, signal, mark.queryId);
        } catch (error) {
          if (!(await undoAttempt(adapter, staged, mark))) {
            stuck ??= { batch: b, error };
            if (error instanceof Error) Object.assign(error, { [WROTE]: true });
          }
          throw error;
        }
      }, 1);
      if (stuck) throw partlyWritten(node.name, node.originalFilePath, stuck.batch, stuck.error);
      if (successful.length) await s.swap(staged);
    });
  } else {
    await prepareTarget(adapter, rel); // what dead runs left beside the table goes first
    // The first batch's query, probed before any batch runs (its stored dates, the schema change): failing
    // there is the first batch failing, as in dbt (its materialization does both), the others skipped.
    let prepared = false;
    try {
      const dates = await storedDates(adapter, node, rel, (d) => sqlOf(batches[0]!, d), node.config.query_settings);
      clickhouseDates = dates.clickhouseDates;
      if (dates.warning) warnings.push(dates.warning);
      const { warnings: schemaWarnings } = await applySchemaChange(adapter, node, dates.sql, [rel], signal);
      warnings.push(...schemaWarnings, ...(await addMissingTableOptions(adapter, node, rel, signal)));
      prepared = true;
    } catch (error) {
      firstFailed(error);
    }
    const threads = Math.max(1, adapter.client.target.threads ?? 1);
    if (prepared) await runAll((b, sql) => replaceBatch(ctx, cfg, b, sql), threads);
  }
  return resultOf(node.name, successful, failed, rows, warnings, batches.length, retried ? ctx.previousBatches!.successful : []);
}

/** `INSERT INTO rel (its columns the query has) SELECT … FROM (sql)`; the rows it added. */
async function insertInto(adapter: ClickHouseAdapter, rel: Relation, sql: string, querySettings: unknown, signal?: AbortSignal, queryId?: string): Promise<number> {
  const have = new Set((await adapter.columns(rel)).map((c) => c.name));
  const names = (await adapter.queryColumns(sql, undefined, querySettings)).filter((c) => have.has(c.name)).map((c) => quoteIdentifier(c.name)).join(', ');
  const before = await adapter.rowCount(rel);
  const settings = settingsClause(querySettings);
  await adapter.client.command(`INSERT INTO ${q(rel)} (${names}) SELECT ${names} FROM (\n${sql}\n)${settings ? `\n${settings}` : ''}`, { signal, queryId });
  return (await adapter.rowCount(rel)) - before;
}

/**
 * One batch into the existing table, in ONE statement. The batch is staged in a table of the target's
 * very structure. When every row of the target's partitions it touches (its own, and those holding rows
 * of its window) lies in the window, one ALTER replaces those partitions (and drops the ones the batch
 * empties): exactly "delete the window, insert the batch". Otherwise the rows of those partitions
 * outside the window are copied into the staged table first, and the same ALTER puts them back with the
 * batch (an unpartitioned table is one partition). A table engine without partitions is rebuilt whole
 * and swapped in. A failure or a kill leaves the table with the batch's old rows or its new ones.
 */
async function replaceBatch(ctx: MaterializeContext, cfg: MicrobatchConfig, b: Batch, sql: string): Promise<number> {
  const { adapter, node, signal } = ctx;
  const rel = node.relation;
  const inWindow = windowPredicate(cfg.eventTime, b);
  const staging = new Staging(adapter, rel, signal);
  try {
    const staged = await staging.createLike(rel, node.config, { purpose: `b${batchId(b.start, cfg.batchSize)}` });
    const written = await insertInto(adapter, staged, sql, node.config.query_settings, signal);
    // Batches of one model may run side by side (concurrent_batches): each reads the table and puts
    // its partitions in place in turn, so two batches sharing a partition never overwrite each other.
    await adapter.exclusive(`microbatch:${q(rel)}`, async () => {
      if (!(await movesPartitions(adapter, rel))) {
        await adapter.client.command(`INSERT INTO ${q(staged)} SELECT * FROM ${q(rel)} WHERE NOT (${inWindow})`, { signal });
        await staging.swap(staged);
        return;
      }
      const stagedParts = await staging.partitionIds(staged);
      const windowParts = (await adapter.client.query<{ p: string }>(`SELECT DISTINCT _partition_id AS p FROM ${q(rel)} WHERE ${inWindow}`, { signal })).map((r) => r.p);
      const touched = [...new Set([...stagedParts, ...windowParts])].sort();
      if (touched.length === 0) return;
      const inTouched = `_partition_id IN (${touched.map(sqlString).join(', ')})`;
      // As of a cut of those partitions' committed blocks: rows another writer INSERTs into them meanwhile are
      // carried in after the copy, as if inserted right after the batch (copy-carry.ts; the REPLACE would drop them).
      const cut = !adapter.cluster ? ofPartitions(await blocksNow(adapter, rel), touched) : undefined;
      const atCut = cut ? ` AND ${heldRows(cut)}` : '';
      const others = `FROM ${q(rel)} WHERE ${inTouched} AND NOT (${inWindow})${atCut}`;
      const [outside] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n ${others}`, { signal, settings: fitQuerySize(others) });
      // Partitions that hold other rows too keep them: copied beside the batch before the swap.
      if (Number(outside?.n ?? 0) > 0) await adapter.client.command(`INSERT INTO ${q(staged)} SELECT * ${others}`, { signal, settings: fitQuerySize(others) });
      if (cut) await carryAbove(adapter, { table: rel, why: `its batch ${formatBatchStart(b.start, cfg.batchSize)} was put in place` }, staged, cut, touched);
      const filled = await staging.partitionIds(staged);
      await staging.replacePartitions(staged, filled, touched.filter((p) => !filled.includes(p)));
    });
    return written;
  } finally {
    await staging.dispose();
  }
}

/** Whether the table's engine moves partitions between tables (the MergeTree family). */
async function movesPartitions(adapter: ClickHouseAdapter, rel: Relation): Promise<boolean> {
  const [row] = await adapter.systemQuery<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  return /MergeTree$/.test(row?.engine ?? '');
}

/** A first build's batch left part of its rows in the new table: the build stops there, the previous table kept. */
function partlyWritten(name: string, file: string, b: Batch, error: unknown): DatabaseError {
  return new DatabaseError(
    'microbatch_partial_batch',
    `Microbatch model ${name}: batch ${isoUtc(b.start)} failed after writing part of its rows (${String((error as Error)?.message ?? error).split('\n')[0]}), which could not be removed; the new table was not swapped in`,
    { file, hint: 'Nothing changed in the model\'s table. Run it again.' },
  );
}

/** dbt's merge_batch_results: success, `partial success` or error, with the batches of each kind. */
function resultOf(name: string, successful: Batch[], failed: { batch: Batch; error: unknown }[], rows: number, warnings: string[], total: number, earlier: BatchResults['successful']): MaterializeResult {
  const byStart = (a: Batch, b: Batch) => a.start.getTime() - b.start.getTime();
  const batchResults: BatchResults = {
    // A retry's result lists the batches that succeeded before too, after its own (dbt's merge_batch_results): the next retry keeps them.
    successful: [...successful.sort(byStart).map((b) => [isoUtc(b.start), isoUtc(b.end)] as const), ...earlier],
    failed: failed.map((f) => f.batch).sort(byStart).map((b) => [isoUtc(b.start), isoUtc(b.end)] as const),
  };
  const errors = failed.filter((f) => !String((f.error as Error).message).startsWith('skipped:'));
  for (const f of errors) warnings.push(`microbatch model ${name}: batch ${isoUtc(f.batch.start)} failed: ${(f.error as Error).message.split('\n')[0]}`);
  if (failed.length === 0)
    return { message: `OK ${total} batch${total === 1 ? '' : 'es'}, ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings, batchResults };
  if (successful.length === 0) {
    const first = errors[0]?.error ?? failed[0]!.error;
    throw first instanceof Error ? Object.assign(first, { batchResults }) : new Error(String(first));
  }
  return {
    status: 'partial success',
    message: `PARTIAL SUCCESS (${successful.length}/${successful.length + failed.length})`,
    rowsAffected: rows,
    warnings,
    batchResults,
  };
}
