import { blankNonCode } from '../../shared/sql-statements.js';
import { bareType, isNullableType, markedTupleTypes, markerIndexes } from './common-type-sites.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';

/*
 * dbt's CAST to a numeric type rounds. `cast(0.29 as numeric(10, 2))` is 0.29 on Postgres,
 * Snowflake, BigQuery, Redshift; ClickHouse converts a float's binary value and truncates (0.28),
 * and truncates decimals and decimal strings too (`cast('1.999' as Decimal(10, 2))` = 1.99,
 * `cast(1.999 as Int32)` = 1) — a known ClickHouse complaint. Under `dbt_semantics` a run casts as
 * the other warehouses do: to a Decimal of scale s, a float goes through its shortest decimal text
 * (what Postgres' float8 → numeric reads) and is rounded half away from zero at s, as a decimal or
 * a decimal string is; to an integer type, a float or decimal is rounded first (a float half to
 * even, Postgres' rint; a decimal half away from zero, as numeric → int). Integers, dates, booleans
 * and other argument types cast as before. Only `CAST(x AS T)`, `CAST(x, 'T')` and Postgres' `x::T`
 * are rewritten (ClickHouse's own toDecimal64()/toInt32() are asked for by name, with ClickHouse's meaning).
 */

/** A CAST whose target is a Decimal with a scale or an integer type. */
export interface CastSite {
  /** The cast argument's range. */
  readonly arg: { readonly start: number; readonly end: number };
  readonly target: { readonly kind: 'decimal'; readonly scale: number } | { readonly kind: 'int' };
}

/** A FixedString size no query uses, + the site's index: the probe's tuples end with it (as common-type-sites.ts). */
export const CAST_MARKER_BASE = 6007;

/** The CASTs of `sql` to a type where ClickHouse truncates and dbt's warehouses round. */
export function roundingCastSites(sql: string): CastSite[] {
  const calls = /\bcast\s*\(/i.test(sql);
  if (!calls && !sql.includes('::')) return [];
  const code = blankNonCode(sql);
  const sites = calls ? castCallSites(sql, code) : [];
  if (sql.includes('::')) sites.push(...doubleColonSites(sql, code));
  return sites.sort((a, b) => a.arg.start - b.arg.start);
}

/** `CAST(x AS T)` and `CAST(x, 'T')`. */
function castCallSites(sql: string, code: string): CastSite[] {
  const tokens = [...code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[(),]/g)].map((m) => ({ text: m[0], lower: m[0].toLowerCase(), at: m.index! }));
  const sites: CastSite[] = [];
  tokens.forEach((t, i) => {
    if (t.lower !== 'cast' || tokens[i + 1]?.text !== '(' || code[t.at - 1] === '.') return;
    let depth = 0;
    let asAt = -1;
    let commaAt = -1;
    for (let k = i + 1; k < tokens.length; k++) {
      const u = tokens[k]!;
      if (u.text === '(') depth++;
      else if (u.text === ')') {
        if (--depth > 0) continue;
        const open = tokens[i + 1]!.at + 1;
        const typeText = asAt >= 0 ? sql.slice(asAt + 2, u.at) : commaAt >= 0 ? literalText(sql.slice(commaAt + 1, u.at)) : undefined;
        const target = typeText === undefined ? undefined : roundingTarget(typeText.trim());
        if (target) sites.push({ arg: { start: open, end: asAt >= 0 ? asAt : commaAt }, target });
        return;
      } else if (depth === 1 && u.lower === 'as' && asAt < 0 && commaAt < 0) asAt = u.at;
      else if (depth === 1 && u.text === ',' && asAt < 0) commaAt = u.at;
    }
  });
  return sites;
}

/**
 * `x::T` (Postgres' cast, which ClickHouse reads too): `::` binds tightest, so its argument is the
 * operand right before it — a name (`t.amount`), a number, a string literal, a parenthesised
 * expression or a function call (`(subtotal / 100)::numeric(16, 2)`, `sum(x)::int`).
 */
