import type { Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { atLeast } from '../server-version.js';
import { prepareTarget } from '../prepare-target.js';
import { runIsDead } from '../temporaries.js';
import type { MaterializeContext, MaterializeResult } from '../materializations/types.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import { drainInserts } from '../inserts.js';
import { fitQuerySize } from '../statement-settings.js';
import { activateAtQuietMoment, cutFilter, key, STREAMING_ENGINE } from './cutoff.js';
import { misfits, readMv, storedForm, triggerOf } from './mv-state.js';
import { modifyQuery } from './mv-unit.js';
import { hasExplicitTarget, mvRelationOf } from './mv-units-of.js';

/**
 * Whether the full lifecycle of mv-unit.ts (rebuilds swapped in with EXCHANGE TABLES, views changed
 * with MODIFY QUERY, table comments as progress marks) is available: ClickHouse 23.3+, a database
 * that can exchange, a single node. Elsewhere (old servers, cluster mode) the basic one below runs.
 */
export async function fullMvSupport(adapter: ClickHouseAdapter, target: Relation): Promise<boolean> {
  return !adapter.cluster && atLeast(await adapter.serverVersion(), 23, 3) && (await adapter.canExchange(target.schema));
}

const q = (r: Relation) => relationSql(r.schema, r.identifier);

/** Marks a first build in progress on servers without the full lifecycle: `<target>__tsdbt_building_<run>`. */
const BUILDING_MARKER = '__tsdbt_building_';

/**
 * The basic lifecycle: a view is created once (its own target with it, backfilled exactly below a
 * block cut), kept when unchanged, and changed with MODIFY QUERY when the server has it and the target
 * takes the new columns. Everything else would need a rebuild this server cannot do atomically, and
 * fails with "not supported by this server" rather than dropping a view with inserts running.
 */
export async function createMvBasic(ctx: MaterializeContext, target: Relation): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  const mvRel = mvRelationOf(node);
  const explicit = hasExplicitTarget(node);
  const v = await adapter.serverVersion();
  const canModify = atLeast(v, 21, 12);
  const catchup = node.config.catchup !== false;
  // On a modern single server the reason is the database (fullMvSupport): chDB's `default` (engine Overlay), an Ordinary one.
  const database = !adapter.cluster && atLeast(v, 23, 3) ? await databaseEngine(adapter, target.schema) : undefined;
  const where = adapter.cluster
    ? `in cluster mode (ClickHouse ${v.text})`
    : database !== undefined
      ? `in database ${target.schema}, whose engine (${database || 'unknown'}) cannot EXCHANGE TABLES`
      : `by this server (ClickHouse ${v.text})`;
  const elsewhere = database !== undefined ? ` Or build it in another schema: a database tsdbt creates can (Atomic).` : '';
  const notSupported = (what: string, hint: string) =>
    new DatabaseError('not_supported', `Materialized view ${node.name}: ${what} is not supported ${where}`, { file: node.originalFilePath, hint: hint + elsewhere });
  return adapter.exclusive(key(target), async () => {
    // A first build killed halfway left its marker (`<t>__tsdbt_building_<run>`, which the sweep of
    // temporaries leaves alone): the view and the half-filled target go, and it starts over.
    await prepareTarget(adapter, target);
    const marker = { schema: target.schema, identifier: `${target.identifier}${BUILDING_MARKER}${adapter.runId}` };
    const markers = await adapter.systemQuery<{ name: string; age: string | number }>(
      `SELECT name, toInt64(now()) - toInt64(metadata_modification_time) AS age FROM system.tables WHERE database = ${sqlString(target.schema)} AND startsWith(name, ${sqlString(`${target.identifier}${BUILDING_MARKER}`)})`,
    );
    for (const m of markers) {
      const runId = m.name.slice(`${target.identifier}${BUILDING_MARKER}`.length);
      if (!(await runIsDead(adapter, runId, `${target.schema}.${m.name}`, Number(m.age)))) continue;
      if (!explicit) {
        await adapter.drop(mvRel, 'materialized_view');
        await drainInserts(adapter, signal);
        await adapter.drop(target, 'table');
      }
      await adapter.drop({ schema: target.schema, identifier: m.name }, 'table');
    }
    const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
    if (fullRefresh) throw notSupported('--full-refresh', 'Run without --full-refresh. To start over, drop the view and its target, then run again.');
    const mv = await readMv(adapter, mvRel);
    const targetKind = await adapter.relationKind(target);
    if (mv) {
      const scratch = adapter.tempRelation({ ...target, identifier: `${target.identifier}_q` });
      if ((await storedForm(adapter, sql, scratch)).replace(/\s+/g, ' ') === mv.asSelect.replace(/\s+/g, ' ')) return { message: 'OK unchanged', warnings: [] };
      const problems = misfits(await adapter.queryColumns(sql), await adapter.columns(target));
      if (!canModify || problems.length)
        throw notSupported(
          `changing the view's SELECT${problems.length ? ` so that its columns no longer fit the target (${problems.join('; ')})` : ''}`,
          canModify ? 'Keep the columns the target has, or upgrade to ClickHouse 23.3+ (single node) where tsdbt rebuilds the target safely.' : 'ALTER TABLE … MODIFY QUERY needs ClickHouse 21.12 or newer.',
        );
      await modifyQuery(adapter, mvRel, sql, signal);
      return { message: 'OK query modified', warnings: [] };
    }
    if (explicit || targetKind === 'table') {
      if (targetKind !== 'table') throw notSupported('a target that has not been built', `Build it first: tsdbt run --select ${String(node.config.target)}+`);
      if (catchup) throw notSupported('a view with catchup on a table that exists already', 'Set catchup: false (the view captures the inserts from now on), or fill the table yourself.');
      const problems = misfits(await adapter.queryColumns(sql), await adapter.columns(target));
      if (problems.length) throw new DatabaseError('mv_target_columns', `Materialized view ${node.name} does not fit ${key(target)}: ${problems.join('; ')}`, { file: node.originalFilePath });
      await adapter.ddl(`CREATE MATERIALIZED VIEW ${q(mvRel)}${adapter.onCluster()} TO ${q(target)}\nAS ${sql}`, { signal });
      return { message: 'OK created (catchup: false)', warnings: [] };
    }
    if (catchup && adapter.cluster && (await shardCount(adapter)) > 1)
      throw notSupported('catchup on a cluster of several shards (the backfill would only cover the shard tsdbt talks to)', 'Set catchup: false, and backfill each shard yourself.');
    // First build: a marker, the target, the view at a moment without inserts, the backfill below the cut.
    const columns = await adapter.queryColumns(sql);
    await adapter.ddl(`CREATE TABLE ${q(marker)}${adapter.onCluster()} (x UInt8) ENGINE = Log`);
    let backfilled: number;
    try {
      backfilled = await firstBuild(ctx, target, mvRel, columns, catchup, notSupported);
    } catch (error) {
      // A first build that failed goes whole: view, half-filled target, marker.
      await adapter.drop(mvRel, 'materialized_view').catch(() => {});
      await drainInserts(adapter).catch(() => {});
      await adapter.drop(target, 'table').catch(() => {});
      await adapter.drop(marker, 'table').catch(() => {});
      throw error;
    }
    await adapter.drop(marker, 'table');
    return { message: `OK built: ${backfilled.toLocaleString('en-US')} rows backfilled`, rowsAffected: backfilled, warnings: [] };
  });
}

