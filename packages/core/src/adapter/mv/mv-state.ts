import type { Relation } from '../../manifest/nodes.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';
import { sqlString } from '../../render/placeholders.js';
import { forwardedTo } from '../inserts.js';

/** A materialized view as the warehouse has it. */
export interface MvObject {
  readonly rel: Relation;
  /** Its SELECT as ClickHouse stored it (formatted on one line). */
  readonly asSelect: string;
  /** Its `TO` table (tsdbt creates every view with one). */
  readonly target?: Relation;
  /** The `REFRESH …` clause of a refreshable view, as stored. */
  readonly refresh?: string;
  /** Whether a refreshable view appends (`APPEND`) rather than replaces. */
  readonly append: boolean;
  readonly createQuery: string;
}

const NAME = /(`(?:[^`\\]|\\.)+`|[A-Za-z_][\w$]*)/.source;
const unquote = (s: string) => (s.startsWith('`') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s);

/** The database and table of the `TO` clause of a CREATE MATERIALIZED VIEW statement. */
export function toClauseOf(createQuery: string): Relation | undefined {
  // The view's own name comes first; TO follows it (after REFRESH … when refreshable).
  const m = new RegExp(`^CREATE MATERIALIZED VIEW\\s+${NAME}\\.${NAME}[\\s\\S]*?\\sTO\\s+${NAME}\\.${NAME}`, 'i').exec(createQuery);
  return m ? { schema: unquote(m[3]!), identifier: unquote(m[4]!) } : undefined;
}

/** The REFRESH clause (`EVERY 1 HOUR …`) of a refreshable view, without the keyword. */
export function refreshClauseOf(createQuery: string): string | undefined {
  const m = /\sREFRESH\s+([\s\S]*?)\s+(?:TO\s|\(|ENGINE\b|EMPTY\b|AS\s)/i.exec(createQuery);
  return m ? m[1]!.replace(/\s+APPEND$/i, '').trim() : undefined;
}

function mvObject(rel: Relation, createQuery: string, asSelect: string | undefined): MvObject {
  const refresh = refreshClauseOf(createQuery);
  return {
    rel,
    asSelect: asSelect ?? selectOf(createQuery),
    target: toClauseOf(createQuery),
    refresh,
    append: refresh !== undefined && /\sAPPEND\s/i.test(createQuery),
    createQuery,
  };
}

/** The SELECT of a CREATE … VIEW statement (old servers have no system.tables.as_select), spaces collapsed. */
export function selectOf(createQuery: string): string {
  const m = /\)\s+AS\s+([\s\S]*)$/.exec(createQuery) ?? /\sAS\s+(SELECT[\s\S]*|WITH[\s\S]*)$/i.exec(createQuery);
  return (m?.[1] ?? '').replace(/\s+/g, ' ').trim();
}

/** Whether system.tables has `as_select` (22.x and newer). */
async function hasAsSelect(adapter: ClickHouseAdapter): Promise<boolean> {
  const v = await adapter.serverVersion();
  return v.major >= 22;
}