function doubleColonSites(sql: string, code: string): CastSite[] {
  const sites: CastSite[] = [];
  for (const m of code.matchAll(/::/g)) {
    const at = m.index!;
    const head = /^\s*[A-Za-z_][A-Za-z0-9_]*(\s*\()?/.exec(code.slice(at + 2));
    if (!head) continue;
    let typeEnd = at + 2 + head[0].length;
    if (head[1]) {
      let depth = 1;
      for (; typeEnd < code.length && depth > 0; typeEnd++) depth += code[typeEnd] === '(' ? 1 : code[typeEnd] === ')' ? -1 : 0;
      if (depth > 0) continue;
    }
    const target = roundingTarget(sql.slice(at + 2, typeEnd).trim());
    const start = target && operandStart(sql, code, at);
    if (target && start !== undefined) sites.push({ arg: { start, end: at }, target });
  }
  return sites;
}

/** Where the operand ending right before `end` begins (see doubleColonSites), or undefined. */
export function operandStart(sql: string, code: string, end: number): number | undefined {
  let k = end - 1;
  while (k >= 0 && /\s/.test(sql[k]!)) k--;
  if (k < 0) return undefined;
  const name = /[A-Za-z0-9_$.]/;
  if (code[k] === ')') {
    let depth = 0;
    for (; k >= 0; k--) {
      if (code[k] === ')') depth++;
      else if (code[k] === '(' && --depth === 0) break;
    }
    if (k < 0) return undefined;
    let j = k - 1;
    while (j >= 0 && name.test(code[j]!)) j--; // a function's name
    return j + 1;
  }
  const quote = sql[k]!;
  if ((quote === "'" || quote === '"' || quote === '`') && code[k] !== quote) {
    // A literal or quoted name (blanked in `code`): back to its opening quote (a doubled one is inside).
    let j = k - 1;
    while (j >= 0 && !(sql[j] === quote && sql[j - 1] !== quote && sql[j - 1] !== '\\')) j -= sql[j] === quote && sql[j - 1] === quote ? 2 : 1;
    if (j < 0) return undefined;
    while (j > 0 && (code[j - 1] === '.' || name.test(code[j - 1]!))) j--; // t."col"
    return j;
  }
  if (!name.test(code[k]!)) return undefined;
  let j = k;
  while (j >= 0 && name.test(code[j]!)) j--;
  if (code.slice(j + 1, k + 1).toLowerCase() !== 'end') return j + 1;
  // `case … end::T`: back to the CASE this END closes.
  const words = [...code.slice(0, j + 1).matchAll(/\b(case|end)\b/gi)];
  let depth = 1;
  for (let w = words.length - 1; w >= 0; w--) {
    depth += words[w]![1]!.toLowerCase() === 'end' ? 1 : -1;
    if (depth === 0) return words[w]!.index!;
  }
  return undefined;
}

/** The text of a string literal (`'Decimal(10, 2)'`), or undefined when it is not one. */
function literalText(text: string): string | undefined {
  const m = /^\s*'((?:[^'\\]|\\.)*)'\s*$/.exec(text);
  return m ? m[1]! : undefined;
}

/** The kind of a cast target that rounds on dbt's warehouses (Nullable/LowCardinality around it allowed). */
export function roundingTarget(type: string): CastSite['target'] | undefined {
  const inner = /^(?:Nullable|LowCardinality)\s*\((.*)\)$/i.exec(type);
  if (inner) return roundingTarget(inner[1]!.trim());
  const dec = /^(?:decimal|numeric|dec)\s*\(\s*\d+\s*(?:,\s*(\d+)\s*)?\)$/i.exec(type);
  if (dec) return { kind: 'decimal', scale: Number(dec[1] ?? 0) };
  const sized = /^Decimal(?:32|64|128|256)\s*\(\s*(\d+)\s*\)$/.exec(type);
  if (sized) return { kind: 'decimal', scale: Number(sized[1]) };
  if (/^U?Int(?:8|16|32|64|128|256)$/.test(type) || /^(?:int|integer|bigint|smallint|tinyint)$/i.test(type)) return { kind: 'int' };
  return undefined;
}

