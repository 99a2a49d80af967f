import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { relationSql } from '../../render/placeholders.js';
import { ProjectError } from '../../shared/errors.js';
import { blankNonCode, splitStatements } from '../../shared/sql-statements.js';
import type { Staging } from '../staging.js';
import { partitionMovesRefused, refusedPartitionMoves } from '../partition-moves-on-cluster.js';
import { mvsWritingTo } from '../mv/mv-state.js';
import type { SchemaPlan } from './schema-change.js';
import type { HeldBlocks } from './block-ranges.js';
import { copiedAtCut, swapCarrying } from './copy-carry.js';
import { copiedAtCount } from './copy-count.js';
import type { MaterializeContext, StrategyArgs } from './types.js';

/** A project's incremental strategy: its name (`+` read as `_`) and its `get_incremental_<name>_sql` macro. */
export interface CustomStrategy {
  readonly name: string;
  readonly sql: (args: StrategyArgs) => string;
}

/**
 * The model's custom incremental strategy, if its incremental_strategy is none of tsdbt's (`builtIn`)
 * and the project defines `get_incremental_<name>_sql` (dbt 1.3+; dbt-clickhouse has no such thing:
 * its issue #545). undefined: tsdbt's own strategy, or an unknown name (strategyOf() says so).
 */
export function customStrategyOf(ctx: MaterializeContext, builtIn: readonly string[], legacy: ReadonlySet<string>): CustomStrategy | undefined {
  const raw = ctx.node.config.incremental_strategy;
  if (typeof raw !== 'string' || legacy.has(raw)) return undefined;
  const name = raw.replace('+', '_');
  if (builtIn.includes(name)) return undefined;
  const sql = ctx.strategyMacro?.(name);
  return sql ? { name, sql } : undefined;
}

/**
 * Runs a custom strategy as dbt's incremental materialization does — the new rows staged in a table
 * beside the target (dbt's temp_relation), the macro called with dbt's arg_dict, the SQL it returns
 * run as the model's 'main' statement (each `;`-separated statement in turn) — but on a copy of the
 * table: its parts hard-linked into a table beside it (`ATTACH PARTITION … FROM`; another engine: its
 * rows copied), every statement run there (the target's name in them, from arg_dict or `this`, read as
 * the copy's), then the copy swapped in by one EXCHANGE. A failing statement or a killed process
 * leaves the table's old rows, and the temporaries go with the run (or the next run's sweep).
 * Materialized views read the table (they see inserts into it, not into a copy): the statements then
 * run on the table itself, as written — ClickHouse has no transactions, so the statements before a
 * failing one stay applied (the model's query failing still leaves the table untouched: it is staged first).
 */
export async function runCustomStrategy(s: Staging, ctx: MaterializeContext, strategy: CustomStrategy, sql: string, plan: SchemaPlan, table: TableTraits): Promise<number> {
  const { adapter, node } = ctx;
  const rel = node.relation;
  const temp = await s.createTableAs(sql, node.config, { purpose: 'new' });
  const written = await adapter.rowCount(temp);
  // dbt's dest_columns: the new rows' columns after a schema change (process_schema_changes), else the table's.
  const final = new Set(plan.finalColumns.map((c) => c.name));
  const destColumns = plan.rebuild ? plan.newColumns.filter((c) => final.has(c.name)) : plan.targetColumns;
  const rendered = strategy.sql({ target: rel, temp, destColumns });
  if (splitStatements(rendered).length === 0) throw emptyStrategyError(node, strategy);
  // The SQL may name the table otherwise than `db.t` (a bare `t` is the profile's database: those statements
  // would change the table, not the copy): then it runs on the table itself, as written.
  await onTableOrCopy(s, ctx, table, namesBare(rendered, rel), 'its custom incremental strategy ran on a copy', async (on) => {
    for (const statement of splitStatements(on === rel ? rendered : renamed(rendered, rel, on))) await adapter.client.command(statement, { signal: s.signal });
  });
  return written;
}

/** What decides where a project's statements run (onTableOrCopy). */
export interface TableTraits {
  /** Materialized views read the table. */
  readonly feedsViews: boolean;
  /** Its engine moves partitions between tables (the MergeTree family). */
  readonly movesPartitions: boolean;
}

/**
 * Runs `work` — a project's statements changing the model's table — on a copy of the table swapped in
 * by one EXCHANGE once it succeeded (rows other writers INSERT into the table meanwhile carried:
 * copy-carry.ts), or on the table itself (`on` is then node.relation, the same object) when `asWritten`,
 * when views read it, or when views write into it (their rows, inserted while the copy's statements ran,
 * would go with the old table). `why`: what the carry's messages say happened to the table.
 */
