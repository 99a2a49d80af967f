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

/*
 * The same for a CTE's name: `WITH RENAMED as (…) select * from renamed` reads the CTE on
 * Postgres/Snowflake; ClickHouse refuses "Unknown table expression identifier 'renamed' in scope
 * __dbt__cte__foo_1" (dbt-core's TestLargeEphemeralCompilation). The name is folded to the one CTE
 * spelled like it but for case, within the scope ClickHouse names when that is a CTE of the SQL (an
 * inlined ephemeral model beside another whose CTE is written `renamed`), else in the whole SQL
 * when no CTE is spelled as the unknown name.
 */
const CTE_DEFINITION = /(?:\bwith(?:\s+recursive)?|,)\s*([A-Za-z_][A-Za-z0-9_$]*)\s+as\s*\(/gi;

export interface TableFold extends CaseFold {
  /** The CTE whose body the fold is limited to. */
  readonly scope?: string;
}

/** The unknown table of a refusal and the one CTE of `sqls` (in the refusal's scope) named like it but for case. */
export function caseFoldedCte(message: string | undefined, sqls: Iterable<string>): TableFold | undefined {
  const m = message && /Unknown table expression identifier '([A-Za-z_][A-Za-z0-9_$]*)'(?: in scope\s+([A-Za-z_][A-Za-z0-9_$]*)\b)?/.exec(message);
  if (!m) return undefined;
  const from = m[1]!;
  const scope = m[2];
  const same = new Set<string>();
  let scoped = false;
  let exact = false;
  for (const sql of sqls) {
    const code = blankNonCode(sql);
    const body = scope === undefined ? undefined : cteBody(sql, code, scope);
    if (body) scoped = true;
    for (const d of code.slice(body?.start ?? 0, body?.end ?? code.length).matchAll(CTE_DEFINITION)) {
      if (d[1] === from) exact = true;
      else if (d[1]!.toLowerCase() === from.toLowerCase()) same.add(d[1]!);
    }
  }
  const to = [...same][0];
  if (same.size !== 1 || exact) return undefined;
  return scoped ? { from, to: to!, scope } : { from, to: to! };
}

/** Where the body of the CTE `name` (quoted or not) is in `sql` (inside its parentheses), if it has one; `code` is `sql` with strings and comments blanked. */
function cteBody(sql: string, code: string, name: string): { start: number; end: number } | undefined {
  const header = new RegExp(`(?<![A-Za-z0-9_$])\`?${name.replace(/\$/g, '\\$')}\`?\\s+as\\s*\\(`, 'gi');
  for (const m of sql.matchAll(header)) {
    const start = m.index + m[0].length;
    if (code[start - 1] !== '(') continue;
    let depth = 1;
    for (let i = start; i < code.length; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')' && --depth === 0) return { start, end: i };
    }
  }
  return undefined;
}

/** `sql` with the table name `from` written as `to` where it names a table: after FROM/JOIN and as a qualifier (`from.col`), within the fold's scope. */
export function withTableCase(sql: string, fold: TableFold): string {
  const code = blankNonCode(sql);
  const body = fold.scope === undefined ? undefined : cteBody(sql, code, fold.scope);
  if (fold.scope !== undefined && !body) return sql;
  const name = fold.from.replace(/\$/g, '\\$');
  const table = new RegExp(`(?:\\b(?:from|join)\\s+)(${name})(?![A-Za-z0-9_$])|(?<![A-Za-z0-9_$.])(${name})(?=\\.)`, 'gi');
  let out = '';
  let at = 0;
  for (const m of code.matchAll(table)) {
    const start = m.index! + m[0].length - fold.from.length;
    if (code.slice(start, start + fold.from.length) !== fold.from) continue;
    if (body && (start < body.start || start >= body.end)) continue;
    out += sql.slice(at, start) + fold.to;
    at = start + fold.from.length;
  }
  return out + sql.slice(at);
}
