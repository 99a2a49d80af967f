import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { SqlNode } from '../../manifest/nodes.js';
import { quoteIdentifier } from '../../render/placeholders.js';
import { settingsClause } from '../../adapter/settings-clause.js';
import { joinedStarCteStep, mayHaveJoinedStarCte } from './cte-column-names.js';
import { isJoinOrderError, withoutJoinReorder } from './join-order-fallback.js';
import type { RunContext } from '../run-context.js';
import type { WarehouseClient } from '../../adapter/warehouse-client.js';

/** `t.col`: how ClickHouse names a selected qualified column whose name exists in several joined tables. */
const QUALIFIED = /^[A-Za-z_]\w*\.([A-Za-z_]\w*)$/;

/**
 * dbt's column names on ClickHouse. In a SELECT with two or more JOINs, ClickHouse names a selected
 * `customers.customer_id` literally `customers.customer_id` when `customer_id` exists in several of
 * the joined tables (ClickHouse #34697; no setting changes it, 26.7 included), so downstream
 * `ref()`s and tests that say `customer_id` fail. With `dbt_semantics` on (the default, see
 * load/dbt-semantics.ts), a model's or snapshot's query with two or more joins is described first;
 * output columns named `t.col` whose `col` is unique in the output are renamed to `col` by a
 * wrapping SELECT that keeps the column order. A name that would clash keeps its prefix (and the
 * table materialization's warning says to alias it).
 */
export function dequalifiedSql(ctx: RunContext, node: SqlNode, sql: string): string {
  if (cteNeedsDescribe(node, sql)) {
    const renames = cteRenames(sql);
    let step = renames.next();
    while (!step.done) {
      let names: string[] = [];
      try {
        names = describedNamesSync(ctx.adapter.client, step.value, node);
      } catch {
        // that CTE stays as written: the build reports what is wrong
      }
      step = renames.next(names);
    }
    sql = step.value;
  }
  if (!needsDescribe(node, sql)) return sql;
  let names: string[];
  try {
    if (plainOutputNames(ctx.adapter.client.querySync(explainAst(sql)).rows.map((r) => String(r[0])))) return sql;
  } catch {
    // not parsed: DESCRIBE decides (and the build reports what is wrong with the query)
  }
  try {
    names = describedNamesSync(ctx.adapter.client, sql, node);
  } catch {
    return sql; // the build itself reports what is wrong with the query
  }
  return dequalify(sql, names);
}

/**
 * dequalifiedSql() without blocking: the DESCRIBE runs while other nodes' statements are sent. (Analysing a query
 * evaluates its scalar subqueries: a blocking DESCRIBE held every other thread of the run for as long — 0.35 s
 * for the reference project's market basket at scale 1.)
 */
export async function dequalifiedSqlAsync(ctx: RunContext, node: SqlNode, sql: string): Promise<string> {
  sql = await cteDequalifiedSqlAsync(ctx.adapter.client, node, sql, ctx.signal);
  if (!needsDescribe(node, sql)) return sql;
  let names: string[];
  try {
    const ast = await ctx.adapter.client.query<{ explain: string }>(explainAst(sql), { signal: ctx.signal });
    if (plainOutputNames(ast.map((r) => String(r.explain)))) return sql;
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    // not parsed: DESCRIBE decides
  }
  try {
    names = await describedNames(ctx.adapter.client, sql, node, ctx.signal);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    return sql; // the build itself reports what is wrong with the query
  }
  return dequalify(sql, names);
}

/**
 * `sql` with only its CTEs that join a `t.*` given dbt's column names (cteRenames). Also for dbt's common types
 * (common-types.ts), whose probes analyse the SQL before this step: a later `cte.col` of a column ClickHouse names
 * `t.col` until renamed failed every probe there, so nothing was cast (fivetran/dbt_zendesk's reply-time models).
 */
export async function cteDequalifiedSqlAsync(client: WarehouseClient, node: SqlNode, sql: string, signal?: AbortSignal): Promise<string> {
  if (!cteNeedsDescribe(node, sql)) return sql;
  const renames = cteRenames(sql);
  let step = renames.next();
  while (!step.done) {
    let names: string[] = [];
    try {
      names = await describedNames(client, step.value, node, signal);
    } catch (error) {
      if (signal?.aborted) throw error; // otherwise that CTE stays as written: the build reports what is wrong
    }
    step = renames.next(names);
  }
  return step.value;
}

/** Two or more joins, or one and a `t.*` (the right side's star is qualified too). */
const needsDescribe = (node: SqlNode, sql: string) => {
  if (node.resourceType === 'test' || !dbtSemantics(node)) return false;
  const joins = (sql.match(JOINS) ?? []).length;
  return joins >= 2 || (joins === 1 && /\.\s*\*/.test(sql));
};
/**
 * A test too: its own output names do not matter, but a CTE's do to the SELECT reading it — an ephemeral model
 * inlined into a test's query (`__dbt__cte__x`), or a singular test's own CTE (fivetran's dbt_greenhouse tests its
 * ephemeral `int_greenhouse__candidate_contacts`, whose CTE selects `candidate.*` over four left joins).
 */
const cteNeedsDescribe = (node: SqlNode, sql: string) => dbtSemantics(node) && mayHaveJoinedStarCte(sql);

/**
 * The DESCRIBEs that give each CTE joining a `t.*` dbt's column names (cte-column-names.ts), innermost first: yields
 * a query, takes its column names ([] when it failed: that CTE stays as written), returns the renamed SQL.
 */
