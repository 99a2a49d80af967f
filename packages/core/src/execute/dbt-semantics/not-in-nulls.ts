import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { hasOrNullCombinator } from './empty-aggregates.js';

/*
 * `x NOT IN (subquery)` with a NULL among the subquery's values is never true in SQL: `2 NOT IN (1,
 * NULL)` is unknown (2 might be the NULL), so Postgres, Snowflake, BigQuery and Redshift return no
 * row for `where id not in (select customer_id from orders)` when one order has no customer — the
 * answer dbt's projects and tests are written against. ClickHouse skips the NULL and answers true
 * (and gives NULL, not true, for a NULL `x` against an empty subquery). Under `dbt_semantics` each
 * `x NOT IN (SELECT …)` runs as
 *   if(S = 2, 1, (x NOT IN (SELECT …)) AND S)
 * where S is one scalar subquery over the same SELECT: 2 when it has no rows (then anything, NULL
 * included, is not in it), NULL when one of its values is NULL, else 1 — ClickHouse evaluates the
 * repeated scalar subquery once. A literal list holding a NULL (`x NOT IN (1, NULL)`) gets `AND NULL`.
 * Left alone: a tuple on the left (`(a, b) NOT IN …`, row comparisons), `GLOBAL NOT IN`, `NOT IN
 * table`, ClickHouse's `notIn(x, (…))` asked for by name and a node that sets `transform_null_in`
 * itself. `NOT x IN (…)` is the same test and is rewritten the same way. The subquery is read twice (the IN's set and S).
 */
