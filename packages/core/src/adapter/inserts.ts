import { DatabaseError } from '../shared/errors.js';
import { sqlString } from '../render/placeholders.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import type { Relation } from '../manifest/nodes.js';
import { blankNonCode } from '../shared/sql-statements.js';

/**
 * The INSERTs running on the server, as materialized views see them: a view binds the tables it
 * writes and reads when an INSERT starts, so whatever a dropped view used may only be dropped once
 * the INSERTs that started before are over (drainInserts()).
 */

/** Marks tsdbt's own probing statements, so the INSERT checks do not count them. */
export const PROBE = 'tsdbt_quiet_probe';

/**
 * Statements that may be INSERTs: tsdbt's probes aside, and this run's own INSERTs into its
 * temporaries (a table being built in another thread fills a new table no view fires on).
 */
const insertLike = (adapter: ClickHouseAdapter) =>
  `positionCaseInsensitive(query, 'insert') > 0 AND position(query, '${PROBE}') = 0 AND NOT match(query, ${sqlString(`(?i)insert\\s+into\\s+\\S*__tsdbt_tmp_${adapter.runId}`)})`;

/** `system.<table>` of every host in cluster mode (clusterAllReplicas from 20.1, one replica per shard before), else of this one. */
export async function everyHost(adapter: ClickHouseAdapter, table: string): Promise<string> {
  if (!adapter.cluster) return `system.${table}`;
  const v = await adapter.serverVersion();
  const fn = v.major > 20 || (v.major === 20 && v.minor >= 1) ? 'clusterAllReplicas' : 'cluster';
  return `${fn}(${sqlString(adapter.cluster)}, system, ${table})`;
}

