import type { Relation } from '../manifest/nodes.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import { temporaryLiveness } from './run-owner.js';
import { sqlString } from '../render/placeholders.js';
import { drainInserts } from './inserts.js';
import { toClauseOf } from './mv/mv-state.js';
import { clearStuck, finishReplace, parseReplacing, recordSetAside, recordStuck } from './partition-replace.js';
import { CARRY, finishCarry } from './materializations/copy-carry.js';

/** The comment of a materialized view's rebuilt target while it is switched in (mv/mv-unit.ts SWITCHING). */
export const MV_SWITCHING_COMMENT = 'tsdbt:switching:';

/** Marks a relation a build writes before putting it in place: `<target>__tsdbt_tmp_<run id>[__<purpose>]`. */
export const TEMP_MARKER = '__tsdbt_tmp_';
/** Where a rename swap keeps the previous relation for a moment: `<target>__tsdbt_backup_<run id>`. */
export const BACKUP_MARKER = '__tsdbt_backup_';
/** ClickHouse's own staging name for `CREATE … AS SELECT` in Atomic databases: `_tmp_replace_<hex>_<hex>`. */
export const CLICKHOUSE_TMP_PREFIX = '_tmp_replace_';
/** Temporaries of runs on another machine are dead once this old (seconds) and none of their statements runs. */
export const DEFAULT_TEMPORARIES_MAX_AGE = 3600;

/** The owned temporary `purpose` of `rel` for run `runId` (purpose: a short word, e.g. `new`, `local`). */
export function temporaryName(rel: Relation, runId: string, purpose?: string): Relation {
  return { schema: rel.schema, identifier: `${rel.identifier}${TEMP_MARKER}${runId}${purpose ? `__${purpose}` : ''}` };
}

export function backupName(rel: Relation, runId: string): Relation {
  return { schema: rel.schema, identifier: `${rel.identifier}${BACKUP_MARKER}${runId}` };
}

/** What a leftover's name says: whose it is and what it stands for. */
export interface LeftoverName {
  readonly kind: 'temporary' | 'backup' | 'clickhouse';
  /** The relation it was made for (temporaries and backups). */
  readonly base?: string;
  readonly runId?: string;
}

export function parseLeftoverName(name: string): LeftoverName | undefined {
  if (name.startsWith(CLICKHOUSE_TMP_PREFIX)) return { kind: 'clickhouse' };
  for (const [marker, kind] of [
    [TEMP_MARKER, 'temporary'],
    [BACKUP_MARKER, 'backup'],
  ] as const) {
    const at = name.indexOf(marker);
    if (at <= 0) continue;
    const rest = name.slice(at + marker.length);
    const runId = rest.split('__')[0]!;
    if (runId) return { kind, base: name.slice(0, at), runId };
  }
  return undefined;
}

/** The statement the server is running: its id (ours are `tsdbt-<run id>-…`) and text. */
interface RunningStatement {
  readonly query_id: string;
  readonly query: string;
}

/**
 * Removes what dead runs left in `schema` and nothing else: their temporaries, their backups
 * (put back in place when the relation they stand for is missing: a swap cut short by a crash of
 * the server) and ClickHouse's `_tmp_replace_*` tables of `CREATE … AS SELECT` statements that no
 * longer run. Whose run is dead: see runLiveness(); for ids it cannot decide, the embedded
 * warehouse's data-directory lock proves every writer other than this process dead, and on a
 * server the age rule applies (older than `temporaries_max_age` and no statement of that run running).
 * Returns the names it removed or put back. Best effort: a leftover another run removes at the
 * same moment is not an error.
 */
