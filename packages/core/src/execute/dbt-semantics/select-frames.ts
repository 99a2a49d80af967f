/*
 * The SELECTs of a query as spans of its text: each SELECT's projection items and the clauses after
 * them (FROM … ORDER BY), at its own parenthesis depth. Read from code whose literals, quoted names
 * and comments are blanked (shared/sql-statements.ts blankNonCode), so every offset is the query's.
 * Just enough structure for the text rewrites dbt_semantics makes at run time (join-column-names.ts,
 * column-precedence.ts); no SQL is parsed beyond words, commas, dots and parentheses.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A clause of a SELECT: its first word (`from`, `where`, `group`, `having`, `order`…), from that word to the next clause. */
export interface ClauseSpan extends Span {
  readonly word: string;
}

export interface SelectFrame {
  /** Offset of the SELECT keyword. */
  readonly start: number;
  readonly items: readonly Span[];
  readonly clauses: readonly ClauseSpan[];
  /** Whether its FROM joins (`join`, or `from a, b`). */
  readonly joins: boolean;
}

/** Words that start a clause after the projection; the first ones also end it (a column may be named `window`). */
const AFTER_ITEMS = new Set(['from', 'where', 'group', 'having', 'order', 'limit']);
const CLAUSES = new Set([...AFTER_ITEMS, 'prewhere', 'qualify', 'window', 'offset']);
/** Words that end a SELECT (a set operation, or what follows the query); in a projection `* except (…)` is an item. */
const ENDS = new Set(['union', 'intersect', 'settings', 'format', 'into']);

interface OpenFrame {
  readonly depth: number;
  readonly start: number;
  /** 'items', then the word of the clause being read. */
  phase: string;
  itemStart: number;
  clauseStart: number;
  readonly items: Span[];
  readonly clauses: ClauseSpan[];
  joins: boolean;
}

/** Every SELECT of `code` (blanked as above), in the order they end: inner ones before the query around them. */
export function selectFrames(code: string): SelectFrame[] {
  const done: SelectFrame[] = [];
  const frames: OpenFrame[] = [];
  const close = (f: OpenFrame, at: number) => {
    if (f.phase === 'items') f.items.push({ start: f.itemStart, end: at });
    else f.clauses.push({ word: f.phase, start: f.clauseStart, end: at });
    done.push({ start: f.start, items: f.items, clauses: f.clauses, joins: f.joins });
  };
  let depth = 0;
  for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[(),.]/g)) {
    const token = m[0];
    const at = m.index!;
    const top = frames.at(-1);
    if (token === '(') depth++;
    else if (token === ')') {
      depth--;
      while (frames.length > 0 && frames.at(-1)!.depth > depth) close(frames.pop()!, at);
    } else if (token === ',') {
      if (top?.depth !== depth) continue;
      if (top.phase === 'items') {
        top.items.push({ start: top.itemStart, end: at });
        top.itemStart = at + 1;
      } else if (top.phase === 'from') top.joins = true; // `from a, b`
    } else if (token !== '.' && code[at - 1] !== '.') {
      const word = token.toLowerCase();
      if (word === 'select') {
        frames.push({ depth, start: at, phase: 'items', itemStart: at + token.length, clauseStart: at, items: [], clauses: [], joins: false });
        continue;
      }
      if (top?.depth !== depth) continue;
      if (ENDS.has(word) || (word === 'except' && top.phase !== 'items')) close(frames.pop()!, at);
      else if ((top.phase === 'items' ? AFTER_ITEMS : CLAUSES).has(word) && !(word === 'offset' && top.phase === 'limit')) {
        if (top.phase === 'items') top.items.push({ start: top.itemStart, end: at });
        else top.clauses.push({ word: top.phase, start: top.clauseStart, end: at });
        top.phase = word;
        top.clauseStart = at;
      } else if (word === 'join' && top.phase === 'from') top.joins = true;
    }
  }
  while (frames.length > 0) close(frames.pop()!, code.length);
  return done;
}

/** The comma-separated parts of `code[start, end)` outside parentheses (none for an empty range). */
export function splitTopLevel(code: string, start: number, end: number): Span[] {
  const out: Span[] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push({ start: from, end: i });
      from = i + 1;
    }
  }
  if (code.slice(from, end).trim() !== '' || out.length > 0) out.push({ start: from, end });
  return out;
}

/** The offset of the parenthesis closing the one at `open` in blanked code, or -1. */
export function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}