/** The probe: each site's argument inside a tuple with its marker (the cast's own type unchanged). */
export function castProbeSql(sql: string, sites: readonly CastSite[]): string {
  const markers = markerIndexes(sites.map((s) => sql.slice(s.arg.start, s.arg.end)));
  return applyEdits(
    sql,
    sites.flatMap((s, k) => [
      { at: s.arg.start, length: 0, text: 'tupleElement(tuple(' },
      { at: s.arg.end, length: 0, text: `, toFixedString('', ${CAST_MARKER_BASE + markers[k]!})), 1) ` },
    ]),
  );
}

/** The edits that make each site round, given its argument's ClickHouse type (undefined: unknown). */
export function roundingEdits(sites: readonly CastSite[], argTypes: ReadonlyMap<number, string>): Edit[] {
  const edits: Edit[] = [];
  sites.forEach((site, k) => {
    const type = argTypes.get(k);
    if (!type) return;
    const nullable = isNullableType(type);
    const bare = bareType(type);
    const wrap = (before: string, after: string) => edits.push({ at: site.arg.start, length: 0, text: before }, { at: site.arg.end, length: 0, text: after });
    const float = /^(?:Float32|Float64|BFloat16)$/.test(bare);
    const decimalScale = /^Decimal\(\d+,\s*(\d+)\)$/.exec(bare)?.[1];
    const string = /^(?:String|FixedString\(\d+\))$/.test(bare);
    if (site.target.kind === 'int') {
      if (float || (decimalScale !== undefined && Number(decimalScale) > 0)) wrap('round(', ') ');
      return;
    }
    const s = site.target.scale;
    // Truncated at s + 1 digits, then rounded at s: the digit after s decides, as it does in full.
    const exact = nullable ? `Nullable(Decimal(76, ${s + 1}))` : `Decimal(76, ${s + 1})`;
    if (float) wrap('round(CAST(toString(', `), '${exact}'), ${s}) `);
    else if (string) wrap('round(CAST(', `, '${exact}'), ${s}) `);
    else if (decimalScale !== undefined && Number(decimalScale) > s) wrap('round(', `, ${s}) `);
  });
  return edits;
}

/** `sql` with its rounding casts rewritten (see above), using one EXPLAIN QUERY TREE of a probe for the argument types; `sql` when none needs it or the probe fails. */
export function roundedCastSql(sql: string, explainSync: (statement: string) => string): string {
  const sites = roundingCastSites(sql);
  if (sites.length === 0) return sql;
  let dump: string;
  try {
    dump = explainSync(`EXPLAIN QUERY TREE ${castProbeSql(sql, sites)}`);
  } catch {
    return sql;
  }
  return withRoundingEdits(sql, sites, dump);
}

/** roundedCastSql() for callers that can wait: the EXPLAIN does not block the run's other threads. */
export async function roundedCastSqlAsync(sql: string, explain: (statement: string) => Promise<string>): Promise<string> {
  const sites = roundingCastSites(sql);
  if (sites.length === 0) return sql;
  let dump: string;
  try {
    dump = await explain(`EXPLAIN QUERY TREE ${castProbeSql(sql, sites)}`);
  } catch {
    return sql;
  }
  return withRoundingEdits(sql, sites, dump);
}

/** `sql` with its sites rounding, given the probe's EXPLAIN QUERY TREE dump (the argument types). */
function withRoundingEdits(sql: string, sites: readonly CastSite[], dump: string): string {
  const byMarker = markedTupleTypes(dump, CAST_MARKER_BASE, sites.length);
  const markers = markerIndexes(sites.map((s) => sql.slice(s.arg.start, s.arg.end)));
  const argTypes = new Map<number, string>();
  sites.forEach((_, k) => {
    const type = byMarker.get(markers[k]!)?.[0]?.[0];
    if (type) argTypes.set(k, type);
  });
  const edits = roundingEdits(sites, argTypes);
  return edits.length > 0 ? applyEdits(sql, edits) : sql;
}