/** The materialized view at `rel`, or undefined when there is none (or something else is there). */
export async function readMv(adapter: ClickHouseAdapter, rel: Relation): Promise<MvObject | undefined> {
  const withSelect = await hasAsSelect(adapter);
  const [row] = await adapter.systemQuery<{ engine: string; q: string; s?: string }>(
    `SELECT engine, create_table_query AS q${withSelect ? ', as_select AS s' : ''} FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  if (!row || row.engine !== 'MaterializedView') return undefined;
  return mvObject(rel, row.q, row.s);
}

/**
 * Materialized views whose TO table is `target`, in any database (a view model may have a schema of
 * its own): every view that writes into it.
 */
export async function mvsWritingTo(adapter: ClickHouseAdapter, target: Relation): Promise<MvObject[]> {
  const withSelect = await hasAsSelect(adapter);
  const rows = await adapter.systemQuery<{ db: string; name: string; q: string; s?: string }>(
    `SELECT database AS db, name, create_table_query AS q${withSelect ? ', as_select AS s' : ''} FROM system.tables WHERE engine = 'MaterializedView'`,
  );
  return rows
    .map((r) => mvObject({ schema: r.db, identifier: r.name }, r.q, r.s))
    .filter((m) => m.target?.schema === target.schema && m.target.identifier === target.identifier);
}

/**
 * `sql` as ClickHouse would store it in a view, to compare with MvObject.asSelect: formatQuerySingleLine
 * where the server has it (23.x), else the SELECT of a scratch view created and dropped at once.
 */
export async function storedForm(adapter: ClickHouseAdapter, sql: string, scratch: Relation): Promise<string> {
  if (await adapter.hasFunction('formatQuerySingleLine')) {
    const [row] = await adapter.client.query<{ f: string }>(`SELECT formatQuerySingleLine(${sqlString(sql)}) AS f`);
    return row?.f ?? sql;
  }
  const name = `\`${scratch.schema.replace(/`/g, '\\`')}\`.\`${scratch.identifier.replace(/`/g, '\\`')}\``;
  await adapter.client.command(`DROP TABLE IF EXISTS ${name}`);
  await adapter.client.command(`CREATE VIEW ${name} AS ${sql}`);
  try {
    const [row] = await adapter.systemQuery<{ q: string }>(`SELECT create_table_query AS q FROM system.tables WHERE database = ${sqlString(scratch.schema)} AND name = ${sqlString(scratch.identifier)}`);
    return selectOf(row?.q ?? '');
  } finally {
    await adapter.client.command(`DROP TABLE IF EXISTS ${name}`);
  }
}

/** The comment of a table ('' when none, or on servers without table comments). */
export async function tableComment(adapter: ClickHouseAdapter, rel: Relation): Promise<string | undefined> {
  const rows = await adapter.client.query<{ c: string }>(`SELECT comment AS c FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`).catch(() => []);
  return rows[0]?.c;
}

/** The engine of a table (`MergeTree`, `Null`, …), or '' when there is none. */
export async function tableEngine(adapter: ClickHouseAdapter, rel: Relation): Promise<string> {
  const [row] = await adapter.systemQuery<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`);
  return row?.engine ?? '';
}

/** The table a materialized view fires on (the first table of its SELECT), as ClickHouse attached it. */
export async function triggerOf(adapter: ClickHouseAdapter, mv: Relation): Promise<{ table: Relation; engine: string } | undefined> {
  const [row] = await adapter.client.query<{ db: string; name: string; engine: string }>(
    `SELECT database AS db, name, engine FROM system.tables WHERE arrayExists((d, t) -> d = ${sqlString(mv.schema)} AND t = ${sqlString(mv.identifier)}, dependencies_database, dependencies_table) LIMIT 1`,
  );
  return row ? { table: { schema: row.db, identifier: row.name }, engine: row.engine } : undefined;
}

/** The tables the views `mvs` fire on, by view (one query). */
export async function triggersOf(adapter: ClickHouseAdapter, mvs: readonly Relation[]): Promise<Map<string, { table: Relation; engine: string }>> {
  const out = new Map<string, { table: Relation; engine: string }>();
  if (mvs.length === 0) return out;
  const rows = await adapter.systemQuery<{ db: string; name: string; engine: string; deps: [string, string][] }>(
    `SELECT database AS db, name, engine, arrayZip(dependencies_database, dependencies_table) AS deps FROM system.tables WHERE ${mvs
      .map((mv) => `arrayExists((d, t) -> d = ${sqlString(mv.schema)} AND t = ${sqlString(mv.identifier)}, dependencies_database, dependencies_table)`)
      .join(' OR ')}`,
  );
  for (const r of rows)
    for (const [d, t] of r.deps)
      if (mvs.some((mv) => mv.schema === d && mv.identifier === t)) out.set(`${d}.${t}`, { table: { schema: r.db, identifier: r.name }, engine: r.engine });
  return out;
}

const INT = /^U?Int(8|16|32|64|128|256)$/;
const strip = (t: string): string => {
  const m = /^(?:LowCardinality|Nullable)\((.*)\)$/.exec(t);
  return m ? strip(m[1]!) : t;
};

/**
 * Whether a value of type `from` can be written into a column of type `to` without ever failing:
 * the same type (LowCardinality aside), into Nullable, into String, between numbers, Date into DateTime.
 */
export function convertsSafely(from: string, to: string): boolean {
  if (from === to) return true;
  const nullableFrom = /(^|\()Nullable\(/.test(from) && !from.startsWith('LowCardinality(String');
  const f = strip(from);
  const t = strip(to);
  if (nullableFrom && !/Nullable\(/.test(to)) return false;
  if (f === t || t === 'String') return true;
  const num = (x: string) => INT.test(x) || /^Float(32|64)$/.test(x) || /^Decimal/.test(x);
  if (num(f) && num(t)) return true;
  return (f === 'Date' || f === 'Date32') && /^DateTime/.test(t);
}

/** The end of a misfit that is a column the target lacks. */
export const NOT_IN_TARGET = ' is not a column of the target';

/** Why the query's columns do not fit the target's: a missing column or a type that may fail to convert. */
export function misfits(query: readonly WarehouseColumn[], target: readonly WarehouseColumn[]): string[] {
  const types = new Map(target.map((c) => [c.name, c.type]));
  const out: string[] = [];
  for (const c of query) {
    const t = types.get(c.name);
    if (t === undefined) out.push(`${c.name}${NOT_IN_TARGET}`);
    else if (t !== c.type && !convertsSafely(c.type, t)) out.push(`${c.name} is ${c.type}, the target's is ${t}`);
  }
  return out;
}

