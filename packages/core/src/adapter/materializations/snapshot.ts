import type { SnapshotNode } from '../../manifest/nodes.js';
import { resolveSnapshotConfig, SnapshotConfigProblem, type SnapshotSettings } from '../../manifest/snapshot-config.js';
import { relationSql } from '../../render/placeholders.js';
import { DatabaseError, ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';
import { settingsClause } from '../settings-clause.js';
import { applySnapshotChanges, canHardlink } from './snapshot-apply.js';
import { changedRowsSelect, C, firstBuildSelect, keyList, updatedAtExpr, type SnapshotShape, type TargetShape } from './snapshot-sql.js';
import { withStaging } from '../staging.js';
import { storedDates } from './stored-dates.js';
import { tableOptionsOf } from '../table-options.js';
import type { MaterializeResult, OverrideMacro } from './types.js';
import { insertIntoStaged } from './clickhouse-overrides.js';

export interface SnapshotContext {
  readonly adapter: ClickHouseAdapter;
  readonly node: SnapshotNode;
  /** The snapshot's compiled query. */
  readonly sql: string;
  /** The query compiled with `cast(x as date)`, `x::date` and `date(x)` as ClickHouse's Date: for a table storing them so (stored-dates.ts). */
  readonly clickhouseDatesSql?: () => string;
  readonly signal?: AbortSignal;
  /** Forces an apply path (benchmarks and tests); by default the hard-link path where it can run. */
  readonly method?: 'hardlink' | 'rewrite';
  /** `--empty`: the query reads zero rows. */
  readonly emptyInputs?: boolean;
  /** A custom strategy: what its `snapshot_<name>_strategy` macro returns, given whether the table exists (execute/snapshot-strategy.ts). */
  readonly strategy?: (targetExists: boolean) => CustomStrategy;
  /** The project's snapshot_get_time() / snapshot_hash_arguments, where it overrides dbt's (execute/snapshot-strategy.ts). */
  readonly macros?: SnapshotMacros;
  /** The project's own clickhouse__insert_into, which fills the first build's (empty) table as dbt-clickhouse's create_table_as does. */
  readonly insertInto?: OverrideMacro;
}

/** What a project's own snapshot macros give: the snapshot time's SQL, dbt_scd_id's SQL for the arguments. */
export interface SnapshotMacros {
  readonly time?: string;
  readonly hashSql?: (args: readonly string[]) => string;
}

/** The parts of a snapshot's settings a custom strategy macro decides. */
export type CustomStrategy = Pick<SnapshotSettings, 'custom' | 'uniqueKey' | 'updatedAt' | 'hardDeletes'>;

/**
 * dbt's snapshot materialization: the first run creates the table (every row a current version);
 * later runs close the versions that changed or left the query and insert the new versions.
 * Everything is built in temporaries this run owns (staging.ts: dropped by the run, or by the next
 * run's sweep if this one dies); the live table only ever changes by one swap.
 */
export async function materializeSnapshot(ctx: SnapshotContext): Promise<MaterializeResult> {
  const { adapter, node, signal } = ctx;
  const configured = resolveSnapshotConfig(node.config);
  if (configured instanceof SnapshotConfigProblem) throw new ProjectError('snapshot_config', `Snapshot '${node.name}': ${configured.message}`, { file: node.originalFilePath, line: node.line, hint: configured.hint });
  const live = node.relation;
  return withStaging(adapter, live, signal, async (staging) => {
    const existing = await adapter.relationKind(live);
    if (existing !== undefined && existing !== 'table')
      throw new DatabaseError('snapshot_target', `Snapshot '${node.name}': ${live.schema}.${live.identifier} is a ${existing.replace('_', ' ')}, not a table`, {
        file: node.originalFilePath,
        line: node.line,
        hint: 'Drop it (or set another alias/target_schema): a snapshot keeps its history in a table.',
      });
    // dbt's snapshot materialization calls the strategy macro once the target's existence is known.
    if (configured.strategy === 'custom' && !ctx.strategy) throw new ProjectError('snapshot_config', `Snapshot '${node.name}': strategy '${configured.customStrategy}' needs its macro, which this run cannot call`, { file: node.originalFilePath, line: node.line });
    const settings: SnapshotSettings = ctx.strategy ? { ...configured, ...ctx.strategy(existing !== undefined) } : configured;
    // Casts to date computed as the table stored them: ClickHouse's Date in a table built so (stored-dates.ts); a
    // key day before 1970 stored as 1970-01-01 is then found, its version closed, not left current beside a new one.
    const dates = existing === 'table' && ctx.clickhouseDatesSql ? await storedDates(adapter, node, live, (d) => (d ? ctx.clickhouseDatesSql!() : ctx.sql)) : undefined;
    const sql = dates?.sql ?? ctx.sql;
    const sourceColumns = await adapter.queryColumns(sql);
    const keyTypes = (await adapter.queryColumns(`SELECT ${keyList(settings).map((k, i) => `(${k}) AS k${i}`).join(', ')} FROM (\n${sql}\n) AS s`)).map((c) => c.type);
    const hashSql = ctx.macros?.hashSql;
    const shapeFor = (hash: SnapshotShape['hash'], now: string): SnapshotShape => ({ settings, source: sql, sourceColumns, keyTypes, now, hash, ...(hashSql ? { hashSql } : {}) });

    if (existing === undefined) {
      const shape = shapeFor('md5', await snapshotTime(adapter, ctx.macros?.time));
      const [u] = await adapter.queryColumns(`SELECT ${updatedAtExpr(shape)} AS u FROM (\n${sql}\n) AS s`);
      const first = firstBuildSelect(shape, u!.type);
      if (!ctx.insertInto) await staging.swap(await staging.createTableAs(first, node.config, { tableOptions: tableOptionsOf(node) }));
      else {
        // dbt's snapshot materialization builds it with create_table_as: on dbt-clickhouse an empty table,
        // then clickhouse__insert_into(relation, sql, has_contract) — the project's, here into the staged table.
        const staged = await staging.createTableAs(`SELECT * FROM (\n${first}\n) WHERE 0`, node.config, { tableOptions: tableOptionsOf(node) });
        await insertIntoStaged(adapter, node, ctx.insertInto, staged, first, signal);
        await staging.swap(staged);
      }
      const rows = await adapter.rowCount(live);
      return { message: `OK ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: [] };
    }

    const columns = await adapter.columns(live);
    assertSnapshotTable(node, settings, columns);
    // --empty on an existing snapshot: an empty query would close every current version (dbt does
    // so with hard deletes). A history is never rewritten from no data: the run checks and stops.
    if (ctx.emptyInputs) return { message: 'OK 0 inserted, 0 closed (--empty: the existing snapshot is left as it is)', rowsAffected: 0, warnings: [] };
    const scdType = columns.find((c) => c.name === settings.columns.dbt_scd_id)!.type;
    const sortingJoin = !/\bjoin\b/i.test(sql) && (await canSortJoin(adapter));
    const shape = { ...shapeFor(/String/.test(scdType) ? 'md5' : 'halfMD5', await snapshotTime(adapter, ctx.macros?.time)), sortingJoin };
    const target = await targetShape(adapter, shape, columns);
    const names = new Set(columns.map((c) => c.name));
    const added = sourceColumns.filter((c) => !names.has(c.name));
    const widened = widenedDateColumns(columns, sourceColumns);
    const changes = staging.temporary('changes');
    const querySettings = settingsClause(node.config.query_settings);
    await adapter.client.command(
      `CREATE TABLE ${relationSql(changes.schema, changes.identifier)} ENGINE = MergeTree ORDER BY tuple() AS\n${changedRowsSelect(shape, target, relationSql(live.schema, live.identifier))}${querySettings ? `\n${querySettings}` : ''}`,
      { signal },
    );
    const [counts] = await adapter.client.query<Record<string, string | number>>(
      `SELECT sum(\`${C.closes}\`) AS closed, sum(\`${C.inserts}\`) AS versions, sum(\`${C.deletion}\`) AS deletions FROM ${relationSql(changes.schema, changes.identifier)}`,
      { signal },
    );
    const closed = Number(counts?.closed ?? 0);
    const versions = Number(counts?.versions ?? 0);
    const deletions = Number(counts?.deletions ?? 0);
    if (closed + versions + deletions > 0 || added.length > 0) {
      const method = ctx.method ?? ((await canHardlink(adapter, live)) ? 'hardlink' : 'rewrite');
      await applySnapshotChanges(staging, { shape, config: node.config, live, columns, added, widened, changes, closed, versions, deletions, signal }, method);
    }
    const inserted = versions + deletions;
    return { message: `OK ${inserted.toLocaleString('en-US')} inserted, ${closed.toLocaleString('en-US')} closed`, rowsAffected: inserted, warnings: dates?.warning ? [dates.warning] : [] };
  });
}

/** The snapshot's Date columns the query gives as Date32, typed Date32 (snapshot-apply.ts SnapshotChanges.widened). */
function widenedDateColumns(columns: readonly WarehouseColumn[], sourceColumns: readonly WarehouseColumn[]): WarehouseColumn[] {
  const bare = (t: string) => /^(?:Nullable\()?(.*?)\)?$/.exec(t)![1];
  const query = new Map(sourceColumns.map((c) => [c.name, c.type]));
  return columns
    .filter((c) => /^(?:Nullable\()?Date\)?$/.test(c.type) && bare(query.get(c.name) ?? '') === 'Date32')
    .map((c) => ({ ...c, type: c.type.replace('Date', 'Date32') }));
}

/** Whether the server joins with full_sorting_merge (22.7+), asked once. */
function canSortJoin(adapter: ClickHouseAdapter): Promise<boolean> {
  return adapter.capabilities.ask('join_full_sorting_merge', async () => {
    try {
      await adapter.client.query("SELECT 1 SETTINGS join_algorithm = 'full_sorting_merge'");
      return true;
    } catch (error) {
      if (/Code: (115|36)\b|Unknown setting|Unexpected value|Unknown join algorithm/i.test(String((error as Error).message))) return false;
      throw error;
    }
  });
}

/**
 * dbt's snapshot_get_time(), fixed once per run: microseconds where the server has DateTime64. A
 * project's own snapshot_get_time() (`time`: its SQL, e.g. a backfill's as-of date from a var) is
 * read once in the same way, so every statement of the run stamps the same time.
 */
async function snapshotTime(adapter: ClickHouseAdapter, time?: string): Promise<string> {
  const expr = time === undefined ? undefined : `(\n${time}\n)`;
  if (await adapter.hasTypeFamily('DateTime64')) {
    const [row] = await adapter.client.query<{ t: string }>(`SELECT toString(${expr ? `toDateTime64(${expr}, 6)` : 'now64(6)'}) AS t`);
    return `toDateTime64('${row!.t}', 6)`;
  }
  const [row] = await adapter.client.query<{ t: string }>(`SELECT toString(${expr ? `toDateTime(${expr})` : 'now()'}) AS t`);
  return `toDateTime('${row!.t}')`;
}

/** dbt's assert_valid_snapshot_target_given_strategy: the meta columns exist. */
function assertSnapshotTable(node: SnapshotNode, s: SnapshotSettings, columns: readonly WarehouseColumn[]): void {
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  const needed = [s.columns.dbt_scd_id, s.columns.dbt_valid_from, s.columns.dbt_valid_to, ...(s.hardDeletes === 'new_record' ? [s.columns.dbt_is_deleted] : [])];
  const missing = needed.filter((n) => !names.has(n.toLowerCase()));
  if (missing.length === 0) return;
  // dbt-adapters' SnapshotTargetNotSnapshotTableError (a Compilation Error), in its words.
  throw new DatabaseError('snapshot_target', `Compilation Error in snapshot ${node.name} (${node.originalFilePath})\n  Snapshot target is missing configured columns (missing ${missing.map((m) => `"${m}"`).join(', ')}): ${node.relation.schema}.${node.relation.identifier} is not a snapshot table`, {
    file: node.originalFilePath,
    line: node.line,
    hint:
      s.hardDeletes === 'new_record' && missing.length === 1
        ? `hard_deletes: new_record needs a ${missing[0]} column: ALTER TABLE ${node.relation.schema}.${node.relation.identifier} ADD COLUMN ${missing[0]} String DEFAULT 'False', or drop the table to start the history again.`
        : 'The table was not built by a snapshot (or its snapshot_meta_column_names changed): rename or drop it.',
  });
}

/**
 * A check_cols entry as the query names it: ClickHouse identifiers are case-sensitive, while dbt's
 * warehouses fold unquoted names, so `check_cols=['NAME']` means the query's `name`
 * (dbt-core snapshots/test_changing_check_cols_snapshot.py, mismatched casing). An exact name or an
 * expression stays as written.
 */
function sourceColumnNamed(shape: SnapshotShape, col: string): string {
  if (shape.sourceColumns.some((c) => c.name === col)) return col;
  const folded = shape.sourceColumns.filter((c) => c.name.toLowerCase() === col.toLowerCase());
  return folded.length === 1 ? folded[0]!.name : col;
}

/** The check strategy's columns (dbt's snapshot_check_all_get_existing_columns): checked pairs, and whether one is new. */
async function targetShape(adapter: ClickHouseAdapter, shape: SnapshotShape, columns: readonly WarehouseColumn[]): Promise<TargetShape> {
  const s = shape.settings;
  if (s.strategy !== 'check') return { columns, checked: [], columnAdded: false };
  const queryColumns =
    s.checkCols === 'all'
      ? shape.sourceColumns.map((c) => c.name)
      : (await adapter.queryColumns(`SELECT ${s.checkCols!.map((c) => sourceColumnNamed(shape, c)).join(', ')} FROM (\n${shape.source}\n) AS subq`)).map((c) => c.name);
  const existing = new Set(columns.map((c) => c.name));
  return { columns, checked: queryColumns.filter((n) => existing.has(n)), columnAdded: queryColumns.some((n) => !existing.has(n)) };
}