export async function onTableOrCopy(s: Staging, ctx: MaterializeContext, table: TableTraits, asWritten: boolean, why: string, work: (on: Relation) => Promise<void>): Promise<void> {
  const { adapter, node } = ctx;
  const rel = node.relation;
  // In cluster mode a copy takes each host's parts (ATTACH PARTITION … FROM ON CLUSTER): a server without partition
  // commands ON CLUSTER (18.x) refuses it, changing nothing, and the statements run on the table as written (dbt's way).
  const noCopy = table.movesPartitions && partitionMovesRefused(adapter);
  if (asWritten || noCopy || table.feedsViews || (await mvsWritingTo(adapter, rel)).length > 0) return work(rel);
  const copy = await s.createLike(rel, node.config, { purpose: 'work' });
  const clear = () => adapter.client.command(`TRUNCATE TABLE ${relationSql(copy.schema, copy.identifier)}${adapter.onCluster()}`, { signal: s.signal }).then(() => {});
  const copyRows = () =>
    table.movesPartitions ? s.attachPartitions(rel, copy)
    : adapter.client.command(`INSERT INTO ${relationSql(copy.schema, copy.identifier)} SELECT * FROM ${relationSql(rel.schema, rel.identifier)}`, { signal: s.signal }).then(() => {});
  // Rows INSERTed into the table itself meanwhile (not through a view) are carried, not left in the old table — or,
  // where block numbers cannot tell them (another engine, a cluster), counted: the build fails, loud, keeping them (copy-count.ts).
  let from: { held: HeldBlocks } | { count: number };
  try {
    from = table.movesPartitions && !adapter.cluster ? { held: await copiedAtCut(adapter, rel, copyRows, clear) } : { count: await copiedAtCount(adapter, rel, copyRows, clear) };
  } catch (error) {
    if (!table.movesPartitions || !refusedPartitionMoves(adapter, error)) throw error;
    await adapter.drop(copy, 'table');
    return work(rel);
  }
  await work(copy);
  await swapCarrying(s, copy, { table: rel, why }, from);
}

/**
 * `sql` with every mention of `from` as a relation (`db.t`, `` `db`.`t` ``, `"db"."t"`) naming `to` instead:
 * identifiers only — the same text in a string literal or a comment is left as written (blankNonCode).
 */
export function renamed(sql: string, from: Relation, to: Relation): string {
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const part = (x: string) => `(?:\`${esc(x)}\`|"${esc(x)}"|${esc(x)}(?![\\w$]))`;
  const mention = new RegExp(`(?<![\\w$.\`"])${part(from.schema)}\\s*\\.\\s*${part(from.identifier)}`, 'g');
  // Offsets in the blanked text are the statement's own.
  const code = blankNonCode(sql, { keepNames: true });
  let out = '';
  let kept = 0;
  for (const m of code.matchAll(mention)) {
    out += sql.slice(kept, m.index) + relationSql(to.schema, to.identifier);
    kept = m.index + m[0].length;
  }
  return out + sql.slice(kept);
}

/**
 * Whether `sql` may name `rel` otherwise than as `db.t` (which renamed() reaches): its bare name as a
 * word (`t`, `` `t` ``, `"t"`, not `x.t` / `t_x`) once the qualified mentions are taken out — a column
 * of that name counts too — or a string literal a table function may read as the table (`'t'`, `'db.t'`
 * for remote(), a pattern matching `t` such as merge()'s `'^t$'`; not a text merely holding the word, as
 * `'#t'` or `'from t'`). Then the statements run as written: safe, only not all-or-nothing.
 */
export function namesBare(sql: string, rel: Relation): boolean {
  const esc = rel.identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const bare = new RegExp(`(?<![\\w$.])(?:\`${esc}\`|"${esc}"|${esc}(?![\\w$]))`);
  if (bare.test(blankNonCode(renamed(sql, rel, { schema: '', identifier: '' }), { keepNames: true }))) return true;
  const word = new RegExp(`(?<!\\w)${esc}(?!\\w)`);
  return literalsOf(sql).some((text) => word.test(text) && readsAsTable(text, rel));
}

/** Whether a literal holding the table's name may be a table function's table argument or table-name pattern. */
function readsAsTable(text: string, rel: Relation): boolean {
  const names = [rel.identifier, `${rel.schema}.${rel.identifier}`];
  const unquoted = text.trim().replace(/[`"]/g, '');
  if (names.includes(unquoted)) return true;
  try {
    const pattern = new RegExp(text);
    return names.some((n) => pattern.test(n));
  } catch {
    return false;
  }
}

/** The contents of `sql`'s string literals ('…'; not in comments). */
function literalsOf(sql: string): string[] {
  const withLiterals = blankNonCode(sql, { keepQuoted: true });
  const withoutLiterals = blankNonCode(sql, { keepNames: true });
  const out: string[] = [];
  // Comments are blanked in both; a literal is what only the first keeps.
  for (const m of withLiterals.matchAll(/'(?:[^'\\]|\\.|'')*'/g)) if (withoutLiterals[m.index] !== "'") out.push(unquoteLiteral(m[0]));
  return out;
}

/** A literal's text without its quotes ('it''s' → it's, 'a\'b' → a'b). */
function unquoteLiteral(lit: string): string {
  const body = lit.startsWith("'") && lit.endsWith("'") && lit.length >= 2 ? lit.slice(1, -1) : lit;
  return body.replace(/''/g, "'").replace(/\\(.)/g, '$1');
}

function emptyStrategyError(node: ModelNode, strategy: CustomStrategy): ProjectError {
  return new ProjectError('incremental_strategy', `Model ${node.name}: the incremental strategy macro get_incremental_${strategy.name}_sql returned no SQL`, {
    file: node.originalFilePath,
    hint: `Make get_incremental_${strategy.name}_sql(arg_dict) return the statement that adds arg_dict['temp_relation']'s rows to arg_dict['target_relation'] (see dbt's get_incremental_append_sql).`,
  });
}
