import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen } from './select-frames.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * The null treatment written inside the call: `last_value(user_id ignore nulls) over (…)` (BigQuery,
 * Redshift, Databricks, DuckDB; dbt-labs/segment writes it for every warehouse but Postgres). ClickHouse
 * cannot parse it there (SYNTAX_ERROR) and takes it after the call, as Snowflake writes it:
 * `last_value(user_id) ignore nulls over (…)`. Moved there for the functions whose modifier ClickHouse
 * honours — first_value, last_value, any_value (RESPECT NULLS is their `_respect_nulls` form) and, for
 * IGNORE NULLS, array_agg (groupArray skips NULLs). nth_value, lag and lead are left as written: ClickHouse
 * would take the modifier there and not apply it (a different answer instead of an error).
 */
export function withNullTreatmentAfterCall(sql: string): string {
  if (!/\b(?:ignore|respect)\s+nulls\s*\)/i.test(sql)) return sql;
  const code = blankNonCode(sql);
  const edits: { at: number; end: number; text: string }[] = [];
  for (const m of code.matchAll(/(?<![\w$.`"])(first_value|last_value|any_value|array_agg)\s*\(/gi)) {
    const open = m.index! + m[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    const modifier = /\s+(ignore|respect)\s+nulls\s*$/i.exec(code.slice(open + 1, close));
    if (!modifier || (m[1]!.toLowerCase() === 'array_agg' && modifier[1]!.toLowerCase() === 'respect')) continue;
    const at = open + 1 + modifier.index;
    edits.push({ at, end: close + 1, text: `) ${modifier[1]!.toUpperCase()} NULLS` });
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.at, length: e.end - e.at, text: e.text })));
}
