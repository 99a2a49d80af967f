import { blankNonCode } from '../shared/sql-statements.js';

/*
 * SQL's ordered-set aggregate `percentile_cont(p) within group (order by x)` (SQL:2008; Postgres,
 * Snowflake, Redshift, DuckDB, Databricks — the usual way dbt projects write a median or quartile) is
 * a syntax error on ClickHouse. Its answer is ClickHouse's `quantileExactInclusive(p)(x)`: both
 * interpolate linearly between the two nearest values (Hyndman & Fan's R-7) and skip NULLs; the value
 * is read as a Nullable double (SQL's percentile_cont casts to double precision; ClickHouse refuses a Decimal
 * there) so that a group without values gives NULL, as in SQL, not nan. `order by x desc`
 * is the (1 - p) percentile. An OVER clause after it stays (ClickHouse aggregates are window functions
 * too). Rewritten in the SQL a node runs (target/run); ClickHouse refuses the original, so no query
 * that runs today changes.
 */
export function withOrderedSetAggregates(sql: string): string {
  if (!/\bwithin\s+group\b/i.test(sql)) return sql;
  const code = blankNonCode(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const m of code.matchAll(/\bpercentile_cont\s*\(/gi)) {
    if (edits.some((e) => m.index! < e.end)) continue; // inside one rewritten already
    const argsOpen = m.index! + m[0].length - 1;
    const argsClose = closing(code, argsOpen);
    if (argsClose < 0) continue;
    const within = /^\s*within\s+group\s*\(/i.exec(code.slice(argsClose + 1));
    if (!within) continue;
    const groupOpen = argsClose + within[0].length;
    const groupClose = closing(code, groupOpen);
    if (groupClose < 0) continue;
    const order = /^\s*order\s+by\s+([\s\S]*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(?:first|last))?\s*$/i.exec(code.slice(groupOpen + 1, groupClose));
    if (!order || hasTopLevelComma(order[1]!)) continue;
    const p = sql.slice(argsOpen + 1, argsClose).trim();
    const exprStart = groupOpen + 1 + order[0].indexOf(order[1]!);
    const x = sql.slice(exprStart, exprStart + order[1]!.length).trim();
    const fraction = order[2]?.toLowerCase() === 'desc' ? `1 - (${p})` : p;
    edits.push({ start: m.index!, end: groupClose + 1, text: `quantileExactInclusive(${fraction})(toNullable(toFloat64(${x})))` });
  }
  let out = sql;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The offset of the parenthesis closing the one at `open`, or -1. */
function closing(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

function hasTopLevelComma(code: string): boolean {
  let depth = 0;
  for (const c of code) {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}
