import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * A number written without its leading zero, `.059`, right after a keyword: `then .059 else`, `select .5`,
 * `between .1 and .9` (Postgres, Snowflake, BigQuery, DuckDB read it as 0.059; tuva's
 * cms_hcc__patient_risk_scores_monthly_by_factor_type writes `then .059`). ClickHouse's lexer takes a `.` after a
 * bare word (keyword or name), a `)`, `]`, quoted name or number for a qualifier's dot — `tup .1` is a tuple
 * element there — so after a keyword the query is a SYNTAX_ERROR. Such a number gets its `0`. Only after the
 * keywords an expression follows: after a name, `x .5` stays ClickHouse's tuple access (a syntax error in SQL).
 * ClickHouse refuses the original, so no query that runs today changes.
 */
const BEFORE_EXPRESSION = 'select|distinct|all|when|then|else|case|and|or|not|where|prewhere|having|qualify|on|by|between|like|ilike|limit|offset|return';
const LEADING_DOT = new RegExp(`(?<![\\w$.])(?:${BEFORE_EXPRESSION})\\s*(?=\\.\\d)`, 'gi');

export function withLeadingZeroNumbers(sql: string): string {
  if (!/\.\d/.test(sql)) return sql;
  const code = blankNonCode(sql);
  const edits: { at: number; length: number; text: string }[] = [];
  for (const m of code.matchAll(LEADING_DOT)) edits.push({ at: m.index! + m[0].length, length: 0, text: '0' });
  return edits.length ? applyEdits(sql, edits) : sql;
}
