import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';

/*
 * Where a query asks ClickHouse for the common type of several values: the calls and CASE
 * expressions whose result is one of their arguments (`coalesce`, `ifNull`, `if`, `multiIf`,
 * `greatest`, `least`, `CASE … END`). Pure text work over the shared lexer (comments and
 * literals blanked): execute/dbt-semantics/common-types.ts asks ClickHouse for the values' types through a
 * probe built from these sites and casts the sites whose types have no ClickHouse supertype.
 */

/** One place that needs a common type: its text range and the parts in it. */
export interface CommonTypeSite {
  /** `coalesce`, `if`, … in lower case, or `case`. */
  readonly kind: string;
  /** Offset of the function name or of CASE. */
  readonly start: number;
  /** Offset just after the closing `)` or END. */
  readonly end: number;
  /** Whether the site is NULL when no branch applies (a CASE without ELSE). */
  readonly noElse: boolean;
  /** The parts' ranges: a call's arguments; a CASE's operand (if any), WHEN, THEN … and ELSE expressions. */
  readonly parts: readonly { readonly start: number; readonly end: number }[];
  /** Which parts are values (the others are conditions or the operand). */
  readonly values: readonly number[];
  /** Text edits that turn the site into its probe form (see probeEdits). */
  readonly probe: readonly Edit[];
}

const CALLS = new Set(['coalesce', 'ifnull', 'if', 'multiif', 'greatest', 'least']);

/** The common-type sites of `sql`, outermost first. */
export function commonTypeSites(sql: string): CommonTypeSite[] {
  const code = blankNonCode(sql);
  const tokens = [...code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[(),]/g)].map((m) => ({ text: m[0], lower: m[0].toLowerCase(), at: m.index! }));
  const sites: CommonTypeSite[] = [];
  // The index of each `(`'s matching `)` in tokens.
  const closing = new Map<number, number>();
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (t.text === '(') open.push(i);
    else if (t.text === ')' && open.length > 0) closing.set(open.pop()!, i);
  });
  tokens.forEach((t, i) => {
    const prev = i > 0 ? code[t.at - 1] : ' ';
    if (CALLS.has(t.lower) && tokens[i + 1]?.text === '(' && prev !== '.' && /^\s*$/.test(code.slice(t.at + t.text.length, tokens[i + 1]!.at))) {
      const close = closing.get(i + 1);
      if (close === undefined) return;
      const parts = splitTopLevel(tokens, i + 2, close, tokens[i + 1]!.at + 1, tokens[close]!.at);
      if (parts.length < 2) return;
      const values = valueParts(t.lower, parts.length);
      sites.push({
        kind: t.lower,
        start: t.at,
        end: tokens[close]!.at + 1,
        noElse: false,
        parts,
        values,
        probe: [
          { at: t.at, length: tokens[i + 1]!.at + 1 - t.at, text: `${probeOpen(tokens, parts, values)}tupleElement(tuple(` },
          { at: tokens[close]!.at, length: 1, text: `, ${MARKER}), ${standIn(tokens, parts, values) + 1})${probeClose(tokens, parts, values)}` },
        ],
      });
    } else if (t.lower === 'case' && prev !== '.') {
      const site = caseSite(tokens, i);
      if (site) sites.push(site);
    }
  });
  return sites;
}

/**
 * The probe's tuples end with a FixedString of a size no query uses (MARKER_BASE + the site's
 * index): EXPLAIN QUERY TREE's dump has no aliases, but it has every node's type.
 */
export const MARKER_BASE = 7919;
const MARKER = '\u0000site\u0000';

/** `sql` with every site in its probe form: `tupleElement(tuple(<parts>, <marker>), <first value not a bare NULL>)`. */
export function probeSql(sql: string, sites: readonly CommonTypeSite[]): string {
  const markers = markerIndexes(sites.map((s) => sql.slice(s.start, s.end)));
  const edits = sites.flatMap((s, k) => s.probe.map((e) => ({ ...e, text: e.text.replace(MARKER, `toFixedString('', ${MARKER_BASE + markers[k]!})`) })));
  return applyEdits(sql, edits);
}

/**
 * Each text's marker: the index of the first text equal to it (spacing aside). Equal expressions
 * get equal probes, so a probed `GROUP BY <expr>` still matches its SELECT item.
 */
export function markerIndexes(texts: readonly string[]): number[] {
  const first = new Map<string, number>();
  return texts.map((t, k) => {
    const key = t.replace(/\s+/g, ' ').trim();
    if (!first.has(key)) first.set(key, k);
    return first.get(key)!;
  });
}

type Token = { readonly text: string; readonly lower: string; readonly at: number };

/** Ranges of the comma-separated items between tokens `from` and `to` (exclusive), at their own depth. */
function splitTopLevel(tokens: readonly Token[], from: number, to: number, startAt: number, endAt: number): { start: number; end: number }[] {
  const parts: { start: number; end: number }[] = [];
  let depth = 0;
  let start = startAt;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (t.text === ',' && depth === 0) {
      parts.push({ start, end: t.at });
      start = t.at + 1;
    }
  }
  parts.push({ start, end: endAt });
  return parts;
}

/** The value arguments of a call: if(c, a, b) → a, b; multiIf(c1, a1, …, else) → a's and else; others all. */
function valueParts(kind: string, n: number): number[] {
  if (kind === 'if') return [1, 2];
  if (kind === 'multiif') return Array.from({ length: n }, (_, k) => k).filter((k) => k % 2 === 1 || k === n - 1);
  return Array.from({ length: n }, (_, k) => k);
}

