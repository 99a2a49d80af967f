import { blankNonCode } from '../../shared/sql-statements.js';

/*
 * Unquoted names are case-insensitive on every warehouse dbt runs on (Snowflake, Postgres, Redshift,
 * BigQuery's column names, DuckDB): `TYPE as type` reads the column `type` there. ClickHouse's names
 * are case-sensitive, and it refuses the query ("Unknown expression identifier `TYPE` … Maybe you
 * meant: ['type']"; fivetran's dbt_recurly stg_recurly__transaction, dbt_salesforce_source's `Id`).
 * Under `dbt_semantics` a node refused so runs again with that name spelled as the one column
 * ClickHouse suggests that differs from it only in case (common-types.ts `runWithCommonTypes`, the
 * same `retryable` rule: only when the failed attempt wrote nothing). Two such columns (`type` and
 * `Type`): ambiguous, left as ClickHouse answers.
 */

export interface CaseFold {
  readonly from: string;
  readonly to: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** The unknown name of a refusal and the one suggested column spelled like it but for case. */
export function caseFoldedIdentifier(message: string | undefined): CaseFold | undefined {
  // `Unknown expression identifier `TYPE``, or for a qualified one `Identifier 't.ID' cannot be resolved from table …`.
  const m = message && /(?:Unknown (?:expression (?:or function )?)?identifier `([^`]+)`|Identifier '([^']+)' cannot be resolved)[\s\S]*?Maybe you meant: \[([^\]]*)\]/.exec(message);
  if (!m) return undefined;
  // The last part of a qualified name (`t.TYPE` … ['t.type']) is what differs.
  const from = (m[1] ?? m[2])!.split('.').pop()!;
  const same = new Set(
    [...m[3]!.matchAll(/'([^']*)'/g)].map((s) => s[1]!.split('.').pop()!).filter((s) => s !== from && s.toLowerCase() === from.toLowerCase()),
  );
  const to = [...same][0];
  return same.size === 1 && NAME.test(from) && NAME.test(to!) ? { from, to: to! } : undefined;
}

/** `sql` with each unquoted `from` that is not a function call written as `to` (strings, quoted names and comments untouched). */
export function withIdentifierCase(sql: string, fold: CaseFold): string {
  const code = blankNonCode(sql);
  const word = new RegExp(`(?<![A-Za-z0-9_$])${fold.from.replace(/\$/g, '\\$')}(?![A-Za-z0-9_$])`, 'g');
  let out = '';
  let at = 0;
  for (const m of code.matchAll(word)) {
    if (/^\s*\(/.test(code.slice(m.index! + m[0].length))) continue;
    out += sql.slice(at, m.index!) + fold.to;
    at = m.index! + m[0].length;
  }
  return out + sql.slice(at);
}
