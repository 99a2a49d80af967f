import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import { selectFrames, type ClauseSpan } from './select-frames.js';

/*
 * A subquery in an inner join's ON: `inner join orders as o on c.customer_id = o.customer_id and
 * o.ordered_at = (select min(o2.ordered_at) from orders as o2 where o2.customer_id = c.customer_id)`
 * (each customer's first order; DataRecce's jaffle-shop-expand) runs on every warehouse dbt runs on.
 * ClickHouse refuses a correlated subquery in a join expression (NOT_IMPLEMENTED, 26.7) but runs it in
 * WHERE. For an INNER join, a condition of its ON is the same filter in the WHERE of its SELECT, as long
 * as no RIGHT or FULL join after it can bring back rows it removed (a LEFT join keeps each row it gets,
 * with the same values for the tables before it). Under dbt_semantics such an ON's AND-ed conditions
 * that read a subquery move to the WHERE; the others stay. Left as written: an OR at the ON's top level,
 * an outer or ANY/SEMI/ANTI/ASOF join (the filter is not the same there), an ON made only of such
 * conditions, a SELECT with PREWHERE.
 */

export function withJoinOnSubqueriesInWhere(node: ManifestNode, sql: string): string {
  if (!/\bjoin\b/i.test(sql) || !/\bon\b[\s\S]*\(\s*select\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return joinOnSubqueriesToWhere(sql);
}

interface Token {
  readonly lower: string;
  readonly at: number;
  readonly end: number;
  readonly depth: number;
}

/** Kind words an inner join may have: the filter moves only out of these. */
const INNER = new Set(['inner', 'all', 'global']);
const KIND = new Set(['left', 'right', 'full', 'outer', 'inner', 'cross', 'any', 'all', 'semi', 'anti', 'asof', 'global', 'array', 'paste', 'natural']);

/** `sql` with the subquery conditions of inner joins' ONs moved to their SELECT's WHERE (see above). */
export function joinOnSubqueriesToWhere(sql: string): string {
  const code = blankNonCode(sql);
  // Comments blanked, literals kept: where a condition starts and ends.
  const kept = blankNonCode(sql, { keepQuoted: true });
  const perFrame: { edits: Edit[]; removed: Span[] }[] = [];
  for (const frame of selectFrames(code)) {
    const from = frame.clauses.find((c) => c.word === 'from');
    if (!from || !frame.joins || frame.clauses.some((c) => c.word === 'prewhere')) continue;
    const moves = movedConditions(code, kept, from);
    if (moves.length === 0) continue;
    const edits: Edit[] = moves.map((m) => ({ at: m.on.start, length: m.on.end - m.on.start, text: m.kept.map((s) => sql.slice(s.start, s.end)).join(' AND ') }));
    const moved = moves.flatMap((m) => m.moved.map((s) => `(${sql.slice(s.start, s.end)})`)).join(' AND ');
    const where = frame.clauses.find((c) => c.word === 'where');
    if (where) {
      const body = trimmed(kept, where.start + 'where'.length, where.end);
      edits.push({ at: body.start, length: 0, text: '(' }, { at: body.end, length: 0, text: `) AND ${moved}` });
    } else edits.push({ at: trimEnd(kept, from.start, from.end), length: 0, text: `\nWHERE ${moved}` });
    perFrame.push({ edits, removed: moves.map((m) => m.on) });
  }
  // A frame inside a condition that moves (a subquery with its own such join) moves as written: its own edits are dropped.
  const inside = (at: number, self: (typeof perFrame)[number]) => perFrame.some((f) => f !== self && f.removed.some((r) => at >= r.start && at < r.end));
  const edits = perFrame.filter((f) => !f.edits.some((e) => inside(e.at, f))).flatMap((f) => f.edits);
  return edits.length > 0 ? applyEdits(sql, edits) : sql;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/** For each inner join of a FROM clause whose ON has AND-ed conditions reading a subquery: the ON's span, the conditions kept and those moved. */
function movedConditions(code: string, kept: string, from: ClauseSpan): { on: Span; kept: Span[]; moved: Span[] }[] {
  const tokens = tokensOf(code, from.start, from.end);
  const isKind = (i: number) => tokens[i]!.depth === 0 && KIND.has(tokens[i]!.lower) && tokens[i + 1]?.lower !== '(';
  const joins = tokens.flatMap((t, i) => (t.depth === 0 && t.lower === 'join' ? [i] : [])).map((i) => {
    const kind: string[] = [];
    for (let b = i - 1; b >= 0 && isKind(b); b--) kind.push(tokens[b]!.lower);
    return { i, first: i - kind.length, kind };
  });
  const out: { on: Span; kept: Span[]; moved: Span[] }[] = [];
  joins.forEach((join, j) => {
    if (!join.kind.every((w) => INNER.has(w))) return;
    if (joins.slice(j + 1).some((later) => later.kind.includes('right') || later.kind.includes('full'))) return;
    // The ON: from `on` to the next join's kind words (or the clause's end).
    const stop = joins[j + 1]?.first ?? tokens.length;
    const onAt = tokens.findIndex((t, i) => i > join.i && i < stop && t.depth === 0 && t.lower === 'on');
    if (onAt < 0) return;
    const condEnd = stop < tokens.length ? tokens[stop]!.at : from.end;
    // AND-ed conditions at the top level (BETWEEN's AND belongs to it): the separators' spans.
    const seps: Span[] = [{ start: tokens[onAt]!.at, end: tokens[onAt]!.end }];
    let between = 0;
    for (let i = onAt + 1; i < stop; i++) {
      const t = tokens[i]!;
      if (t.depth !== 0) continue;
      if (t.lower === 'or' || t.lower === ',') return; // an OR, or `on … , c` (a comma join after it): left as written
      if (t.lower === 'between') between++;
      else if (t.lower === 'and' && between > 0) between--;
      else if (t.lower === 'and') seps.push({ start: t.at, end: t.end });
    }
    seps.push({ start: condEnd, end: condEnd });
    const parts = seps.slice(1).map((sep, k) => trimmed(kept, seps[k]!.end, sep.start));
    if (parts.some((p) => p.end <= p.start)) return;
    const reads = (p: Span) => /\(\s*select\b/i.test(code.slice(p.start, p.end));
    const moved = parts.filter(reads);
    const keptParts = parts.filter((p) => !reads(p));
    if (moved.length === 0 || keptParts.length === 0) return;
    out.push({ on: { start: parts[0]!.start, end: parts.at(-1)!.end }, kept: keptParts, moved });
  });
  return out;
}

/** `kept[start, end)` without its blanks at either end. */
function trimmed(kept: string, start: number, end: number): Span {
  while (start < end && /\s/.test(kept[start]!)) start++;
  return { start, end: trimEnd(kept, start, end) };
}

function tokensOf(code: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  let depth = 0;
  for (const m of code.slice(start, end).matchAll(/[A-Za-z_][A-Za-z0-9_$]*|<=>|>=|<=|!=|<>|==|[^\sA-Za-z0-9_$]/g)) {
    const text = m[0];
    if (text === ')') depth--;
    out.push({ lower: text.toLowerCase(), at: start + m.index!, end: start + m.index! + text.length, depth });
    if (text === '(') depth++;
  }
  return out;
}

/** The end of `text[start, end)` without its trailing blanks (a comment there is blank). */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}
