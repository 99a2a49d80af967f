import { quoteIdentifier } from '../../render/placeholders.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { bareType, isNullableType } from './common-type-sites.js';
import { type Edit } from '../../shared/text-edits.js';

/*
 * dbt's common types for UNION: `select id, amount … union all select id, 0.0 …` with an Int64
 * amount has no ClickHouse supertype ("There is no supertype for types Float64, Int64"), where
 * every other warehouse gives a double. For a UNION that is the model's final query, a CTE of its
 * top-level WITH or a parenthesised subquery anywhere in either (`from (select … union all select …)`,
 * `in (…)`), the branches' column types come from one EXPLAIN QUERY TREE of a probe (the
 * branches side by side, each as `tuple(b.*, <marker>)`) and the first branch's column names from a
 * second (a branch may be parenthesised); a branch whose columns need dbt's supertype (common-types.ts dbtSupertype) is read
 * through a SELECT that casts them by position, named as the first branch names them.
 */

/** A UNION of two or more SELECTs at one level, and the text a probe of it starts with (its WITH clause). */
export interface UnionGroup {
  readonly branches: readonly { readonly start: number; readonly end: number }[];
  /** What precedes the probe's SELECT: the top-level WITH clause (closing a CTE the union is the body of). */
  readonly prefix: string;
}

export const UNION_MARKER_BASE = 5003;

/**
 * The UNION groups of `sql` a probe can reach: the final query, the body of a top-level CTE, and a
 * subquery of either whose branches read only what the top-level WITH defines (one that reads an
 * outer query's columns or a WITH of its own makes a probe that fails: it stays as written).
 */
export function unionGroups(sql: string): UnionGroup[] {
  if (!/\bunion\b/i.test(sql)) return [];
  const code = blankNonCode(sql);
  const tokens = [...code.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[(),]/g)].map((m) => ({ text: m[0], lower: m[0].toLowerCase(), at: m.index! }));
  type Open = { tokenIndex: number; at: number; branches: { start: number; end: number }[]; afterUnion: boolean; broken: boolean };
  const stack: Open[] = [{ tokenIndex: -1, at: -1, branches: [], afterUnion: false, broken: false }];
  const groups: UnionGroup[] = [];
  // The first SELECT at depth 0: where the final query starts (after a top-level WITH clause).
  let finalStart = -1;
  const close = (frame: Open, end: number) => {
    const last = frame.branches.at(-1);
    if (last && last.end < 0) last.end = end;
    if (frame.broken || frame.branches.length < 2) return;
    const outermost = stack.length > 1 ? stack[1]!.tokenIndex : frame.tokenIndex;
    const prefix = probePrefix(sql, code, tokens, frame, outermost, finalStart);
    if (prefix !== undefined) groups.push({ branches: frame.branches.map((b) => ({ ...b })), prefix });
  };
  tokens.forEach((t, i) => {
    const top = stack.at(-1)!;
    if (t.text === '(') {
      // A parenthesised branch: `… union all (select …)`, or `(select …) union …` opening its level.
      if (top.afterUnion || (top.branches.length === 0 && i === top.tokenIndex + 1 && tokens[i + 1]?.lower === 'select')) {
        top.branches.push({ start: t.at, end: -1 });
        top.afterUnion = false;
      }
      stack.push({ tokenIndex: i, at: t.at, branches: [], afterUnion: false, broken: false });
    } else if (t.text === ')') {
      if (stack.length > 1) close(stack.pop()!, t.at);
    } else if (t.lower === 'select' && code[t.at - 1] !== '.') {
      if (stack.length === 1 && finalStart < 0) finalStart = t.at;
      if (top.branches.length === 0 || top.afterUnion) top.branches.push({ start: t.at, end: -1 });
      top.afterUnion = false;
    } else if (t.lower === 'union' && top.branches.length > 0) {
      top.branches.at(-1)!.end = t.at;
      top.afterUnion = true;
    }
  });
  close(stack[0]!, sql.length);
  return groups;
}

/**
 * The text before a probe's SELECT: for the final query, what precedes its first branch (a WITH
 * clause or nothing); for a group inside the body of a CTE of the top-level WITH (the body itself or
 * a subquery in it), the WITH clause up to that body with the body replaced by `SELECT 1`; for a
 * subquery of the final query, the top-level WITH clause. Undefined elsewhere (a group that does not
 * start its parentheses, a scalar WITH expression).
 */