/** The target, its view opened at a moment without inserts, and the backfill of the rows before (returns how many). */
async function firstBuild(
  ctx: MaterializeContext,
  target: Relation,
  mvRel: Relation,
  columns: readonly { name: string; type: string }[],
  catchup: boolean,
  notSupported: (what: string, hint: string) => DatabaseError,
): Promise<number> {
  const { adapter, node, sql, signal } = ctx;
  const options = tableOptionsOf(node);
  await adapter.assertTableOptionsSupported(options);
  await adapter.createTable(target, node.config, columnsDdl(columns, options), signal);
  const create = () => adapter.ddl(`CREATE MATERIALIZED VIEW ${q(mvRel)}${adapter.onCluster()} TO ${q(target)}\nAS ${sql}`, { signal });
  if (!catchup) {
    await create();
    return 0;
  }
  const tables = ctx.models?.relationsReadBy(node) ?? [];
  const covered = new Set(tables.map(key));
  const cuts = await activateAtQuietMoment({
    adapter,
    tables,
    activate: create,
    deactivate: async () => {
      await adapter.drop(mvRel, 'materialized_view');
      await drainInserts(adapter, signal);
      await adapter.ddl(`TRUNCATE TABLE ${q(target)}${adapter.onCluster()}`);
    },
    // A view naming its source by name (`FROM events`, `FROM db.events`) rather than ref()/source():
    // the table it fires on is known once it exists, and the cut is taken again with it. Without its
    // cut the backfill below would read nothing (cutFilter of no parts) and the target miss its history.
    missing: async () => {
      const fired = await triggerOf(adapter, mvRel);
      if (!fired || !/MergeTree$/.test(fired.engine) || covered.has(key(fired.table))) return [];
      covered.add(key(fired.table));
      return [fired.table];
    },
    signal,
  });
  const trigger = await triggerOf(adapter, mvRel);
  if (!trigger || trigger.engine === 'Null' || STREAMING_ENGINE.test(trigger.engine)) return 0; // nothing to read back
  if (!/MergeTree$/.test(trigger.engine)) throw notSupported(`catchup from a ${trigger.engine} table`, 'Set catchup: false.');
  const v = await adapter.serverVersion();
  const filter = cutFilter(cuts.get(key(trigger.table)) ?? new Map(), { oneArgThrowIf: !atLeast(v, 20, 1) });
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const source = (await adapter.hasSetting('additional_table_filters'))
    ? `(\n${sql}\n)\nSETTINGS additional_table_filters = {${sqlString(key(trigger.table))}: ${sqlString(filter)}}`
    : `(\n${filteredSource(sql, trigger.table, filter)}\n)`;
  // The cut's filter names each partition of the source: the size the statement needs (statement-settings.ts).
  const insert = `INSERT INTO ${q(target)} (${names}) SELECT ${names} FROM ${source}`;
  const settings = { ...(adapter.cluster ? await adapter.insertSettings() : {}), ...fitQuerySize(insert) };
  await adapter.client.command(insert, { signal, settings: Object.keys(settings).length ? settings : undefined });
  return adapter.rowCount(target);
}

