import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits } from '../../shared/text-edits.js';
import { ALIASED } from './item-names.js';
import { closingParen, selectFrames, splitTopLevel, type ClauseSpan, type Span } from './select-frames.js';

/*
 * A correlated subquery that reads an outer Nullable column: ClickHouse 26.7 decorrelates it into joins
 * keyed on the outer columns it reads, with a plain `=`, so an outer row whose column is NULL matches no
 * group and gets the empty answer: `exists(select 1 from t2 where t2.k = t1.k and t1.x is null)` is 0 for
 * a NULL x, `(select max(coalesce(t1.x, -1)) from t2 where t2.k = t1.k)` NULL, not -1 (ClickHouse issues
 * 90138, 112576; no setting changes it). Every other warehouse evaluates the subquery for that row.
 * Under dbt_semantics each outer `t.col` a subquery reads comes from the enclosing SELECT in a tuple,
 * `ARRAY JOIN [tuple(t.col, generateUUIDv4())] AS __tsdbt_outer_N` (one row per row; `*` does not list it), read inside as
 * `tupleElement(__tsdbt_outer_N, 1)`: a Tuple key is never NULL, so the NULL group is found. The tuple also holds a
 * UUID, one per row: 26.7 aggregates the subquery per key over the outer rows as they come, not their distinct keys, so
 * outer rows sharing a key multiplied its aggregates (`(select count() from t2 where t2.k >= t1.g)` 6 instead of 3 for two
 * rows with g = 3 — a plain `t2.k = t1.g` was right, the same compare on a tuple's element not). The rows are read once,
 * into the buffer both sides share (correlated_subqueries_use_in_memory_buffer, default 1: with 0 ClickHouse reads the
 * rows again and the keys no longer match — NULL for every row, as for any non-deterministic key).
 * The types are not known here, so every qualified outer reference is carried (a non-Nullable one gives
 * the same answer). A subquery in the SELECT list of a SELECT with WHERE, PREWHERE, QUALIFY or HAVING: 26.7 drops the
 * carried column at the filter (NOT_IMPLEMENTED "can't find correlated column"; as written, with the column also
 * selected, it answers ClickHouse's way silently), so the item names it too — `tupleElement((__tsdbt_outer_1, <item>),
 * -1)`, its value. In a grouped SELECT only a grouping key is read there: carried when the GROUP BY is a plain list
 * naming it, the carried column added to it (the same groups). A subquery in QUALIFY or HAVING is carried the same way
 * (a grouping key in a grouped SELECT, else a column per row); nothing to pin there: the filter itself reads it. Left as
 * written (ClickHouse's answer): an unqualified outer name, a column two subquery levels out, a subquery in the enclosing
 * SELECT's FROM/ON, one in ORDER BY of a filtered SELECT (26.7 refuses it: NOT_IMPLEMENTED), a grouping key of GROUP BY
 * ALL / ROLLUP / CUBE / GROUPING SETS.
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
  readonly items: readonly Span[];
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
    return { start: f.start, end, items: f.items, clauses: f.clauses, from, filtered: f.clauses.some((c) => FILTERS.has(c.word)) };
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
  // item: the SELECT item of a filtered SELECT the subquery is in (its carried columns pinned there); null: left as written.
  const found: { at: number; length: number; owner: Frame; key: string; text: string; item?: Span | null; afterGrouping: boolean }[] = [];
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
    const inFilter = owner.clauses.some((c) => (c.word === 'where' || c.word === 'prewhere') && inside(child.start, c));
    // QUALIFY / HAVING: the subquery is the filter itself, which reads the carried column (nothing to pin).
    const afterGrouping = owner.clauses.some((c) => (c.word === 'qualify' || c.word === 'having') && inside(child.start, c));
    const item = inFilter || afterGrouping || !owner.filtered ? undefined : (owner.items.find((i) => i.start <= child.start && child.start < i.end) ?? null);
    found.push({ at, length: m[0].length, owner, key: `${q}.${unquote(m[2]!)}`, text: sql.slice(at, at + m[0].length), item, afterGrouping });
  }
  // Outside WHERE/PREWHERE of a filtered SELECT: carried only from a SELECT item, QUALIFY or HAVING (not ORDER BY, where
  // 26.7 refuses a correlated subquery: NOT_IMPLEMENTED), and in a grouped SELECT only a grouping key (a plain GROUP BY
  // list, the carried column added to it: the same groups).
  // A grouping key's carried column is one per group (no UUID: the groups are distinct already), apart from the same
  // column a WHERE subquery of that SELECT reads (one per row).
  const carried = new Map<Frame, Map<string, { name: string; text: string; perGroup: boolean }>>();
  const pins = new Map<Frame, Map<Span, Set<string>>>();
  const grouping = new Map<Frame, GroupKeys | undefined>();
  const edits: { start: number; end: number; text: string }[] = [];
  let n = 0;
  for (const { at, length, owner, key, text, item, afterGrouping } of found) {
    if (item === null) continue;
    const perGroup = (item !== undefined || afterGrouping) && owner.clauses.some((c) => c.word === 'group');
    if (perGroup) {
      if (!grouping.has(owner)) grouping.set(owner, groupKeys(quoted, owner));
      if (!grouping.get(owner)?.keys.has(key)) continue;
    }
    const columns = carried.get(owner) ?? new Map<string, { name: string; text: string; perGroup: boolean }>();
    carried.set(owner, columns);
    const column = columns.get(`${perGroup}:${key}`) ?? { name: `__tsdbt_outer_${++n}`, text, perGroup };
    columns.set(`${perGroup}:${key}`, column);
    edits.push({ start: at, end: at + length, text: `tupleElement(${column.name}, 1)` });
    if (item) {
      const byItem = pins.get(owner) ?? new Map<Span, Set<string>>();
      pins.set(owner, byItem);
      byItem.set(item, (byItem.get(item) ?? new Set()).add(column.name));
    }
  }
  for (const [owner, columns] of carried) {
    const list = [...columns.values()].map((c) => `[tuple(${c.text}${c.perGroup ? '' : ', generateUUIDv4()'})] AS ${c.name}`).join(', ');
    edits.push({ start: owner.from!.end, end: owner.from!.end, text: ` ARRAY JOIN ${list} ` });
    const keys = grouping.get(owner);
    const grouped = new Set([...columns.values()].filter((c) => c.perGroup).map((c) => c.name));
    if (keys && grouped.size > 0) edits.push({ start: keys.end, end: keys.end, text: `, ${[...grouped].join(', ')}` });
    // 26.7 drops a column no later step names at a filter (WHERE, QUALIFY, HAVING) and then cannot find the one a
    // subquery of the SELECT list reads (NOT_IMPLEMENTED "can't find correlated column"): the item names it too,
    // `tupleElement((__tsdbt_outer_1, <item>), -1)` (its value, its alias kept).
    for (const [item, names] of pins.get(owner) ?? []) {
      const expr = itemExpression(quoted, item);
      edits.push({ start: expr.start, end: expr.start, text: `tupleElement((${[...names].join(', ')}, ` });
      edits.push({ start: expr.end, end: expr.end, text: '), -1)' });
    }
  }
  return applyEdits(sql, edits.map((e) => ({ at: e.start, length: e.end - e.start, text: e.text })));
}

interface GroupKeys {
  /** The keys as `q.col`, unquoted and lowercased. */
  readonly keys: ReadonlySet<string>;
  /** Where a key is appended: after the list, before WITH TOTALS. */
  readonly end: number;
}

