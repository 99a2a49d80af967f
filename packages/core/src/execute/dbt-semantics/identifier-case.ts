import type { WarehouseClient } from '../../adapter/warehouse-client.js';
import { cteNameAsWritten } from '../../adapter/view-cte-names.js';
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
  /**
   * The CTE ClickHouse names as the refusal's scope: the name is respelled only inside it, and not
   * where it is an alias (`METRIC_ID as metric_id`), so what the CTE outputs keeps the names as
   * written, as on Postgres, and the CTEs reading it need no fold of their own.
   */
  readonly scope?: string;
  /** The table or alias a qualified refusal (`t.ID`) names: only `t.ID` is respelled. */
  readonly qualifier?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;
// `Unknown expression identifier `TYPE``, or for a qualified one `Identifier 't.ID' cannot be resolved from table …`, and what ClickHouse suggests.
const UNKNOWN = /(?:Unknown (?:expression (?:or function )?)?identifier `([^`]+)`|Identifier '([^']+)' cannot be resolved)[\s\S]*?Maybe you meant: \[([^\]]*)\]/;

/** The unknown name of a refusal and the one suggested column spelled like it but for case. */
export function caseFoldedIdentifier(message: string | undefined): CaseFold | undefined {
  const m = message && UNKNOWN.exec(message);
  if (!m) return undefined;
  // The last part of a qualified name (`t.TYPE` … ['t.type']) is what differs.
  const from = (m[1] ?? m[2])!.split('.').pop()!;
  const same = new Set(
    [...m[3]!.matchAll(/'([^']*)'/g)].map((s) => s[1]!.split('.').pop()!).filter((s) => s !== from && s.toLowerCase() === from.toLowerCase()),
  );
  const to = [...same][0];
  if (same.size !== 1 || !NAME.test(from) || !NAME.test(to!)) return undefined;
  return { from, to: to!, ...where(message!, (m[1] ?? m[2])!) };
}

/**
 * The CTE a refusal names as its scope (`in scope  fields.`; a view's stored `fields__tsdbt_cte AS
 * fields` is `fields`), if it names one. (A CREATE VIEW's refusal shows the scope's query instead:
 * no scope, the fold is made everywhere.)
 */
function scopeCte(message: string): string | undefined {
  const scope = /\bin scope\s+([A-Za-z_][A-Za-z0-9_$]*)(?:\s+AS\s+[A-Za-z_][A-Za-z0-9_$]*)?\s*\./i.exec(message)?.[1];
  return scope && cteNameAsWritten(scope);
}

/** The scope CTE (`in scope  fields.`) and the qualifier (`t.ID`) of a refusal of `name`, as far as the message tells. */
function where(message: string, name: string): { scope?: string; qualifier?: string } {
  const scope = scopeCte(message);
  const parts = name.split('.');
  const qualifier = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return { ...(scope ? { scope } : {}), ...(qualifier && NAME.test(qualifier) ? { qualifier } : {}) };
}

/*
 * `metric_id as metric_id` over a column `METRIC_ID` (fivetran's staging models, written by
 * `fill_staging_columns`): the alias names itself, and ClickHouse offers one name it knows that is
 * nearest, which may be that alias (or one of a CTE reading this one) rather than the column
 * ("Maybe you meant: ['metric_id']"), so no case fold can be read from the refusal. The columns the
 * scope reads are asked for instead: when ClickHouse names a CTE as the scope, a DESCRIBE of
 * `select * from` that CTE's FROM clause (with the CTEs before it) lists them.
 */

/** The unknown name of a refusal that ClickHouse suggests as itself (an alias of that name), if it is a plain name. */
export function selfSuggestedIdentifier(message: string | undefined): string | undefined {
  const m = message && UNKNOWN.exec(message);
  if (!m) return undefined;
  const from = (m[1] ?? m[2])!;
  const suggested = [...m[3]!.matchAll(/'([^']*)'/g)].map((s) => s[1]!);
  return NAME.test(from) && suggested.includes(from) ? from : undefined;
}

const CLAUSE_END = /\b(?:where|prewhere|group\s+by|having|order\s+by|limit|qualify|window|union|intersect|except|settings|format)\b/iy;

/**
 * A SELECT of every column the CTE that a refusal names as its scope reads (`select * from` its
 * FROM clause, after the CTEs written before it), or undefined when the scope is no top-level CTE
 * of `sql` with a FROM clause.
 */
export function scopeColumnsQuery(message: string | undefined, sql: string): string | undefined {
  const scope = message && scopeCte(message);
  if (!scope) return undefined;
  const code = blankNonCode(sql);
  const body = cteBody(sql, code, scope);
  if (!body) return undefined;
  let depth = 0;
  let from = -1;
  let end = body.end;
  for (let i = body.start; i < body.end; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /[A-Za-z]/.test(c!) && !/[A-Za-z0-9_$]/.test(code[i - 1] ?? ' ')) {
      if (from < 0 && /^from\b/i.test(code.slice(i, i + 5))) from = i + 4;
      else if (from >= 0) {
        CLAUSE_END.lastIndex = i;
        if (CLAUSE_END.test(code)) {
          end = i;
          break;
        }
      }
    }
  }
  if (from < 0) return undefined;
  // The CTEs before this one: `with a as (…), ` up to the header of `scope`.
  const before = code.slice(0, body.header).replace(/,\s*$/, '');
  const prefix = /^\s*with\s*$/i.test(before) ? '' : sql.slice(0, before.length);
  if (prefix && !/^\s*with\b/i.test(before)) return undefined;
  return `${prefix}\nselect * from ${sql.slice(from, end)}`;
}

/** The one name of `columns` spelled as `name` but for case, if exactly one. */
export function columnInOtherCase(name: string, columns: readonly string[]): CaseFold | undefined {
  const same = new Set(columns.filter((c) => c !== name && c.toLowerCase() === name.toLowerCase()));
  const to = [...same][0];
  return same.size === 1 && !columns.includes(name) && NAME.test(to!) ? { from: name, to: to! } : undefined;
}

/** The fold of `columnInOtherCase` within the scope the refusal names. */
export function scopedFold(fold: CaseFold, message: string): CaseFold {
  return { ...fold, ...where(message, fold.from) };
}

/**
 * The case fold of a refused name ClickHouse suggested as itself (selfSuggestedIdentifier): the one column of the scope CTE's FROM spelled like it but for case,
 * from a DESCRIBE (only reads), or undefined.
 */
export async function scopeCaseFold(client: WarehouseClient, settings: Readonly<Record<string, unknown>>, message: string, sqls: readonly string[]): Promise<CaseFold | undefined> {
  const name = selfSuggestedIdentifier(message);
  if (!name) return undefined;
  for (const sql of sqls) {
    const probe = scopeColumnsQuery(message, sql);
    if (!probe) continue;
    try {
      const columns = (await client.query<{ name: string }>(`DESCRIBE TABLE (${probe})`, { settings })).map((r) => r.name);
      const fold = columnInOtherCase(name, columns);
      if (fold) return scopedFold(fold, message);
    } catch {
      // Not a query ClickHouse can describe on its own (a CTE inside a subquery): no fold.
    }
  }
  return undefined;
}

/**
 * `sql` with each unquoted `from` that is not a function call written as `to` (strings, quoted names
 * and comments untouched): within the fold's scope CTE but for aliases when it has one the SQL
 * defines, else everywhere; only after its qualifier when it has one.
 */
export function withIdentifierCase(sql: string, fold: CaseFold): string {
  const code = blankNonCode(sql);
  const body = fold.scope === undefined ? undefined : cteBody(sql, code, fold.scope);
  const word = new RegExp(`(?<![A-Za-z0-9_$])${fold.from.replace(/\$/g, '\\$')}(?![A-Za-z0-9_$])`, 'g');
  const qualified = fold.qualifier === undefined ? undefined : new RegExp(`(?<![A-Za-z0-9_$.])\`?${fold.qualifier.replace(/\$/g, '\\$')}\`?\\.$`);
  let out = '';
  let at = 0;
  for (const m of code.matchAll(word)) {
    if (/^\s*\(/.test(code.slice(m.index! + m[0].length))) continue;
    if (body && (m.index! < body.start || m.index! >= body.end || /\bas\s+$/i.test(code.slice(Math.max(0, m.index! - 40), m.index!)))) continue;
    if (qualified && !qualified.test(code.slice(Math.max(0, m.index! - 200), m.index!))) continue;
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
function cteBody(sql: string, code: string, name: string): { header: number; start: number; end: number } | undefined {
  const header = new RegExp(`(?<![A-Za-z0-9_$])\`?${name.replace(/\$/g, '\\$')}\`?\\s+as\\s*\\(`, 'gi');
  for (const m of sql.matchAll(header)) {
    const start = m.index + m[0].length;
    if (code[start - 1] !== '(') continue;
    let depth = 1;
    for (let i = start; i < code.length; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')' && --depth === 0) return { header: m.index, start, end: i };
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
