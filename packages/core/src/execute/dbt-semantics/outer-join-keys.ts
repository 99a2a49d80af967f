import { dbtSemantics } from '../../load/dbt-semantics.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { blankNonCode } from '../../shared/sql-statements.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import { selectFrames } from './select-frames.js';

/*
 * An outer join whose ON has no equality: `left join spans s on e.at >= s.starts and e.at < s.ends`
 * (an event in its validity range, a date spine against SCD ranges) is an ordinary nested-loop join
 * on every warehouse dbt runs on. ClickHouse joins by hashing the ON's equalities and refuses an
 * outer join that has none ("Cannot determine join keys in JOIN ON expression …", code 403; an
 * INNER join it runs as a filtered cross join). Under dbt_semantics such a LEFT/RIGHT/FULL join's
 * ON gets a key that is always equal, `ignore(<a left column>) = ignore(<a right column>) AND (…)`
 * (ignore() is 0 for any value, NULL included, and is never folded to a constant): every pair of
 * rows is then checked against the written condition, and the rows without a match are kept as the
 * join type says. A join written with an equality is left alone, as is one whose ON reads a
 * subquery or whose sides cannot be told apart from its qualified columns.
 */

export function withOuterJoinKeys(node: ManifestNode, sql: string): string {
  if (!/\b(?:left|right|full)\b/i.test(sql) || !/\bjoin\b/i.test(sql)) return sql;
  if (!(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test') || !dbtSemantics(node)) return sql;
  return withAlwaysEqualJoinKeys(sql);
}

const IDENT = '`(?:[^`\\\\]|\\\\.)+`|"(?:[^"\\\\]|\\\\.)+"|[A-Za-z_][A-Za-z0-9_$]*';
const TOKEN = new RegExp(`${IDENT}|<=>|>=|<=|!=|<>|==|[=(),.]`, 'g');
/** Words of a join's kind (`left outer join`, `global full any join`). */
const KIND = new Set(['left', 'right', 'full', 'outer', 'inner', 'cross', 'any', 'all', 'semi', 'anti', 'asof', 'global', 'array', 'paste', 'natural']);

interface Token {
  readonly text: string;
  readonly lower: string;
  readonly at: number;
  readonly depth: number;
}

/** `sql` with an always-equal key added to each outer join whose ON has no equality (see above). */
export function withAlwaysEqualJoinKeys(sql: string): string {
  const code = blankNonCode(sql);
  // Comments blanked, literals and quoted names kept (where a condition ends); then literals blanked too: what names are read from.
  const kept = blankNonCode(sql, { keepQuoted: true });
  const named = kept.replace(/'(?:[^'\\]|\\.|'')*'/g, (m) => ' '.repeat(m.length));
  const edits: Edit[] = [];
  for (const frame of selectFrames(code)) {
    for (const clause of frame.clauses) {
      if (clause.word !== 'from' || !/\bjoin\b/i.test(code.slice(clause.start, clause.end))) continue;
      edits.push(...joinKeyEdits(tokensOf(named, clause.start, clause.end), kept, clause.end));
    }
  }
  return edits.length > 0 ? applyEdits(sql, edits) : sql;
}

function tokensOf(named: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  let depth = 0;
  TOKEN.lastIndex = 0;
  for (const m of named.slice(start, end).matchAll(TOKEN)) {
    const text = m[0];
    if (text === ')') depth--;
    out.push({ text, lower: text.toLowerCase(), at: start + m.index!, depth });
    if (text === '(') depth++;
  }
  return out;
}

/** The edits for the joins of one FROM clause's tokens (depth 0: the clause's own level); `kept` locates a condition's ends. */
function joinKeyEdits(tokens: readonly Token[], kept: string, clauseEnd: number): Edit[] {
  const edits: Edit[] = [];
  // A kind word is one only as a word: `left(name, 3)` is a function.
  const isKind = (i: number) => KIND.has(tokens[i]!.lower) && tokens[i + 1]?.text !== '(';
  const top = tokens.map((t, i) => ({ t, i })).filter(({ t }) => t.depth === 0);
  for (let k = 0; k < top.length; k++) {
    if (top[k]!.t.lower !== 'join') continue;
    const kind: string[] = [];
    for (let b = k - 1; b >= 0 && isKind(top[b]!.i); b--) kind.push(top[b]!.t.lower);
    if (!kind.some((w) => w === 'left' || w === 'right' || w === 'full') || kind.includes('asof')) continue;
    // The joined relation up to ON, and the condition up to the next join (or the clause's end).
    let on = k + 1;
    while (on < top.length && top[on]!.t.lower !== 'on' && top[on]!.t.lower !== 'join' && !isKind(top[on]!.i)) on++;
    if (on >= top.length || top[on]!.t.lower !== 'on') continue;
    let next = on + 1;
    while (next < top.length && top[next]!.t.lower !== 'join' && !isKind(top[next]!.i)) next++;
    const alias = relationName(top.slice(k + 1, on).map(({ t }) => t));
    const cond = tokens.slice(top[on]!.i + 1, next < top.length ? top[next]!.i : tokens.length);
    if (!alias || cond.length === 0) continue;
    const refs = sideColumns(cond, alias);
    if (!refs) continue;
    let start = top[on]!.t.at + 2;
    let end = next < top.length ? top[next]!.t.at : clauseEnd;
    while (start < end && /\s/.test(kept[start]!)) start++;
    while (end > start && /\s/.test(kept[end - 1]!)) end--;
    edits.push({ at: start, length: 0, text: `ignore(${refs.left}) = ignore(${refs.right}) AND (` }, { at: end, length: 0, text: ')' });
  }
  return edits;
}

/** The name the joined relation's columns are qualified with: its alias, or its table's name. */
function relationName(relation: readonly Token[]): string | undefined {
  const last = relation.at(-1)?.lower === 'final' ? relation.at(-2) : relation.at(-1);
  if (!last || !isIdent(last)) return undefined; // `join (select …)` without an alias
  return bare(last.text);
}

/** A column of each side read by a condition without an equality (or a subquery), or undefined. */
function sideColumns(cond: readonly Token[], alias: string): { left: string; right: string } | undefined {
  if (cond.some((t) => t.text === '=' || t.text === '==' || t.lower === 'select')) return undefined;
  let left: string | undefined;
  let right: string | undefined;
  for (let i = 0; i + 2 < cond.length; i++) {
    const [q, dot, col] = [cond[i]!, cond[i + 1]!, cond[i + 2]!];
    // `q.col` alone (not part of `db.t.col`, not a call)
    if (!isIdent(q) || dot.text !== '.' || !isIdent(col) || cond[i - 1]?.text === '.' || cond[i + 3]?.text === '.' || cond[i + 3]?.text === '(') continue;
    const ref = `${q.text}.${col.text}`;
    if (bare(q.text) === alias) right ??= ref;
    else left ??= ref;
  }
  return left && right ? { left, right } : undefined;
}

const isIdent = (t: Token) => /^[`"A-Za-z_]/.test(t.text) && t.text !== '(';
const bare = (name: string) => (/^[`"]/.test(name) ? name.slice(1, -1) : name);