/** How many statements that may be INSERTs run now, anywhere tsdbt can see (every host in cluster mode). */
export async function runningInserts(adapter: ClickHouseAdapter): Promise<number> {
  const [row] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${await everyHost(adapter, 'processes')} WHERE ${insertLike(adapter)} /* ${PROBE} */`);
  return Number(row?.n ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (up to `ms`) until no INSERT runs; returns whether that moment came. */
export async function waitForNoInserts(adapter: ClickHouseAdapter, signal?: AbortSignal, ms = 5000): Promise<boolean> {
  // Quiet gaps between inserts may last milliseconds: ask again at once.
  const until = Date.now() + ms;
  while (Date.now() < until) {
    signal?.throwIfAborted();
    if ((await runningInserts(adapter)) === 0) return true;
    await sleep(1);
  }
  return false;
}

/** The query ids of the statements that may be INSERTs running now (every host in cluster mode). */
export async function runningInsertIds(adapter: ClickHouseAdapter): Promise<string[]> {
  const from = await everyHost(adapter, 'processes');
  return (await adapter.client.query<{ id: string }>(`SELECT query_id AS id FROM ${from} WHERE ${insertLike(adapter)} /* ${PROBE} */`)).map((r) => r.id);
}

const NAME = '(?:`(?:[^`\\\\]|\\\\.)*`|"(?:[^"\\\\]|\\\\.)*"|[A-Za-z_][\\w$]*)';
// `INSERT INTO [TABLE] [db.]t` followed by what may follow a table name (a column list, a keyword, the end): a
// name only partly read (`db.{t:Identifier}`) or `INSERT INTO [TABLE] FUNCTION …` tells nothing. `(?=(…))\k<table>`
// takes TABLE once and for all (an atomic group): `TABLE` is never read as the table's name.
const INSERT_INTO = new RegExp(
  `^\\s*INSERT\\s+INTO\\s+(?=(?<table>(?:TABLE\\s+)?))\\k<table>(?!FUNCTION\\b)(?<a>${NAME})(?:\\s*\\.\\s*(?<b>${NAME}))?(?=\\s*(?:[(;]|$)|\\s+[A-Za-z])`,
  'i',
);
const unquote = (name: string) => (/^[`"]/.test(name) ? name.slice(1, -1).replace(/\\(.)/g, '$1') : name);

/**
 * The table an INSERT statement writes into, as written (`INSERT INTO [TABLE] [db.]t …`; an unqualified name
 * in `currentDatabase`); undefined when the text says otherwise or cannot tell (INSERT INTO FUNCTION, an
 * unqualified name without the statement's database): such an INSERT may write anywhere.
 */
export function insertTarget(query: string, currentDatabase: string | undefined): Relation | undefined {
  // Comments (a query comment first) blanked; quoted names kept as written.
  const m = INSERT_INTO.exec(blankNonCode(query, { keepNames: true }))?.groups;
  if (!m) return undefined;
  if (m.b !== undefined) return { schema: unquote(m.a!), identifier: unquote(m.b) };
  return currentDatabase ? { schema: currentDatabase, identifier: unquote(m.a!) } : undefined;
}

const ARG = `(?:'(?:[^'\\\\]|\\\\.)*'|${NAME})`;
const FORWARDS: Record<string, RegExp> = {
  // Distributed(cluster, database, table[, sharding key[, policy]]): writes into the local table of its own host's shard.
  Distributed: new RegExp(`^Distributed\\(\\s*${ARG}\\s*,\\s*(${ARG})\\s*,\\s*(${ARG})\\s*[,)]`),
  // Buffer(database, table, …): flushes into it (from the INSERT itself once a block passes its limits).
  Buffer: new RegExp(`^Buffer\\(\\s*(${ARG})\\s*,\\s*(${ARG})\\s*,`),
};
const argName = (arg: string) => (arg.startsWith("'") ? arg.slice(1, -1).replace(/\\(.)/g, '$1') : unquote(arg));

/**
 * The table an INSERT into a table of engine `engine` (its CREATE statement as system.tables has it) writes into
 * in turn: a Distributed table's local table, a Buffer's destination; undefined for an engine that writes no
 * other table, 'unknown' when the arguments are not plain names (an expression such as currentDatabase()); a
 * database left empty is undefined in the answer (any).
 */
export function forwardedTo(engine: string, createQuery: string): { schema?: string; identifier: string } | 'unknown' | undefined {
  const re = FORWARDS[engine];
  if (!re) return undefined;
  const at = createQuery.lastIndexOf(`ENGINE = ${engine}(`);
  const m = at < 0 ? null : re.exec(createQuery.slice(at + 'ENGINE = '.length));
  if (!m) return 'unknown';
  const schema = argName(m[1]!);
  return { schema: schema || undefined, identifier: argName(m[2]!) };
}

/** Whether system.processes says each statement's database (current_database; not on old servers, 18.x). */
async function processesKnowDatabase(adapter: ClickHouseAdapter): Promise<boolean> {
  const known = adapter.capabilities.peek('processes_current_database');
  if (known !== undefined) return known;
  const [row] = await adapter.systemQuery<{ n: string | number }>(
    `SELECT count() AS n FROM system.columns WHERE database = 'system' AND table = 'processes' AND name = 'current_database' /* ${PROBE} */`,
  );
  const answer = Number(row?.n ?? 0) > 0;
  adapter.capabilities.learn('processes_current_database', answer);
  return answer;
}

/**
 * The ids of the statements that may be INSERTs running now (see runningInsertIds()), only those that may write
 * into one of `into` when given: an INSERT into another table is left out, one whose table its text does not
 * tell (insertTarget) is kept.
 */
async function runningInsertIdsInto(adapter: ClickHouseAdapter, into?: readonly Relation[]): Promise<string[]> {
  if (!into) return runningInsertIds(adapter);
  const from = await everyHost(adapter, 'processes');
  const database = (await processesKnowDatabase(adapter)) ? 'current_database' : "''";
  const rows = await adapter.client.query<{ id: string; q: string; db: string }>(`SELECT query_id AS id, query AS q, ${database} AS db FROM ${from} WHERE ${insertLike(adapter)} /* ${PROBE} */`);
  const wanted = new Set(into.map((r) => `${r.schema}.${r.identifier}`));
  return rows
    .filter((r) => {
      const target = insertTarget(r.q, r.db || undefined);
      return !target || wanted.has(`${target.schema}.${target.identifier}`);
    })
    .map((r) => r.id);
}

/**
 * Waits until every INSERT running now has finished (later ones are not waited for); with `into`, only those
 * that may write into one of those tables (an INSERT into a table whose views write into them: give those
 * tables too, mv-state.ts tablesFeeding).
 */
export async function drainInserts(adapter: ClickHouseAdapter, signal?: AbortSignal, timeoutMs = 600_000, into?: readonly Relation[]): Promise<void> {
  const from = await everyHost(adapter, 'processes');
  const ids = await runningInsertIdsInto(adapter, into);
  if (ids.length === 0) return;
  const until = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 200)) {
    signal?.throwIfAborted();
    const [row] = await adapter.client.query<{ n: string | number }>(`SELECT count() AS n FROM ${from} WHERE query_id IN (${ids.map(sqlString).join(', ')}) /* ${PROBE} */`);
    if (Number(row?.n ?? 0) === 0) return;
    if (Date.now() > until)
      throw new DatabaseError('drain_timeout', `INSERTs that started before a materialized view was replaced are still running after ${timeoutMs / 1000} s`, {
        hint: 'See system.processes; run again once they are done (the previous objects are in place).',
      });
    await sleep(wait);
  }
}
