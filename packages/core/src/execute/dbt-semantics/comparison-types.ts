import { blankNonCode } from '../../shared/sql-statements.js';
import { bareType, isNullableType, markedTupleTypes } from './common-type-sites.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import type { Span } from './select-frames.js';

/*
 * dbt's common types for comparisons. ClickHouse compares a date with a string only when the string
 * is a constant: `where d = text_col` with a Date or DateTime column and a String one is refused
 * (code 386 "There is no supertype", or 43 "No operation equals between DateTime64(3) and String").
 * And it hashes a JOIN's ON equalities, which need one type for both keys: `on spine.date_day =
 * expected.day` (a DateTime and a text date, dbt-tests-adapter's BaseDateSpine), `on a.id = b.n`
 * (an Int64 id and a UInt64 row_number()/count()), an Int64 against a Float64 are refused while the
 * query is planned ("JOIN cannot infer common type in ON section", 386). Every other warehouse dbt
 * runs on compares them (the text read as the date; a bigint next to a numeric or double). Under
 * dbt_semantics a node refused so runs again with the two sides of such a comparison cast to dbt's
 * supertype (common-types.ts runWithCommonTypes, dbtSupertype): a join key's for any types, another
 * comparison's only for a date and a string (ClickHouse compares the others as SQL does). The types
 * come from one EXPLAIN QUERY TREE of a probe marking each side. A view is planned only when read,
 * so a view whose SQL joins on an equality is planned (EXPLAIN PLAN) before it is created
 * (common-types.ts preflight).
 */

const DATE = /^(?:Date|Date32|DateTime|DateTime64)\b/;

/** One comparison: the text ranges of its two operands; `joinKey` when it is an equality of a JOIN's ON. */
export interface ComparisonSite {
  readonly left: Span;
  readonly right: Span;
  readonly joinKey: boolean;
}

/** The probe's markers: side k of site p is marked `FixedString(COMPARISON_MARKER_BASE + 2p + k)`. */
export const COMPARISON_MARKER_BASE = 4001;

const IDENT = '`(?:[^`\\\\]|\\\\.)+`|"(?:[^"\\\\]|\\\\.)+"|[A-Za-z_][A-Za-z0-9_$]*';
const LITERAL = "'(?:[^'\\\\]|\\\\.|'')*'";
const TOKEN = new RegExp(`${LITERAL}|${IDENT}|[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?|->|<=>|>=|<=|!=|<>|==|[=<>(),;]`, 'g');
const COMPARISON = new Set(['=', '==', '!=', '<>', '<', '>', '<=', '>=']);
/** Words an operand does not run across. */
const BOUNDARY = new Set([
  'and', 'or', 'not', 'case', 'when', 'then', 'else', 'end', 'select', 'from', 'where', 'prewhere', 'having', 'qualify', 'on', 'using',
  'join', 'is', 'between', 'like', 'ilike', 'in', 'as', 'by', 'group', 'order', 'limit', 'union', 'except', 'intersect', 'with', 'settings',
  'format', 'distinct', 'all', 'any', 'exists', 'over', 'partition', 'window', 'filter', 'asc', 'desc', 'nulls', 'respect', 'ignore',
]);
/** Boundary words that are also function names: `any(x) = 1`, `left(code, 2) = 'AB'`. */
const CALLABLE = new Set(['any', 'all', 'ignore', 'left', 'right', 'array', 'format', 'global']);
/** Words of a join's kind, which end an ON before them (`… on a.x = b.x left join c …`). */
const KIND = new Set(['left', 'right', 'full', 'outer', 'inner', 'cross', 'semi', 'anti', 'asof', 'global', 'array', 'paste', 'natural']);

interface Token {
  readonly text: string;
  readonly lower: string;
  readonly at: number;
  readonly end: number;
  readonly depth: number;
}

/** Whether `sql` may compare (a cheap test before comparisonSites). */
const mayCompare = (sql: string): boolean => /[=<>]/.test(sql);

/** Whether `sql` joins on an equality (a view with one is planned before it is created). */
export const joinsOnEquality = (sql: string): boolean => /\bjoin\b/i.test(sql) && /\bon\b/i.test(sql) && comparisonSites(sql).some((s) => s.joinKey);

/** The binary comparisons of `sql` whose operands are found (up to a word, comma or parenthesis that ends them), in text order. */
export function comparisonSites(sql: string): ComparisonSite[] {
  if (!mayCompare(sql)) return [];
  const code = blankNonCode(sql, { keepQuoted: true });
  const tokens = tokensOf(code);
  const on = onRanges(code, tokens);
  const out: ComparisonSite[] = [];
  // Nothing after a top-level SETTINGS or FORMAT is SQL to compare in.
  const call = (k: number) => CALLABLE.has(tokens[k]!.lower) && tokens[k + 1]?.lower === '(';
  // (`SETTINGS name = value`: a column named settings is no such clause.)
  const clauseAt = (k: number) => /^[A-Za-z_]/.test(tokens[k + 1]?.text ?? '') && tokens[k + 2]?.lower === '=';
  const stop = tokens.findIndex((t, k) => t.depth === 0 && ((t.lower === 'settings' && clauseAt(k)) || t.lower === ';' || (t.lower === 'format' && !call(k) && /^[A-Za-z_]/.test(tokens[k + 1]?.text ?? '') && tokens[k + 2] === undefined)));
  const n = stop < 0 ? tokens.length : stop;
  const isBoundary = (k: number, depth: number) => {
    const t = tokens[k]!;
    if (t.depth < depth) return true;
    if (t.depth > depth || call(k)) return false;
    return t.lower === ',' || t.lower === '->' || t.lower === '<=>' || COMPARISON.has(t.lower) || BOUNDARY.has(t.lower) || KIND.has(t.lower);
  };
  for (let i = 0; i < n; i++) {
    const op = tokens[i]!;
    if (!COMPARISON.has(op.lower)) continue;
    let a = i;
    while (a > 0 && !isBoundary(a - 1, op.depth)) a--;
    let b = i;
    while (b + 1 < n && !isBoundary(b + 1, op.depth)) b++;
    if (a === i || b === i) continue;
    // An operand ends on its own level: not in the middle of a call's parentheses.
    if (tokens[a]!.depth !== op.depth || tokens[b]!.depth !== op.depth) continue;
    const joinKey = (op.lower === '=' || op.lower === '==') && on.some((r) => r.depth === op.depth && op.at > r.start && op.at < r.end);
    out.push({ left: { start: tokens[a]!.at, end: tokens[i - 1]!.end }, right: { start: tokens[i + 1]!.at, end: tokens[b]!.end }, joinKey });
  }
  return out;
}