function probePrefix(sql: string, code: string, tokens: readonly { lower: string; at: number }[], frame: { tokenIndex: number; branches: readonly { start: number }[] }, outermost: number, finalStart: number): string | undefined {
  const start = frame.branches[0]!.start;
  if (frame.tokenIndex < 0) {
    const before = code.slice(0, start).trim();
    return before === '' || /^with\b/i.test(before) ? sql.slice(0, start) : undefined;
  }
  // `( select … union … )`: nothing between the parenthesis and the first branch.
  if (code.slice(tokens[frame.tokenIndex]!.at + 1, start).trim() !== '') return undefined;
  const outerAt = tokens[outermost]!.at;
  if (finalStart >= 0 && outerAt > finalStart) return sql.slice(0, finalStart);
  // `<name> AS (` at depth 0 of a statement that starts with WITH.
  if (!/^with\b/i.test(code.trimStart()) || tokens[outermost - 1]?.lower !== 'as') return undefined;
  return `${sql.slice(0, outerAt + 1)} SELECT 1) `;
}

/** The probe of a group's column types: its branches side by side, each as a marked tuple of its columns. */
export function unionTypesProbe(sql: string, group: UnionGroup): string {
  const items = group.branches.map((_, k) => `tuple(__tsdbt_u${k}.*, toFixedString('', ${UNION_MARKER_BASE + k}))`);
  const from = group.branches.map((b, k) => `(${sql.slice(b.start, b.end)}\n) AS __tsdbt_u${k}`);
  return `${group.prefix}SELECT ${items.join(', ')} FROM ${from.join(' CROSS JOIN ')}`;
}

/** The probe of the first branch's column names (EXPLAIN's PROJECTION COLUMNS). */
export function unionNamesProbe(sql: string, group: UnionGroup): string {
  const first = group.branches[0]!;
  return `${group.prefix}SELECT * FROM (${sql.slice(first.start, first.end)}\n)`;
}

/** Column names of a query from its EXPLAIN QUERY TREE dump, given their types in order. */
export function projectionNames(dump: string, types: readonly string[]): string[] | undefined {
  const lines = dump.split('\n');
  const header = lines.findIndex((l) => /^ {2}PROJECTION COLUMNS$/.test(l));
  if (header < 0) return undefined;
  const names = types.map((type, i) => {
    const line = lines[header + 1 + i];
    return line?.startsWith('    ') && line.endsWith(` ${type}`) ? line.slice(4, line.length - type.length - 1) : undefined;
  });
  return names.every((n): n is string => n !== undefined) ? names : undefined;
}

/**
 * The edits that read each branch needing it through a casting SELECT, given every branch's column
 * types and the first branch's names; `supertype` is dbt's for a column's types (undefined: keep).
 */
export function unionCastEdits(group: UnionGroup, types: ReadonlyMap<number, string[][]>, names: readonly string[], supertype: (types: string[]) => string | undefined): Edit[] {
  const columns = group.branches.map((_, k) => types.get(k)?.[0]);
  if (columns.some((c) => c === undefined || c.length !== names.length)) return [];
  const targets = names.map((_, i) => supertype(columns.map((c) => bareType(c![i]!)).filter((t) => t !== 'Nothing')));
  if (targets.every((t) => t === undefined)) return [];
  const edits: Edit[] = [];
  group.branches.forEach((b, k) => {
    const own = columns[k]!;
    const needs = targets.some((t, i) => t !== undefined && bareType(own[i]!) !== t);
    if (!needs) return;
    const items = names.map((name, i) => {
      const t = targets[i];
      const read = `__tsdbt_r.${i + 1}`;
      const value = t === undefined ? read : `CAST(${read}, '${isNullableType(own[i]!) ? `Nullable(${t})` : t}')`;
      return `${value} AS ${quoteIdentifier(name)}`;
    });
    edits.push({ at: b.start, length: 0, text: `SELECT ${items.join(', ')} FROM (SELECT tuple(*) AS __tsdbt_r FROM (` }, { at: b.end, length: 0, text: '\n)) ' });
  });
  return edits;
}


