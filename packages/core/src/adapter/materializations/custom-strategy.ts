import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { relationSql } from '../../render/placeholders.js';
import { ProjectError } from '../../shared/errors.js';
import { blankNonCode, splitStatements } from '../../shared/sql-statements.js';
import type { Staging } from '../staging.js';
import { mvsWritingTo } from '../mv/mv-state.js';
import type { SchemaPlan } from './schema-change.js';
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
export async function runCustomStrategy(s: Staging, ctx: MaterializeContext, strategy: CustomStrategy, sql: string, plan: SchemaPlan, table: { readonly feedsViews: boolean; readonly movesPartitions: boolean }): Promise<number> {
  const { adapter, node } = ctx;
  const rel = node.relation;
  const temp = await s.createTableAs(sql, node.config, { purpose: 'new' });
  const written = await adapter.rowCount(temp);
  // dbt's dest_columns: the new rows' columns after a schema change (process_schema_changes), else the table's.
  const final = new Set(plan.finalColumns.map((c) => c.name));
  const destColumns = plan.rebuild ? plan.newColumns.filter((c) => final.has(c.name)) : plan.targetColumns;
  const rendered = strategy.sql({ target: rel, temp, destColumns });
  if (splitStatements(rendered).length === 0) throw emptyStrategyError(node, strategy);
  // On the table itself, as written: when views read it, when views write into it (their rows, inserted
  // while the copy's statements ran, would go with the old table), or when the SQL may name it otherwise
  // than `db.t` (a bare `t` is the profile's database: those statements would change the table, not the copy).
  if (table.feedsViews || (await mvsWritingTo(adapter, rel)).length > 0 || namesBare(rendered, rel)) {
    for (const statement of splitStatements(rendered)) await adapter.client.command(statement, { signal: s.signal });
    return written;
  }
  const copy = await s.createLike(rel, node.config, { purpose: 'work' });
  const clear = () => adapter.client.command(`TRUNCATE TABLE ${relationSql(copy.schema, copy.identifier)}${adapter.onCluster()}`, { signal: s.signal }).then(() => {});
  const copyRows = () =>
    table.movesPartitions ? s.attachPartitions(rel, copy)
    : adapter.client.command(`INSERT INTO ${relationSql(copy.schema, copy.identifier)} SELECT * FROM ${relationSql(rel.schema, rel.identifier)}`, { signal: s.signal }).then(() => {});
  // Rows INSERTed into the table itself meanwhile (not through a view) are carried, not left in the old table — or,
  // where block numbers cannot tell them (another engine, a cluster), counted: the build fails, loud, keeping them (copy-count.ts).
  const from = table.movesPartitions && !adapter.cluster ? { cut: await copiedAtCut(adapter, rel, copyRows, clear) } : { count: await copiedAtCount(adapter, rel, copyRows, clear) };
  for (const statement of splitStatements(renamed(rendered, rel, copy))) await adapter.client.command(statement, { signal: s.signal });
  await swapCarrying(s, copy, { table: rel, why: 'its custom incremental strategy ran on a copy' }, from);
  return written;
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
 * of that name counts too — or the name in a string literal (`'db.t'`, `'t'`: a table function such as
 * merge() or remote() may read it as a table). Then the statements run as written: safe, only not all-or-nothing.
 */
export function namesBare(sql: string, rel: Relation): boolean {
  const esc = rel.identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const bare = new RegExp(`(?<![\\w$.])(?:\`${esc}\`|"${esc}"|${esc}(?![\\w$]))`);
  if (bare.test(blankNonCode(renamed(sql, rel, { schema: '', identifier: '' }), { keepNames: true }))) return true;
  return new RegExp(`(?<!\\w)${esc}(?!\\w)`).test(literalsOf(sql));
}

/** The text of `sql`'s string literals ('…'), everything else blanked. */
function literalsOf(sql: string): string {
  const withLiterals = blankNonCode(sql, { keepQuoted: true });
  const withoutLiterals = blankNonCode(sql, { keepNames: true });
  let out = '';
  for (let i = 0; i < sql.length; i++) out += withLiterals[i] !== withoutLiterals[i] ? withLiterals[i] : ' ';
  return out;
}

function emptyStrategyError(node: ModelNode, strategy: CustomStrategy): ProjectError {
  return new ProjectError('incremental_strategy', `Model ${node.name}: the incremental strategy macro get_incremental_${strategy.name}_sql returned no SQL`, {
    file: node.originalFilePath,
    hint: `Make get_incremental_${strategy.name}_sql(arg_dict) return the statement that adds arg_dict['temp_relation']'s rows to arg_dict['target_relation'] (see dbt's get_incremental_append_sql).`,
  });
}
