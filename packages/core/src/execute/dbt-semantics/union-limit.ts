import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';

/*
 * dbt's answers for `select … union all select … order by x limit n`: on Postgres, Snowflake, BigQuery,
 * Redshift and DuckDB a trailing ORDER BY / LIMIT / OFFSET belongs to the whole set operation; ClickHouse
 * binds it to the LAST branch only, so every other branch's rows all came through (a top-10 was the first
 * branch plus ten). Under dbt_semantics such a query is read as `SELECT * FROM (<set operation>) <tail>`
 * (the first branch names the columns there, as on those warehouses; a positional `order by 1` still works).
 * Only when a LIMIT or OFFSET follows the last set operator at the top level (an ORDER BY alone changes no
 * rows); left as written: ClickHouse's LIMIT … BY, a trailing SETTINGS/FORMAT.
 */
export function withWholeUnionLimit(node: ManifestNode, sql: string): string {
  if (!/\b(?:union|except|intersect)\b/i.test(sql) || !/\b(?:limit|offset)\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  const code = blankNonCode(sql);
  let depth = 0;
  let lastSetOp = -1;
  let tail = -1;
  for (const m of code.matchAll(/[()]|\b(?:union|except|intersect|order\s+by|limit|offset|settings|format)\b/gi)) {
    if (m[0] === '(') depth++;
    else if (m[0] === ')') depth--;
    else if (depth !== 0) continue;
    else if (/^(?:union|except|intersect)$/i.test(m[0])) {
      lastSetOp = m.index!;
      tail = -1;
    } else if (/^(?:settings|format)$/i.test(m[0])) return sql;
    else if (lastSetOp >= 0 && tail < 0) tail = m.index!;
  }
  if (lastSetOp < 0 || tail < 0) return sql;
  const rest = code.slice(tail);
  if (!/\b(?:limit|offset)\b/i.test(rest) || /\blimit\b[^]*\bby\b/i.test(rest.replace(/^\s*order\s+by\b/i, ''))) return sql;
  const body = sql.slice(0, tail).replace(/\s+$/, '');
  return `SELECT * FROM (\n${body}\n)\n${sql.slice(tail)}`;
}