function* cteRenames(sql: string): Generator<string, string, string[]> {
  for (let skip = 0; ; ) {
    const step = joinedStarCteStep(sql, skip);
    if (!step) return sql;
    const names: string[] = yield step.describeSql;
    const renamed = dequalify(step.body, names);
    if (renamed === step.body) skip++;
    else sql = step.rewrite(renamed);
  }
}
/**
 * The output column names of `sql` as the node's query (DESCRIBE). When ClickHouse's join-order optimizer refuses
 * the valid query with a LOGICAL_ERROR (join-order-fallback.ts), described again with it off: the optimizer only
 * reorders joins, so the names are the query's. Without this, a CTE joining a `t.*` over views kept its `t.col`
 * names and the model failed "Unknown expression identifier" (fivetran/dbt_netsuite's balance sheet on 26.7) before
 * its run could fall back to the optimizer off.
 */
async function describedNames(client: WarehouseClient, sql: string, node: SqlNode, signal?: AbortSignal): Promise<string[]> {
  const names = async (n: SqlNode) => (await client.query<{ name: string }>(describe(sql, n), { signal })).map((r) => String(r.name));
  try {
    return await names(node);
  } catch (error) {
    const again = !signal?.aborted && isJoinOrderError(error instanceof Error ? error.message : String(error)) ? withoutJoinReorder(node) : undefined;
    if (!again) throw error;
    return names(again);
  }
}

function describedNamesSync(client: WarehouseClient, sql: string, node: SqlNode): string[] {
  const names = (n: SqlNode) => client.querySync(describe(sql, n)).rows.map((r) => String(r[0]));
  try {
    return names(node);
  } catch (error) {
    const again = isJoinOrderError(error instanceof Error ? error.message : String(error)) ? withoutJoinReorder(node) : undefined;
    if (!again) throw error;
    return names(again);
  }
}

/**
 * With the node's query settings (dbt_semantics' included): the query is analysed as it will run — without
 * `cast_keep_nullable` a CAST of NULL in a CTE fails the DESCRIBE, and the CTE kept its `t.col` names (dbt_shopify).
 */
const describe = (sql: string, node: SqlNode) => {
  const settings = settingsClause(node.config.query_settings);
  return `DESCRIBE (\n${sql}\n)${settings ? `\n${settings}` : ''}`;
};
/**
 * The query parsed, not analysed: no scalar subquery or materialized CTE runs (a DESCRIBE runs them). Selected from,
 * so that a FORMAT the client adds applies to the lines and is not parsed as part of the query.
 */
const explainAst = (sql: string) => `SELECT explain FROM (EXPLAIN AST\n${sql}\n)`;

/**
 * Whether the `EXPLAIN AST` lines of a query prove that none of its output columns can be named `t.col`, so no
 * DESCRIBE is needed: every SELECT of its top-level UNION lists only aliased items (the alias, without a dot, is the
 * name), unqualified identifiers, literals and function calls (named by their text: `f(t.col)` is not `t.col`). A
 * qualified identifier without an alias, `*`, `t.*`, COLUMNS(…), a nested UNION or anything unknown: false (describe).
 * The select list is the ExpressionList right before the FROM clause (TablesInSelectQuery): a WITH list comes first
 * and looks the same. (Describing the reference project's market basket ran its scalar subqueries: 0.38 s on the
 * critical path at scale 0.1.)
 */
export function plainOutputNames(lines: readonly string[]): boolean {
  const depth = (line: string) => line.length - line.trimStart().length;
  const childrenOf = (at: number): number[] => {
    const d = depth(lines[at]!);
    const out: number[] = [];
    for (let i = at + 1; i < lines.length && depth(lines[i]!) > d; i++) if (depth(lines[i]!) === d + 1) out.push(i);
    return out;
  };
  if (!lines[0]?.startsWith('SelectWithUnionQuery')) return false;
  const unionList = childrenOf(0)[0];
  if (unionList === undefined || !lines[unionList]!.trim().startsWith('ExpressionList')) return false;
  const members = childrenOf(unionList);
  if (members.length === 0) return false;
  for (const member of members) {
    if (!lines[member]!.trim().startsWith('SelectQuery')) return false;
    const parts = childrenOf(member);
    const from = parts.findIndex((i) => lines[i]!.trim().startsWith('TablesInSelectQuery'));
    const list = from > 0 ? parts[from - 1]! : undefined;
    if (list === undefined || !lines[list]!.trim().startsWith('ExpressionList')) return false;
    if (!childrenOf(list).every((i) => plainItem(lines[i]!.trim()))) return false;
  }
  return true;
}

const ALIASED = / \(alias ([^()]*)\)(?: \(children \d+\))?$/;
function plainItem(item: string): boolean {
  const alias = ALIASED.exec(item);
  if (alias) return !alias[1]!.includes('.');
  return /^(?:Literal|Function) /.test(item) || /^Identifier [^.\s`]+$/.test(item);
}

/** The wrapping SELECT that renames `t.col` to `col` where `col` is unique among `names`; `sql` itself when none is. */
export function dequalify(sql: string, names: readonly string[]): string {
  const finalName = new Map(names.map((n) => [n, QUALIFIED.exec(n)?.[1] ?? n]));
  const count = new Map<string, number>();
  for (const n of names) count.set(finalName.get(n)!, (count.get(finalName.get(n)!) ?? 0) + 1);
  for (const n of names) if (finalName.get(n) !== n && count.get(finalName.get(n)!)! > 1) finalName.set(n, n);
  if (names.every((n) => finalName.get(n) === n)) return sql;
  const columns = names.map((n) => (finalName.get(n) === n ? quoteIdentifier(n) : `${quoteIdentifier(n)} AS ${quoteIdentifier(finalName.get(n)!)}`));
  return `SELECT ${columns.join(', ')}\nFROM (\n${sql}\n)`;
}

const JOINS = /\bjoin\b/gi;