type Part = { readonly start: number; readonly end: number };
const bareNull = (tokens: readonly Token[], p: Part) => {
  const inside = tokens.filter((t) => t.at >= p.start && t.at < p.end);
  return inside.length === 1 && inside[0]!.lower === 'null';
};

/**
 * The value a probe stands for its site: the first that is not a bare NULL (`if(c, NULL, sum(x))`
 * read by an outer site is typed Nullable as `sum(x)`, as ClickHouse types the site, not as Nothing).
 */
function standIn(tokens: readonly Token[], parts: readonly Part[], values: readonly number[]): number {
  return values.find((v) => !bareNull(tokens, parts[v]!)) ?? values[0]!;
}
/** A stand-in for a site with a bare NULL value is made Nullable (see standIn). */
const nullableStandIn = (tokens: readonly Token[], parts: readonly Part[], values: readonly number[]) =>
  values.some((v) => bareNull(tokens, parts[v]!)) && !bareNull(tokens, parts[standIn(tokens, parts, values)]!);
const probeOpen = (tokens: readonly Token[], parts: readonly Part[], values: readonly number[]) => (nullableStandIn(tokens, parts, values) ? 'toNullable(' : '');
const probeClose = (tokens: readonly Token[], parts: readonly Part[], values: readonly number[]) => (nullableStandIn(tokens, parts, values) ? ')' : '');

/** A CASE … END at tokens[i] (its own WHEN/THEN/ELSE/END at its depth, nested CASEs skipped). */
function caseSite(tokens: readonly Token[], i: number): CommonTypeSite | undefined {
  const caseTok = tokens[i]!;
  const parts: { start: number; end: number }[] = [];
  const values: number[] = [];
  const probe: Edit[] = [{ at: caseTok.at, length: 4, text: 'tupleElement(tuple(' }];
  let depth = 0;
  let nested = 0;
  let partStart = caseTok.at + 4;
  let role: 'operand' | 'when' | 'then' | 'else' = 'operand';
  let hasElse = false;
  const closePart = (at: number) => {
    const text = tokens.find((t) => t.at >= partStart && t.at < at);
    if (role === 'operand' && !text) return; // no operand
    if (role === 'then' || role === 'else') values.push(parts.length);
    parts.push({ start: partStart, end: at });
  };
  for (let k = i + 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      if (--depth < 0) return undefined;
    } else if (depth === 0 && t.lower === 'case') nested++;
    else if (depth === 0 && t.lower === 'end' && nested > 0) nested--;
    else if (depth === 0 && nested === 0 && (t.lower === 'when' || t.lower === 'then' || t.lower === 'else' || t.lower === 'end')) {
      closePart(t.at);
      if (t.lower === 'end') {
        if (values.length === 0) return undefined;
        probe[0] = { ...probe[0]!, text: `${probeOpen(tokens, parts, values)}tupleElement(tuple(` };
        probe.push({ at: t.at, length: 3, text: `, ${MARKER}), ${standIn(tokens, parts, values) + 1})${probeClose(tokens, parts, values)}` });
        return { kind: 'case', start: caseTok.at, end: t.at + 3, noElse: !hasElse, parts, values, probe };
      }
      // The first part's separator is none (CASE WHEN …: no operand) or a comma.
      probe.push({ at: t.at, length: t.text.length, text: parts.length === 0 ? '' : ',' });
      role = t.lower as 'when' | 'then' | 'else';
      if (role === 'else') hasElse = true;
      partStart = t.at + t.text.length;
    }
  }
  return undefined;
}

/** A ClickHouse type without the Nullable/LowCardinality around it. */
export function bareType(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!m) return t;
    t = m[1]!.trim();
  }
}

/** Whether a ClickHouse type holds NULL (Nullable, possibly inside LowCardinality; a NULL literal's Nullable(Nothing)). */
export const isNullableType = (type: string) => /^(?:LowCardinality\()?Nullable\(/.test(type.trim());

/**
 * The element types of each probe tuple marked `FixedString(base + k)` in an EXPLAIN QUERY TREE
 * dump, by k (every occurrence: a CTE read twice appears twice), without the marker.
 */
export function markedTupleTypes(dump: string, base: number, count: number): Map<number, string[][]> {
  const out = new Map<number, string[][]>();
  for (const m of dump.matchAll(/(?:result_type|constant_value_type): (Tuple\(.*)$/gm)) {
    const elements = typeArguments(m[1]!);
    const marker = /^FixedString\((\d+)\)$/.exec(elements?.at(-1) ?? '');
    if (!elements || !marker) continue;
    const k = Number(marker[1]) - base;
    if (k < 0 || k >= count) continue;
    out.set(k, [...(out.get(k) ?? []), elements.slice(0, -1)]);
  }
  return out;
}

/** The arguments of a type like `Tuple(A, B(C, D))` → ['A', 'B(C, D)'] (quotes and nesting respected). */
export function typeArguments(type: string): string[] | undefined {
  const open = type.indexOf('(');
  if (open < 0) return undefined;
  const out: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < type.length; i++) {
    const c = type[i]!;
    if (c === "'") {
      for (i++; i < type.length && type[i] !== "'"; i++) if (type[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth === 0) {
        out.push(type.slice(start, i).trim());
        return out;
      }
    } else if (c === ',' && depth === 1) {
      out.push(type.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}
