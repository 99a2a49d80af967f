import { dbtSemantics } from '../load/dbt-semantics.js';
import type { SqlNode } from '../manifest/nodes.js';
import { quoteIdentifier } from '../render/placeholders.js';
import type { RunContext } from './run-context.js';

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
  if (!needsDescribe(node, sql)) return sql;
  let names: string[];
  try {
    names = ctx.adapter.client.querySync(describe(sql)).rows.map((r) => String(r[0]));
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
  if (!needsDescribe(node, sql)) return sql;
  let names: string[];
  try {
    names = (await ctx.adapter.client.query<{ name: string }>(describe(sql), { signal: ctx.signal })).map((r) => String(r.name));
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    return sql; // the build itself reports what is wrong with the query
  }
  return dequalify(sql, names);
}

const needsDescribe = (node: SqlNode, sql: string) => node.resourceType !== 'test' && dbtSemantics(node) && (sql.match(JOINS) ?? []).length >= 2;
const describe = (sql: string) => `DESCRIBE (\n${sql}\n)`;

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