/**
 * `tables` and every table an INSERT into which may write rows into one of them, transitively: a table whose
 * materialized views write into one, such a view itself (an INSERT into a view goes into its TO table), a
 * Distributed table over one (its local shard's rows) or a Buffer in front of one (inserts.ts forwardedTo; one
 * whose arguments are not plain names is counted in) — what drainInserts() must wait for, given `into`. One
 * listing of system.tables.
 */
export async function tablesFeeding(adapter: ClickHouseAdapter, tables: readonly Relation[]): Promise<Relation[]> {
  const withSelect = await hasAsSelect(adapter);
  const listed = await adapter.systemQuery<{ db: string; name: string; engine: string; q: string; s?: string }>(
    `SELECT database AS db, name, engine, create_table_query AS q${withSelect ? ", if(engine = 'MaterializedView', as_select, '') AS s" : ''} FROM system.tables WHERE engine IN ('MaterializedView', 'Distributed', 'Buffer')`,
  );
  const views = listed.filter((r) => r.engine === 'MaterializedView').map((r) => mvObject({ schema: r.db, identifier: r.name }, r.q, r.s));
  const forwarding = listed.flatMap((r) => {
    const to = forwardedTo(r.engine, r.q);
    return to ? [{ rel: { schema: r.db, identifier: r.name }, to }] : [];
  });
  const same = (t: Relation, to: { schema?: string; identifier: string }) => (to.schema === undefined || to.schema === t.schema) && to.identifier === t.identifier;
  const out = new Map(tables.map((t) => [`${t.schema}.${t.identifier}`, t]));
  for (let added = [...out.values()]; added.length; ) {
    const writing = views.filter((v) => v.target && added.some((t) => same(t, v.target!))).map((v) => v.rel);
    const found = [...writing, ...forwarding.filter((f) => f.to === 'unknown' || added.some((t) => same(t, f.to as Relation))).map((f) => f.rel)];
    for (const { table } of (await triggersOf(adapter, writing)).values()) found.push(table);
    added = [];
    for (const table of found) {
      const k = `${table.schema}.${table.identifier}`;
      if (!out.has(k)) out.set(k, table), added.push(table);
    }
  }
  return [...out.values()];
}
