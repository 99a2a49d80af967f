import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits } from '../../shared/text-edits.js';
import { closingParen, selectFrames, type ClauseSpan } from './select-frames.js';

/*
 * A correlated subquery that reads an outer Nullable column: ClickHouse 26.7 decorrelates it into joins
 * keyed on the outer columns it reads, with a plain `=`, so an outer row whose column is NULL matches no
 * group and gets the empty answer: `exists(select 1 from t2 where t2.k = t1.k and t1.x is null)` is 0 for
 * a NULL x, `(select max(coalesce(t1.x, -1)) from t2 where t2.k = t1.k)` NULL, not -1 (ClickHouse issues
 * 90138, 112576; no setting changes it). Every other warehouse evaluates the subquery for that row.
 * Under dbt_semantics each outer `t.col` a subquery reads comes from the enclosing SELECT as a one-tuple,
 * `ARRAY JOIN [tuple(t.col)] AS __tsdbt_outer_N` (one row per row; `*` does not list it), read inside as
 * `tupleElement(__tsdbt_outer_N, 1)`: a Tuple key is never NULL, so the NULL group is found.
 * The types are not known here, so every qualified outer reference is carried (a non-Nullable one gives
 * the same answer). Left as written (ClickHouse's answer): an unqualified outer name, a column two subquery levels out,
 * a subquery in the enclosing SELECT's FROM/ON, and one outside WHERE/PREWHERE (the SELECT list, ORDER BY…) of a SELECT
 * that has WHERE, PREWHERE, QUALIFY, GROUP BY or HAVING: 26.7 then loses the carried column (NOT_IMPLEMENTED "can't find
 * correlated column"), and a grouped SELECT's reference must be a grouping key.
 */