async function databaseEngine(adapter: ClickHouseAdapter, schema: string): Promise<string> {
  const [row] = await adapter.client.query<{ engine: string }>(`SELECT engine FROM system.databases WHERE name = ${sqlString(schema)}`).catch(() => []);
  return row?.engine ?? '';
}

async function shardCount(adapter: ClickHouseAdapter): Promise<number> {
  const [row] = await adapter.client.query<{ n: string | number }>(`SELECT uniqExact(shard_num) AS n FROM system.clusters WHERE cluster = ${sqlString(adapter.cluster ?? '')}`);
  return Number(row?.n ?? 1);
}

const KEYWORDS = /^(WHERE|PREWHERE|GROUP|ORDER|LIMIT|HAVING|SETTINGS|FORMAT|UNION|JOIN|LEFT|RIGHT|INNER|OUTER|FULL|CROSS|ANY|ALL|ASOF|SEMI|ANTI|GLOBAL|ARRAY|ON|USING|FINAL|SAMPLE|WINDOW|QUALIFY|INTO|WITH)$/i;

/**
 * Servers without `additional_table_filters`: each `db`.`t` of the trigger table in the compiled SQL
 * becomes a filtered subquery, keeping the table's name (or the alias written after it) for columns.
 */
export function filteredSource(sql: string, table: Relation, filter: string): string {
  const name = q(table);
  let out = '';
  let at = 0;
  for (let i = sql.indexOf(name); i >= 0; i = sql.indexOf(name, at)) {
    out += sql.slice(at, i);
    at = i + name.length;
    const next = /^\s+(?:AS\s+)?(`[^`]+`|[A-Za-z_]\w*)/i.exec(sql.slice(at));
    const aliased = next !== null && !KEYWORDS.test(next[1]!);
    out += `(SELECT * FROM ${name} WHERE ${filter})${aliased ? '' : ` AS ${quoteIdentifier(table.identifier)}`}`;
  }
  return out + sql.slice(at);
}
