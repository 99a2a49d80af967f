import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { closingParen } from './select-frames.js';

/*
 * `EXISTS (SELECT … WHERE k = t.k UNION SELECT … WHERE k = t.k)`: ClickHouse 26.7 cannot decorrelate
 * a set operation whose branches read the outer query — a plain UNION (DISTINCT under dbt_semantics,
 * set-operation-modes.ts) fails NOT_IMPLEMENTED "Cannot decorrelate query, because 'Distinct' step is
 * not supported", and a UNION ALL whose branches name their columns differently fails "Different number
 * of columns in UNION_ALL elements". Every other warehouse runs it. An EXISTS asks only whether some
 * branch has a row, so under dbt_semantics it runs as `(EXISTS (b1) OR EXISTS (b2) …)`: the same
 * answer for UNION, UNION DISTINCT and UNION ALL (EXISTS is never NULL), each branch decorrelated
 * alone. Left as written: a subquery that starts with WITH (its CTEs are the branches' scope), or has
 * at its own level an EXCEPT / INTERSECT (not a union of its branches), LIMIT / OFFSET (an OFFSET
 * counts rows: it differs between DISTINCT and ALL) or SETTINGS.
 */
export function withExistsUnionsSplit(node: ManifestNode, sql: string): string {
  if (!/\bexists\s*\(/i.test(sql) || !/\bunion\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return existsUnionsSplit(sql);
}

/** Words at a subquery's own level that keep its EXISTS as written (see above). */
const KEEP = new Set(['except', 'intersect', 'limit', 'offset', 'fetch', 'settings', 'format']);

/** `sql` with each EXISTS over a UNION written as an OR of EXISTS, one per branch; nested ones too. */
export function existsUnionsSplit(sql: string): string {
  const code = blankNonCode(sql);
  if (!/\bexists\s*\(/i.test(code) || !/\bunion\b/i.test(code)) return sql;
  const sites: { start: number; open: number; close: number; branches: { start: number; end: number }[] }[] = [];
  for (const m of code.matchAll(/(?<![\w$.])exists\s*\(/gi)) {
    const open = m.index! + m[0].length - 1;
    const close = closingParen(code, open);
    if (close < 0) continue;
    const branches = unionBranches(code, open + 1, close);
    if (branches) sites.push({ start: m.index!, open, close, branches });
  }
  // The outermost sites; an EXISTS inside a branch is split with its branch.
  const top = sites.filter((s) => !sites.some((o) => o !== s && o.open < s.start && s.close <= o.close));
  let out = sql;
  for (const s of top.sort((a, b) => b.start - a.start)) {
    const ors = s.branches.map((b) => `EXISTS (${existsUnionsSplit(sql.slice(b.start, b.end)).trim()})`);
    out = out.slice(0, s.start) + `(${ors.join(' OR ')})` + out.slice(s.close + 1);
  }
  return out;
}

/** The branches of the query in `code[start, end)` if it is a UNION of SELECTs at its own level (see above), else undefined. */
function unionBranches(code: string, start: number, end: number): { start: number; end: number }[] | undefined {
  if (!/^\s*(?:\(\s*)*select\b/i.test(code.slice(start, end))) return undefined;
  const branches: { start: number; end: number }[] = [];
  let depth = 0;
  let from = start;
  const words = /[A-Za-z_][A-Za-z0-9_$]*|[()]/g;
  words.lastIndex = start;
  for (let m = words.exec(code); m && m.index < end; m = words.exec(code)) {
    const token = m[0];
    if (token === '(') depth++;
    else if (token === ')') depth--;
    else if (depth === 0 && code[m.index - 1] !== '.') {
      const word = token.toLowerCase();
      if (KEEP.has(word)) return undefined;
      if (word !== 'union') continue;
      branches.push({ start: from, end: m.index });
      // `UNION ALL` / `UNION DISTINCT`: the next branch starts after the mode word
      const mode = /^\s*(all|distinct)\b/i.exec(code.slice(words.lastIndex, end));
      from = words.lastIndex + (mode ? mode[0].length : 0);
      words.lastIndex = from;
    }
  }
  if (branches.length === 0) return undefined;
  branches.push({ start: from, end });
  return branches;
}
