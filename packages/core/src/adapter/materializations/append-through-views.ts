import type { NodeConfig } from '../../manifest/config.js';
import type { Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { settingsClause } from '../settings-clause.js';
import { readMv } from '../mv/mv-state.js';
import type { Staging } from '../staging.js';

/*
 * An append into a table that materialized views read. ClickHouse's `INSERT … SELECT` commits block by block, the
 * table's part first and then the views' (there are no transactions on MergeTree): a view failing on a later block,
 * or a kill, left the first blocks in the table and not in (all) the views' targets, and the next run, finding
 * the rows missing from its reckoning, could append them again. So the views' work is done beside the live tables:
 * each view's SELECT runs over the staged new rows (its source's name replaced by the staged table's) into a table
 * shaped like its target; a failing view fails there, before anything is touched. Then the table and each target
 * get their new parts by partition moves, which fire no view: one short ALTER each, the table first, every staged
 * table marked before the first (Staging.appendPartitionsTogether): a kill between two of them is finished by the
 * next run's sweep (partition-replace.ts).
 * A view's SELECT sees all the new rows at once, where an INSERT feeds it block by block (a view aggregating into
 * a plain MergeTree table writes one row per group, not one per group and block).
 * Not done this way (the plain INSERT, as before) when a view cannot be reproduced exactly: its source named more
 * than once in its SELECT, a target that is not a MergeTree or that views read in turn, cluster mode.
 */

/** The views of `rel` and how each is fed from `staged` — or undefined when one cannot be done beside its target. */
async function viewFeeds(adapter: ClickHouseAdapter, rel: Relation, staged: Relation): Promise<{ target: Relation; sql: string }[] | undefined> {
  const [row] = await adapter.systemQuery<{ dbs: string[]; names: string[] }>(
    `SELECT dependencies_database AS dbs, dependencies_table AS names FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  const feeds: { target: Relation; sql: string }[] = [];
  for (const [i, name] of (row?.names ?? []).entries()) {
    const mv = await readMv(adapter, { schema: row!.dbs[i]!, identifier: name });
    if (!mv) return undefined;
    if (mv.refresh !== undefined) continue; // a refreshable view reads the table on its schedule, not on inserts
    const target = mv.target ?? (await innerTable(adapter, mv.rel));
    if (!target || !mv.asSelect) return undefined;
    const names = sourceNames(rel);
    const uses = names.reduce((n, re) => n + (mv.asSelect.match(re)?.length ?? 0), 0);
    if (uses !== 1) return undefined;
    const [t] = await adapter.systemQuery<{ engine: string; n: number | string }>(
      `SELECT engine, length(dependencies_table) AS n FROM system.tables WHERE database = ${sqlString(target.schema)} AND name = ${sqlString(target.identifier)}`,
    );
    if (!t || !/^MergeTree$|^(Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing)MergeTree$/.test(t.engine) || Number(t.n) > 0) return undefined;
    feeds.push({ target, sql: names.reduce((sql, re) => sql.replace(re, relationSql(staged.schema, staged.identifier)), mv.asSelect) });
  }
  return feeds;
}

/** The table a view without TO writes into (`.inner_id.<uuid>`, or `.inner.<name>` in an Ordinary database). */
async function innerTable(adapter: ClickHouseAdapter, mv: Relation): Promise<Relation | undefined> {
  const where = (name: string) => `database = ${sqlString(mv.schema)} AND name = ${sqlString(name)}`;
  const [view] = await adapter.systemQuery<{ uuid: string }>(`SELECT toString(uuid) AS uuid FROM system.tables WHERE ${where(mv.identifier)}`);
  const names = [`.inner_id.${view?.uuid ?? ''}`, `.inner.${mv.identifier}`];
  const [row] = await adapter.systemQuery<{ name: string }>(`SELECT name FROM system.tables WHERE ${names.map((n) => `(${where(n)})`).join(' OR ')} LIMIT 1`);
  return row ? { schema: mv.schema, identifier: row.name } : undefined;
}

/** How ClickHouse's stored SELECT names `rel`: `db.t`, `` `db`.`t` `` (or one part quoted), not inside a longer name. */
function sourceNames(rel: Relation): RegExp[] {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const forms = (s: string) => [esc(quoteIdentifier(s)), ...(/^[A-Za-z_][\w]*$/.test(s) ? [esc(s)] : [])];
  const out: RegExp[] = [];
  for (const db of new Set(forms(rel.schema))) for (const t of new Set(forms(rel.identifier))) out.push(new RegExp(`(?<![\\w.\`])${db}\\.${t}(?![\\w\`])`, 'g'));
  return out;
}

/**
 * Each view's rows of `staged` (shaped like `rel`), computed beside its target into a table shaped like it (see above);
 * undefined, having touched nothing live, when the views cannot be reproduced so.
 */
async function viewRowsBeside(s: Staging, rel: Relation, staged: Relation, config: NodeConfig): Promise<(readonly [Relation, Relation])[] | undefined> {
  const { adapter } = s;
  // On a cluster a staged copy takes the model's table config, not a view target's structure.
  if (adapter.cluster) return undefined;
  const feeds = await viewFeeds(adapter, rel, staged);
  if (!feeds) return undefined;
  const settings = settingsClause(config.query_settings) ? `\n${settingsClause(config.query_settings)}` : '';
  const computed: (readonly [Relation, Relation])[] = [];
  for (const f of feeds) {
    const rows = await s.createLike(f.target, config, { purpose: 'viewrows' });
    const have = new Set((await adapter.columns(f.target)).map((c) => c.name));
    // As a view inserts: its columns by name, the target's others at their defaults.
    const cols = (await adapter.queryColumns(f.sql, undefined, config.query_settings)).filter((c) => have.has(c.name)).map((c) => quoteIdentifier(c.name)).join(', ');
    // The model's query_settings: a view fires inside the model's INSERT, with its settings.
    await adapter.client.command(`INSERT INTO ${relationSql(rows.schema, rows.identifier)} (${cols}) SELECT ${cols} FROM (\n${f.sql}\n)${settings}`, { signal: s.signal });
    computed.push([rows, f.target]);
  }
  return computed;
}

/**
 * Appends the `staged` rows (shaped like `rel`) to `rel` and, through its materialized views, to their targets (see
 * above). False, having touched nothing, when the views cannot be reproduced beside their targets.
 */
export async function appendThroughViews(s: Staging, rel: Relation, staged: Relation, config: NodeConfig): Promise<boolean> {
  const computed = await viewRowsBeside(s, rel, staged, config);
  if (!computed) return false;
  // Every staged table marked first: a kill between two ALTERs is finished by the next run (partition-replace.ts).
  await s.appendPartitionsTogether([[staged, rel], ...computed]);
  return true;
}

/** The materialized views that fire on inserts into `rel` (refreshable ones read on their schedule and are not listed). */
export async function viewsReading(adapter: ClickHouseAdapter, rel: Relation): Promise<Relation[]> {
  const [row] = await adapter.systemQuery<{ dbs: string[]; names: string[] }>(
    `SELECT dependencies_database AS dbs, dependencies_table AS names FROM system.tables WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  return (row?.names ?? []).map((identifier, i) => ({ schema: row!.dbs[i]!, identifier }));
}

/**
 * Puts the `staged` rows in place of all of `rel`'s and appends what its materialized views make of them to their
 * targets — the result of TRUNCATE + INSERT into the kept table (dbt's seed reload on dbt-clickhouse: the views fire
 * on the new rows), without its moment of an empty table or its half-fed views: the views' rows are computed beside
 * their targets first, then one partition ALTER each, every staged table marked before the first (a kill between
 * them is finished by the next run, partition-replace.ts). False, having touched nothing, when that cannot be done:
 * `staged` not exactly `rel`'s structure and engine (partitions cannot move between them), or a view not reproducible
 * beside its target (see above).
 */
export async function replaceThroughViews(s: Staging, rel: Relation, staged: Relation, config: NodeConfig): Promise<boolean> {
  if (!(await sameStructure(s.adapter, staged, rel))) return false;
  const computed = await viewRowsBeside(s, rel, staged, config);
  if (!computed) return false;
  await s.appendPartitionsTogether([[staged, rel], ...computed], { replaceFirst: true });
  return true;
}

/** Whether partitions can move between `a` and `b`: MergeTree tables with the same columns, engine and keys. */
async function sameStructure(adapter: ClickHouseAdapter, a: Relation, b: Relation): Promise<boolean> {
  const shape = async (rel: Relation) => {
    const db = sqlString(rel.schema);
    const name = sqlString(rel.identifier);
    const [t] = await adapter.systemQuery<Record<string, string>>(
      `SELECT engine, engine_full, partition_key, sorting_key, primary_key FROM system.tables WHERE database = ${db} AND name = ${name}`,
    );
    const cols = await adapter.systemQuery<Record<string, string>>(
      `SELECT name, type, default_kind, default_expression, compression_codec FROM system.columns WHERE database = ${db} AND table = ${name} ORDER BY position`,
    );
    return t && /MergeTree$/.test(t.engine ?? '') ? JSON.stringify([t, cols]) : undefined;
  };
  const [x, y] = [await shape(a), await shape(b)];
  return x !== undefined && x === y;
}