export async function sweepLeftovers(adapter: ClickHouseAdapter, schema: string): Promise<string[]> {
  const from = adapter.cluster ? `cluster(${sqlString(adapter.cluster)}, system, tables)` : 'system.tables';
  const rows = await adapter.systemQuery<{ name: string; engine: string; age: string | number; comment?: string }>(
    `SELECT name, any(engine) AS engine, max(toInt64(now()) - toInt64(metadata_modification_time)) AS age${(await adapter.hasTableComments()) ? ', any(comment) AS comment' : ''} FROM ${from} WHERE database = ${sqlString(schema)} ` +
      `AND (position(name, ${sqlString(TEMP_MARKER)}) > 0 OR position(name, ${sqlString(BACKUP_MARKER)}) > 0 OR startsWith(name, ${sqlString(CLICKHOUSE_TMP_PREFIX)})) GROUP BY name`,
  );
  // What a previous sweep found stuck is looked at afresh (partition-replace.ts recordStuck): dropped meanwhile, it is gone.
  clearStuck(adapter, schema);
  if (rows.length === 0) return [];
  // A materialized view's rebuild killed while switching its target in is finished, not undone, by
  // the view's own next run (mv/mv-recover.ts): its run's leftovers are left alone here.
  // In every database: a view model with a schema of its own has its staged twin here, writing into the
  // switching target elsewhere — dropped, the inserts until the recovery's exchange would be lost.
  // The mark names the run: on its staged target until the EXCHANGE, on the target (any name) after it, until the
  // recovery has carried what the old table received meanwhile (mv-recover.ts).
  const switching = new Set<string | undefined>();
  if (await adapter.hasTableComments())
    for (const r of await adapter.systemQuery<{ c: string }>(`SELECT DISTINCT comment AS c FROM ${from} WHERE startsWith(comment, ${sqlString(MV_SWITCHING_COMMENT)})`))
      switching.add(r.c.slice(MV_SWITCHING_COMMENT.length));
  let running: RunningStatement[] | undefined;
  const statements = async () => (running ??= await adapter.runningStatements());
  const removed: string[] = [];
  const dead: { rel: Relation; parsed: LeftoverName; engine: string }[] = [];
  for (const row of rows) {
    const parsed = parseLeftoverName(row.name);
    if (!parsed || (parsed.runId && switching.has(parsed.runId))) continue;
    const isDead =
      parsed.kind === 'clickhouse'
        ? // Its CREATE still runs somewhere (this process included): ClickHouse renames or drops it itself.
          !(await statements()).some((s) => /\bCREATE\b/i.test(s.query.replace(/\/\*[\s\S]*?\*\//g, '')))
        : await runIsDead(adapter, parsed.runId!, `${schema}.${row.name}`, Number(row.age), statements);
    if (isDead) dead.push({ rel: { schema, identifier: row.name }, parsed, engine: row.engine });
  }
  // A dead run's partition ALTER cut short is finished first, from the staged table it marked (partition-replace.ts).
  // Refused twice in a row: recorded, so that a build of its target stops with what to do (partition-replace.ts).
  for (const d of [...dead]) {
    const r = parseReplacing(rows.find((row) => row.name === d.rel.identifier)?.comment);
    if (!r) continue;
    let refused: unknown;
    if ((await finishReplace(adapter, d.rel, r)) || (await finishReplace(adapter, d.rel, r, (e) => (refused = e)))) continue;
    dead.splice(dead.indexOf(d), 1); // kept, marked: the next sweep tries again
    recordStuck(adapter, d.rel, r, refused);
  }
  // A dead run's carry owed after its swap (copy-carry.ts: rows INSERTed into a table while it was rebuilt beside
  // itself, still in its old table) is finished first, from its record. INSERTs still writing into the old table, or
  // a refusal: that run's leftovers of that table wait for a later sweep (rows that could not be carried — a merge
  // mixed them, or no block numbers tell them apart, copy-count.ts: the old table kept, named).
  for (const d of [...dead]) {
    if (d.parsed.kind !== 'temporary' || d.rel.identifier !== temporaryName({ schema, identifier: d.parsed.base! }, d.parsed.runId!, CARRY.record).identifier) continue;
    try {
      await finishCarry(adapter, { schema, identifier: d.parsed.base! }, d.parsed.runId!, 60_000);
    } catch (error) {
      // Rows that could not be carried: the old table was kept under its own name, the record dropped — the rest can go.
      // The build of the table says so (it stops, naming the kept table), once.
      if ((error as { code?: string }).code === 'direct_inserts') {
        recordSetAside(adapter, { schema, identifier: d.parsed.base! }, error as Error);
        continue;
      }
      // Its old table could not be synced (a replica down, no privilege): kept with the record, and the table's build in
      // this run stops, saying so — another swap would set aside one more old table each run (copy-carry.ts unsynced).
      if ((error as { code?: string }).code === 'replica_sync_failed') recordSetAside(adapter, { schema, identifier: d.parsed.base! }, error as Error);
      for (const o of [...dead]) if (o.parsed.runId === d.parsed.runId && o.parsed.base === d.parsed.base) dead.splice(dead.indexOf(o), 1);
    }
  }
  // Materialized views first: a view writing into a dropped table fails the INSERTs into its source.
  // And what they wrote into or read goes only once the INSERTs that may still run them are over.
  // That includes a dead run's staged view in another database (a view model with a schema of its
  // own) writing into a table here; a table some other view still writes into stays.
  const kept = new Set<string>();
  const tables = new Set(dead.filter((d) => d.engine !== 'MaterializedView').map((d) => d.rel.identifier));
  if (tables.size) {
    const deadRuns = new Set(dead.map((d) => d.parsed.runId));
    const writers = await adapter.systemQuery<{ db: string; name: string; q: string }>(
      `SELECT DISTINCT database AS db, name, create_table_query AS q FROM ${from} WHERE engine = 'MaterializedView' AND database != ${sqlString(schema)}`,
    );
    for (const w of writers) {
      const to = toClauseOf(w.q);
      if (!to || to.schema !== schema || !tables.has(to.identifier)) continue;
      const parsed = parseLeftoverName(w.name);
      if (parsed?.kind === 'temporary' && deadRuns.has(parsed.runId)) dead.push({ rel: { schema: w.db, identifier: w.name }, parsed, engine: 'MaterializedView' });
      else kept.add(to.identifier);
    }
  }
  const views = dead.filter((d) => d.engine === 'MaterializedView');
  for (const d of views) {
    try {
      await adapter.drop(d.rel, 'materialized_view');
      removed.push(d.rel.identifier);
    } catch {
      // Another run cleared it first, or the server refused: the next run tries again.
    }
  }
  if (views.length) {
    try {
      await drainInserts(adapter, undefined, 60_000);
    } catch {
      return removed; // INSERTs still running: their tables go on a later sweep
    }
  }
  for (const { rel, parsed, engine } of dead.filter((d) => d.engine !== 'MaterializedView' && !kept.has(d.rel.identifier))) {
    try {
      if (parsed.kind === 'backup' && (await adapter.relationKind({ schema, identifier: parsed.base! })) === undefined)
        await adapter.rename([[rel, { schema, identifier: parsed.base! }]]);
      else await adapter.drop(rel, engine === 'Dictionary' ? 'dictionary' : 'table');
      removed.push(rel.identifier);
    } catch {
      // Another run cleared it first, or the server refused: the next run tries again.
    }
  }
  return removed;
}

/**
 * Whether the run `runId` that made the temporary `key` (`schema.name`, `ageSeconds` old) is over:
 * see runLiveness(); for ids it cannot decide, the embedded warehouse's data-directory lock proves
 * every writer other than this process dead, and on a server the age rule applies.
 */
export async function runIsDead(
  adapter: ClickHouseAdapter,
  runId: string,
  key: string,
  ageSeconds: number,
  statements: () => Promise<readonly RunningStatement[]> = () => adapter.runningStatements(),
): Promise<boolean> {
  const liveness = temporaryLiveness(runId, key);
  if (liveness !== 'unknown') return liveness === 'dead';
  if (adapter.ownsWarehouseExclusively()) return true;
  return ageSeconds >= adapter.temporariesMaxAge && !(await statements()).some((s) => s.query_id.startsWith(`tsdbt-${runId}-`));
}