export function withNullAwareNotIn(node: ManifestNode, sql: string, adapter: object): string {
  // The 18.16 line's AND is not three-valued (0 AND NULL is NULL there): only on servers of the -OrNull era.
  if (!/\bnot\s/i.test(sql) || !/\bin\s*\(/i.test(sql) || !hasOrNullCombinator(adapter)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  const own = node.config.query_settings;
  if (own && typeof own === 'object' && 'transform_null_in' in own) return sql;
  return nullAwareNotIn(sql);
}

interface Site {
  /** Where the rewritten text starts (the operand, or a `NOT` before it), where the operand starts, where `NOT IN` (or `IN`) is, the list's `(` and its `)`. */
  readonly start: number;
  readonly left: number;
  readonly not: number;
  /** `NOT x IN (…)`: the same test, written with a prefix NOT. */
  readonly prefix: boolean;
  readonly open: number;
  readonly close: number;
  readonly kind: 'query' | 'nulls';
}

/** `NOT IN (`, or (group 1) an `IN (` that may follow `NOT x`. */
const SITE = /\bnot\s+in\s*\(|(?<!\bnot\s+)\b(in)\s*\(/gi;

/** `sql` with its NOT IN sites three-valued (see above); nested ones too. */
export function nullAwareNotIn(sql: string): string {
  const code = blankNonCode(sql);
  if (!/\bnot\s/i.test(code) || !/\bin\s*\(/i.test(code)) return sql;
  const kept = blankNonCode(sql, { keepQuoted: true });
  const quotes = quotedSpans(kept);
  const sites: Site[] = [];
  for (const m of code.matchAll(SITE)) {
    const not = m.index!;
    const before = code.slice(Math.max(0, not - 16), not);
    if (/\bglobal\s*$/i.test(before)) continue;
    const open = not + m[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    const left = operandStart(code, kept, quotes, not);
    // `NOT x IN (…)` (the word before the operand a prefix NOT): the same test as `x NOT IN (…)`.
    const prefixNot = m[1] === undefined || left === undefined ? undefined : /(?:^|[^A-Za-z0-9_$.])(not)\s+$/i.exec(code.slice(Math.max(0, left - 16), left));
    if (m[1] !== undefined && !prefixNot) continue;
    if (left === undefined || isTuple(code.slice(left, not))) continue;
    const list = code.slice(open + 1, close);
    const kind = /^\s*(?:\(\s*)*(?:select|with)\b/i.test(list) ? 'query' : hasNullItem(list) ? 'nulls' : undefined;
    const start = prefixNot ? left - prefixNot[0].length + prefixNot[0].toLowerCase().lastIndexOf('not') : left;
    if (kind) sites.push({ start, left, not, open, close, kind, prefix: prefixNot !== undefined });
  }
  // The outermost sites; those inside one (in its operand or its subquery) are rewritten with it.
  const top = sites.filter((s) => !sites.some((o) => o !== s && o.start <= s.start && s.close <= o.close));
  let out = sql;
  for (const s of top.sort((a, b) => b.start - a.start)) {
    const operand = nullAwareNotIn(sql.slice(s.left, s.not));
    const list = nullAwareNotIn(sql.slice(s.open + 1, s.close));
    const test = `(${operand}${s.prefix ? 'NOT ' : ''}${sql.slice(s.not, s.open + 1)}${list}))`;
    const text =
      s.kind === 'nulls'
        ? `(${test} AND NULL)`
        : (() => {
            const S = `(SELECT if(count() = 0, 2, if(countIf(isNull(tupleElement(tuple(*), 1))) > 0, NULL, 1)) FROM (${list}))`;
            return `if(${S} = 2, 1, ${test} AND ${S})`;
          })();
    out = out.slice(0, s.start) + text + out.slice(s.close + 1);
  }
  return out;
}

/** Index of the `)` closing the `(` at `open` in blanked code, or -1. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Each quoted literal or name of `kept` (comments blanked, quotes kept): its end (exclusive) → its start. */
function quotedSpans(kept: string): Map<number, number> {
  const spans = new Map<number, number>();
  for (let i = 0; i < kept.length; i++) {
    const c = kept[i];
    if (c !== "'" && c !== '"' && c !== '`') continue;
    let j = i + 1;
    while (j < kept.length) {
      if (kept[j] === '\\') j += 2;
      else if (kept[j] === c && kept[j + 1] === c) j += 2;
      else if (kept[j] === c) break;
      else j++;
    }
    spans.set(j + 1, i);
    i = j;
  }
  return spans;
}

/** Words that end an operand when met going back from `NOT IN` (the operand is then invalid). */
const KEYWORDS = new Set(['and', 'or', 'not', 'where', 'when', 'then', 'else', 'on', 'having', 'select', 'case', 'by', 'in', 'is', 'like', 'ilike', 'between', 'distinct', 'as', 'from', 'qualify', 'if', 'exists', 'all', 'any']);

/**
 * Where the operand of the `NOT IN` at `end` begins: operands joined by operators that bind tighter
 * than IN (`a + b`, `x || y`, `x::int`), each a name (`t.col`, `"t"."c"`), number, literal, call,
 * parenthesised expression, subscript or CASE … END; undefined when it is none of those.
 */
function operandStart(code: string, kept: string, quotes: ReadonlyMap<number, number>, end: number): number | undefined {
  let k = end;
  for (;;) {
    while (k > 0 && /\s/.test(kept[k - 1]!)) k--;
    const start = atomStart(code, quotes, k);
    if (start === undefined) return undefined;
    let j = start;
    while (j > 0 && /\s/.test(kept[j - 1]!)) j--;
    const two = code.slice(j - 2, j);
    const op = two === '||' || two === '::' ? 2 : j > 0 && '+-*/%'.includes(code[j - 1]!) ? 1 : 0;
    if (op === 0) return startsAtBoundary(code, j) ? start : undefined;
    // A unary sign: the operand starts at it when no operand precedes it.
    let p = j - op;
    while (p > 0 && /\s/.test(kept[p - 1]!)) p--;
    const before = op === 1 ? atomStart(code, quotes, p) : 0;
    if (before === undefined) return j - op;
    k = j - op;
  }
}

/**
 * Whether an operand may begin right after `j` (blanked code, spaces skipped): at the start, after
 * `(`, `,`, a comparison, or a keyword. Anything else (`interval 1 day`, `interval '1 day'`, a
 * name right before the atom) is SQL this reading does not understand: the site is left alone.
 */
function startsAtBoundary(code: string, j: number): boolean {
  if (j === 0 || '(,=<>!'.includes(code[j - 1]!)) return true;
  if (!/[A-Za-z0-9_$]/.test(code[j - 1]!)) return false;
  let p = j;
  while (p > 0 && /[A-Za-z0-9_$]/.test(code[p - 1]!)) p--;
  return KEYWORDS.has(code.slice(p, j).toLowerCase());
}

/** Where the atom ending right before `k` begins (see operandStart), or undefined. */
function atomStart(code: string, quotes: ReadonlyMap<number, number>, k: number): number | undefined {
  let i = k;
  let any = false;
  for (;;) {
    const c = code[i - 1];
    const quoted = quotes.get(i);
    if (quoted !== undefined) i = quoted;
    else if (c === ')' || c === ']') {
      const open = c === ')' ? '(' : '[';
      let depth = 0;
      let p = i - 1;
      for (; p >= 0; p--) {
        if (code[p] === c) depth++;
        else if (code[p] === open && --depth === 0) break;
      }
      if (p < 0) return undefined;
      i = p;
      // A call's or subscript's name goes with it.
      while (i > 0 && /[A-Za-z0-9_$]/.test(code[i - 1]!)) i--;
    } else if (c !== undefined && /[A-Za-z0-9_$]/.test(c)) {
      let p = i;
      while (p > 0 && /[A-Za-z0-9_$]/.test(code[p - 1]!)) p--;
      const word = code.slice(p, i).toLowerCase();
      if (word === 'end') return caseStart(code, p);
      if (KEYWORDS.has(word)) return undefined;
      i = p;
    } else return any ? i : undefined;
    any = true;
    // `t.col`, `t."col"`, `1.5`: the part before a dot goes with it.
    if (code[i - 1] !== '.') return i;
    i--;
  }
}

/** The CASE that the END at `end` closes. */
function caseStart(code: string, end: number): number | undefined {
  const words = [...code.slice(0, end).matchAll(/\b(case|end)\b/gi)];
  let depth = 1;
  for (let w = words.length - 1; w >= 0; w--) {
    depth += words[w]![1]!.toLowerCase() === 'end' ? 1 : -1;
    if (depth === 0) return words[w]!.index!;
  }
  return undefined;
}

/** Whether an operand is a row `(a, b)`. */
function isTuple(operand: string): boolean {
  const t = operand.trim();
  if (!t.startsWith('(') || closingParen(t, 0) !== t.length - 1) return /^tuple\s*\(/i.test(t);
  let depth = 0;
  for (const c of t.slice(1, -1)) {
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

/** Whether a literal list has a NULL item: `1, NULL`. */
function hasNullItem(list: string): boolean {
  let depth = 0;
  let from = 0;
  const items: string[] = [];
  for (let i = 0; i <= list.length; i++) {
    const c = list[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || c === undefined) {
      items.push(list.slice(from, i).trim());
      from = i + 1;
    }
  }
  return items.some((item) => /^null$/i.test(item));
}