function tokensOf(code: string): Token[] {
  const out: Token[] = [];
  let depth = 0;
  for (const m of code.matchAll(TOKEN)) {
    const text = m[0];
    if (text === ')') depth--;
    out.push({ text, lower: text.toLowerCase(), at: m.index!, end: m.index! + text.length, depth });
    if (text === '(') depth++;
  }
  return out;
}

/** The text ranges of every JOIN's ON condition, with the depth of its own level (inside a parenthesised condition: one more). */
function onRanges(code: string, tokens: readonly Token[]): { start: number; end: number; depth: number }[] {
  if (!/\bjoin\b/i.test(code)) return [];
  const out: { start: number; end: number; depth: number }[] = [];
  const isKind = (i: number) => KIND.has(tokens[i]!.lower) && tokens[i + 1]?.lower !== '(';
  tokens.forEach((t, i) => {
    if (t.lower !== 'on') return;
    let next = i + 1;
    const ends = (k: number) => {
      const u = tokens[k]!;
      return u.depth < t.depth || (u.depth === t.depth && (u.lower === 'join' || isKind(k) || (BOUNDARY.has(u.lower) && !['and', 'or', 'not', 'is', 'between', 'like', 'ilike', 'in', 'case', 'when', 'then', 'else', 'end'].includes(u.lower))));
    };
    while (next < tokens.length && !ends(next)) next++;
    const end = next < tokens.length ? tokens[next]!.at : code.length;
    // `on (a.x = b.x and …)`: the equalities are one level down.
    const open = tokens[i + 1];
    const shut = next - 1 > i + 1 ? tokens[next - 1] : undefined;
    const wrapped = open?.lower === '(' && shut?.lower === ')' && tokens.slice(i + 2, next - 1).every((u) => u.depth > t.depth);
    out.push({ start: t.end, end, depth: t.depth });
    if (wrapped) out.push({ start: open.end, end: shut.at, depth: t.depth + 1 });
  });
  return out;
}

/** `sql` with each operand of each site in its probe form `tupleElement(tuple(<operand>, <marker>), 1)` (same value, its type in the query tree). */
export function comparisonProbe(sql: string, sites: readonly ComparisonSite[]): string {
  const edits: Edit[] = [];
  sites.forEach((p, k) => {
    for (const [side, span] of [p.left, p.right].entries()) {
      edits.push({ at: span.start, length: 0, text: 'tupleElement(tuple(' }, { at: span.end, length: 0, text: `, toFixedString('', ${COMPARISON_MARKER_BASE + 2 * k + side})), 1)` });
    }
  });
  return applyEdits(sql, edits);
}

/**
 * The casts making each site's operands one type where `supertype` (dbt's) gives one — for a join
 * key any, for another comparison a date type (ClickHouse refuses only a date next to a non-constant
 * string there): an operand whose type is not already it becomes `CAST(<operand>, '<type>')`
 * (Nullable where the operand is). `dump`: the probe's EXPLAIN QUERY TREE.
 */
export function comparisonCastEdits(sites: readonly ComparisonSite[], dump: string, supertype: (types: readonly string[]) => string | undefined): Edit[] {
  const types = markedTupleTypes(dump, COMPARISON_MARKER_BASE, 2 * sites.length);
  const edits: Edit[] = [];
  const taken = new Set<number>();
  sites.forEach((p, k) => {
    const sides = [0, 1].map((s) => (types.get(2 * k + s) ?? []).map((t) => t[0]).filter((t): t is string => t !== undefined));
    if (sides.some((s) => s.length === 0)) return;
    const bare = sides.flat().map(bareType).filter((t) => t !== 'Nothing');
    const target = supertype([...new Set(bare)]);
    if (!target || (!p.joinKey && !DATE.test(target))) return;
    // Two sites' edits at one offset would nest in no defined order: the first one only.
    if ([p.left.start, p.left.end, p.right.start, p.right.end].some((at) => taken.has(at))) return;
    for (const at of [p.left.start, p.left.end, p.right.start, p.right.end]) taken.add(at);
    [p.left, p.right].forEach((span, s) => {
      if (sides[s]!.every((t) => bareType(t) === target)) return;
      const type = sides[s]!.some(isNullableType) ? `Nullable(${target})` : target;
      edits.push({ at: span.start, length: 0, text: 'CAST(' }, { at: span.end, length: 0, text: `, '${type}')` });
    });
  });
  return edits;
}