export function withOuterColumnKeys(node: ManifestNode, sql: string): string {
  if (!hasSubqueryExpression(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return outerColumnKeys(sql);
}

/** Whether `sql` may hold a subquery in an expression: a `(select` not after AS, FROM or JOIN (a CTE, a derived table). */
export function hasSubqueryExpression(sql: string): boolean {
  for (const m of sql.matchAll(/\(\s*select\b/gi)) if (!/(?<![\w$])(as|from|join)\s*$/i.test(sql.slice(Math.max(0, m.index! - 12), m.index))) return true;
  return false;
}

const NAME = '[A-Za-z_][A-Za-z0-9_$]*|`(?:[^`\\\\]|\\\\.)*`|"(?:[^"\\\\]|\\\\.)*"';
/** `q.col`, not part of `db.q.col` nor followed by `.sub` or `(`. */
const QUALIFIED = new RegExp(`(?<![\\w$.\`"])(${NAME})\\s*\\.\\s*(${NAME})(?![\\w$])(?!\\s*[.(])`, 'g');
/** Words after a FROM item that are not its alias. */
const NOT_ALIAS = new Set([
  'on', 'using', 'join', 'left', 'right', 'inner', 'outer', 'full', 'cross', 'natural', 'any', 'all', 'semi', 'anti', 'asof', 'global',
  'array', 'paste', 'final', 'sample', 'prewhere', 'where', 'group', 'having', 'order', 'limit', 'offset', 'window', 'qualify',
  'settings', 'format', 'union', 'intersect', 'except', 'into', 'with',
]);

const FILTERS = new Set(['where', 'prewhere', 'qualify', 'group', 'having']);
const unquote = (name: string) => name.replace(/^[`"]|[`"]$/g, '').toLowerCase();

interface Frame {
  readonly start: number;
  readonly end: number;
  readonly clauses: readonly ClauseSpan[];
  readonly from?: ClauseSpan;
  /** Whether it has WHERE, PREWHERE, QUALIFY, GROUP BY or HAVING. */
  readonly filtered: boolean;
  parent?: Frame;
  /** Names its FROM makes visible: aliases, else a relation's last part (read when needed). */
  names?: Set<string>;
}

const inside = (at: number, c: ClauseSpan | undefined) => c !== undefined && c.start <= at && at < c.end;

/** `sql` with each qualified outer column a subquery reads carried into it through an ARRAY JOIN of its enclosing SELECT. */
export function outerColumnKeys(sql: string): string {
  const code = blankNonCode(sql);
  const frames: Frame[] = selectFrames(code).map((f) => {
    const from = f.clauses.find((c) => c.word === 'from');
    const end = Math.max(f.start, ...f.items.map((s) => s.end), ...f.clauses.map((c) => c.end));
    return { start: f.start, end, clauses: f.clauses, from, filtered: f.clauses.some((c) => FILTERS.has(c.word)) };
  });
  // Each frame's parent: the enclosing frame that starts last. By start, with the frames still open on a stack
  // (one that ended before a frame starts encloses neither it nor any later one): linear, not frames x frames.
  const byStart = [...frames].sort((a, b) => a.start - b.start);
  const open: Frame[] = [];
  for (const f of byStart) {
    while (open.length && open.at(-1)!.end < f.start) open.pop();
    for (let k = open.length - 1; k >= 0; k--)
      if (open[k]!.start < f.start && open[k]!.end >= f.end) {
        f.parent = open[k];
        break;
      }
    open.push(f);
  }
  // The spans of subqueries in an expression (not in their SELECT's FROM): only there is an outer column read.
  // The outermost only: one inside another starts after it and ends within the widest span begun before it.
  const outermost = new Set<Frame>();
  let widest = -1;
  for (let k = 0; k < byStart.length; ) {
    const start = byStart[k]!.start;
    const group: Frame[] = [];
    for (; k < byStart.length && byStart[k]!.start === start; k++) if (byStart[k]!.parent && !inside(start, byStart[k]!.parent!.from)) group.push(byStart[k]!);
    const kept = group.filter((f) => f.end > widest);
    for (const f of kept) {
      outermost.add(f);
      widest = Math.max(widest, f.end);
    }
  }
  const spans = frames.filter((f) => outermost.has(f));
  if (spans.length === 0) return sql;
  // Quoted names kept, literals and comments blanked.
  const quoted = blankNonCode(sql, { keepQuoted: true }).replace(/`(?:[^`\\]|\\.)*`|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.|'')*'/g, (q) => (q.startsWith("'") ? ' '.repeat(q.length) : q));
  const names = (f: Frame) => (f.names ??= f.from ? visibleNames(quoted, f.from) : new Set());
  const carried = new Map<Frame, Map<string, { name: string; text: string }>>();
  const edits: { start: number; end: number; text: string }[] = [];
  let n = 0;
  const refs = spans.flatMap((span) => [...quoted.slice(span.start, span.end).matchAll(QUALIFIED)].map((m) => ({ at: span.start + m.index!, m })));
  for (const { at, m } of refs) {
    const q = unquote(m[1]!);
    const own = innermost(byStart, at);
    if (!own || names(own).has(q) || inside(at, own.from)) continue;
    let owner: Frame | undefined;
    let child = own;
    for (let p = child.parent; p; child = p, p = p.parent) {
      // A derived table of p does not see p's names, p's enclosing SELECT's it does. One subquery level only:
      // ClickHouse 26.7 cannot read a column two levels out (NOT_FOUND_COLUMN_IN_BLOCK) either way.
      if (inside(child.start, p.from)) continue;
      if (names(p).has(q)) owner = p;
      break;
    }
    if (!owner) continue;
    // Outside WHERE/PREWHERE only in a SELECT that neither filters nor groups: 26.7 loses the carried column after a
    // filter (NOT_IMPLEMENTED "can't find correlated column"), and a grouped SELECT's reference must be a grouping key.
    if (!owner.clauses.some((c) => (c.word === 'where' || c.word === 'prewhere') && inside(child.start, c)) && owner.filtered) continue;
    const text = sql.slice(at, at + m[0].length);
    const key = `${q}.${unquote(m[2]!)}`;
    const columns = carried.get(owner) ?? new Map<string, { name: string; text: string }>();
    carried.set(owner, columns);
    const column = columns.get(key) ?? { name: `__tsdbt_outer_${++n}`, text };
    columns.set(key, column);
    edits.push({ start: at, end: at + m[0].length, text: `tupleElement(${column.name}, 1)` });
  }
  for (const [owner, columns] of carried) {
    const list = [...columns.values()].map((c) => `[tuple(${c.text})] AS ${c.name}`).join(', ');
    edits.push({ start: owner.from!.end, end: owner.from!.end, text: ` ARRAY JOIN ${list} ` });
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.start, length: e.end - e.start, text: e.text })));
}

/** The frame that holds `at` and starts last (frames by start; each holds its parent's span). */
function innermost(byStart: readonly Frame[], at: number): Frame | undefined {
  let [lo, hi] = [0, byStart.length]; // the last frame starting at or before `at`: byStart[lo - 1]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byStart[mid]!.start <= at) lo = mid + 1;
    else hi = mid;
  }
  for (let f: Frame | undefined = byStart[lo - 1]; f; f = f.parent) if (at < f.end) return f;
  return undefined;
}

/** The names a FROM clause makes visible at its own level: each item's alias, else its relation's last part. */
function visibleNames(code: string, from: ClauseSpan): Set<string> {
  const tokens = [...code.slice(from.start, from.end).matchAll(new RegExp(`${NAME}|[(),.]`, 'g'))].map((m) => ({ text: m[0], at: from.start + m.index! }));
  const names = new Set<string>();
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.text;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    if (depth !== 0 || !(/^(from|join)$/i.test(t) || t === ',')) continue;
    let j = i + 1;
    let last: string | undefined;
    if (tokens[j]?.text === '(') {
      const close = closingParen(code, tokens[j]!.at);
      while (j < tokens.length && tokens[j]!.at < close) j++;
    } else {
      if (!tokens[j] || !/^[A-Za-z_`"]/.test(tokens[j]!.text)) continue;
      last = tokens[j]!.text;
      while (tokens[j + 1]?.text === '.' && tokens[j + 2]) {
        j += 2;
        last = tokens[j]!.text;
      }
      if (tokens[j + 1]?.text === '(') {
        // a table function: its alias follows its arguments
        last = undefined;
        const close = closingParen(code, tokens[j + 1]!.at);
        while (j + 1 < tokens.length && tokens[j + 1]!.at < close) j++;
        j++;
      }
    }
    let next = tokens[j + 1]?.text;
    if (next && /^as$/i.test(next)) next = tokens[j + 2]?.text;
    const alias = next && /^[A-Za-z_`"]/.test(next) && !NOT_ALIAS.has(next.toLowerCase()) ? next : undefined;
    const name = alias ?? last;
    if (name) names.add(unquote(name));
    i = j;
  }
  return names;
}