/** The qualified column keys of a plain GROUP BY list; undefined for GROUP BY ALL, ROLLUP, CUBE, GROUPING SETS (a key added changes the groups). */
function groupKeys(quoted: string, owner: Frame): GroupKeys | undefined {
  const group = owner.clauses.find((c) => c.word === 'group')!;
  const text = quoted.slice(group.start, group.end);
  const by = /^group\s+by\s/i.exec(text);
  if (!by || /\b(?:rollup|cube|grouping\s+sets)\b|^\s*all\s*$/i.test(text.slice(by[0].length).replace(/\bwith\s+totals\b/i, ''))) return undefined;
  const totals = /\bwith\s+totals\b/i.exec(text);
  const listEnd = group.start + (totals ? totals.index : text.trimEnd().length);
  const keys = new Set<string>();
  for (const part of splitTopLevel(quoted, group.start + by[0].length, listEnd)) {
    const m = new RegExp(`^\\s*(${NAME})\\s*\\.\\s*(${NAME})\\s*$`).exec(quoted.slice(part.start, part.end));
    if (m) keys.add(`${unquote(m[1]!)}.${unquote(m[2]!)}`);
  }
  const list = quoted.slice(group.start, listEnd);
  return { keys, end: group.start + list.trimEnd().length };
}

/** A SELECT item's expression: without a leading DISTINCT [ON (…)] / ALL, nor its alias, trimmed. */
function itemExpression(quoted: string, item: Span): Span {
  const text = quoted.slice(item.start, item.end);
  let start = item.start + (text.length - text.trimStart().length);
  const lead = /^(?:distinct(?:\s+on\s*\((?:[^()]|\([^()]*\))*\))?|all)\s+/i.exec(quoted.slice(start, item.end));
  if (lead) start += lead[0].length;
  const body = quoted.slice(start, item.end).trimEnd();
  const alias = ALIASED.exec(body);
  // ALIASED takes a `)` before the alias as part of its match
  const end = alias ? start + alias.index + (alias[0].startsWith(')') ? 1 : 0) : start + body.length;
  return { start, end: start + quoted.slice(start, end).trimEnd().length };
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
