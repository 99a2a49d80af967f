import { blankNonCode } from '../../shared/sql-statements.js';
import { bareType } from './common-type-sites.js';
import { applyEdits } from '../../shared/text-edits.js';

/*
 * dbt's common type for a `JOIN … USING (k)` key. ClickHouse merges a USING key of both sides into
 * one column and refuses sides without a common type ("JOIN LEFT JOIN ... USING (k) cannot infer
 * common type for Int64 and UInt64 in USING for identifier 'k'", code 386): a seed's Int64 id
 * against a UInt64 row_number(), a Date against a date written as text. Postgres, Snowflake… join
 * them (a bigint next to a numeric; the text read as the date). Under dbt_semantics a node refused
 * so runs again (common-types.ts runWithCommonTypes) with the side whose key is not dbt's
 * supertype read through `(SELECT * REPLACE (CAST(k, 'T') AS k) FROM <relation>) AS <alias>`:
 * the joined relation, or the FROM's first relation when it is the left side of that first join.
 * Left as written when the side cannot be told (an earlier join feeds the left side).
 */

/** The USING key ClickHouse could not type: the join's kind as ClickHouse writes it, the key, and the left and right types. */
export interface UsingRefusal {
  readonly kind: string;
  readonly key: string;
  readonly left: string;
  readonly right: string;
}

export function usingRefusal(message: string): UsingRefusal | undefined {
  const m = /JOIN\s+((?:[A-Z]+ )*)JOIN \.\.\. USING \(.*?\) cannot infer common type for (.+?) and (.+?) in USING for identifier '([^']+)'/.exec(message);
  return m ? { kind: m[1]!.trim(), key: m[4]!, left: m[2]!, right: m[3]! } : undefined;
}

const WORD = /`(?:[^`\\]|\\.)+`|"(?:[^"\\]|\\.)+"|[A-Za-z_][A-Za-z0-9_$]*|[().,]/g;
/** Words of a join's kind before JOIN. */
const KIND = new Set(['left', 'right', 'full', 'outer', 'inner', 'cross', 'any', 'all', 'semi', 'anti', 'asof', 'global', 'array', 'paste']);
/** Words that end a FROM's first relation or a joined one. */
const ENDS = new Set([...KIND, 'join', 'using', 'on', 'where', 'prewhere', 'group', 'having', 'order', 'limit', 'window', 'qualify', 'settings', 'format', 'union', 'except', 'intersect']);

interface Word {
  readonly text: string;
  readonly lower: string;
  readonly at: number;
  readonly end: number;
  readonly depth: number;
}

/**
 * `sql` with the refused USING key cast to `supertype`'s type on the side that needs it, or
 * undefined (no dbt supertype, or no join of that kind and key found whose side can be cast).
 */
export function withUsingKeyCast(sql: string, refusal: UsingRefusal, supertype: (types: readonly string[]) => string | undefined): string | undefined {
  const [left, right] = [bareType(refusal.left), bareType(refusal.right)];
  const target = supertype([left, right]);
  if (!target) return undefined;
  const code = blankNonCode(sql, { keepQuoted: true });
  const words: Word[] = [];
  let depth = 0;
  for (const m of code.matchAll(WORD)) {
    if (m[0] === ')') depth--;
    words.push({ text: m[0], lower: m[0].toLowerCase(), at: m.index!, end: m.index! + m[0].length, depth });
    if (m[0] === '(') depth++;
  }
  const key = unquoted(refusal.key);
  const wantKind = joinKind(refusal.kind.toLowerCase().split(/\s+/));
  for (let u = 0; u < words.length; u++) {
    if (words[u]!.lower !== 'using' || words[u + 1]?.text !== '(') continue;
    const d = words[u]!.depth;
    // The USING list names the key?
    let close = u + 2;
    const names: string[] = [];
    while (close < words.length && !(words[close]!.text === ')' && words[close]!.depth === d)) {
      if (words[close]!.depth === d + 1 && words[close]!.text !== ',') names.push(unquoted(words[close]!.text));
      close++;
    }
    if (!names.includes(key)) continue;
    // Its JOIN, its kind, and the joined relation between them.
    let j = u - 1;
    while (j >= 0 && !(words[j]!.depth === d && words[j]!.lower === 'join')) j--;
    if (j < 0) continue;
    const kindWords: string[] = [];
    for (let k = j - 1; k >= 0 && words[k]!.depth === d && KIND.has(words[k]!.lower); k--) kindWords.unshift(words[k]!.lower);
    if (joinKind(kindWords) !== wantKind) continue;
    const edits: { at: number; end: number; text: string }[] = [];
    if (bareType(right) !== target) {
      const wrapped = wrapRelation(sql, words, j + 1, u, key, target);
      if (!wrapped) continue;
      edits.push(wrapped);
    }
    if (bareType(left) !== target) {
      // The left side is the FROM's first relation only when this is the first join after it.
      let f = j - kindWords.length - 1;
      while (f >= 0 && !(words[f]!.depth === d && (words[f]!.lower === 'from' || words[f]!.lower === 'join'))) f--;
      if (f < 0 || words[f]!.lower !== 'from') continue;
      const wrapped = wrapRelation(sql, words, f + 1, j - kindWords.length, key, target);
      if (!wrapped) continue;
      edits.push(wrapped);
    }
    return applyEdits(sql, edits.map((e) => ({ at: e.at, length: e.end - e.at, text: e.text })));
  }
  return undefined;
}

/** INNER for a bare JOIN; the outer kinds by their first word (`left outer` = `left`). */
function joinKind(words: readonly string[]): string {
  for (const w of ['left', 'right', 'full', 'cross']) if (words.includes(w)) return w;
  return 'inner';
}

/**
 * The edit reading the relation in words [from, to) through a SELECT casting `key`: `<relation>
 * [AS] <alias>` → `(SELECT * REPLACE (CAST(key, 'T') AS key) FROM <relation>) AS <alias>`; a table
 * without an alias keeps its name as the alias. Undefined for a relation it cannot read so (FINAL,
 * SAMPLE, ARRAY JOIN…).
 */
function wrapRelation(sql: string, words: readonly Word[], from: number, to: number, key: string, type: string) {
  const rel = words.slice(from, to);
  if (rel.length === 0 || rel.some((w) => w.depth === rel[0]!.depth && ENDS.has(w.lower))) return undefined;
  if (rel.some((w) => w.depth === rel[0]!.depth && (w.lower === 'final' || w.lower === 'sample'))) return undefined;
  const depth = rel[0]!.depth;
  // The relation: a (qualified) name, a call, or a parenthesised subquery; then an optional [AS] alias.
  let last = 0;
  if (rel[0]!.text === '(') {
    while (last < rel.length && !(rel[last]!.text === ')' && rel[last]!.depth === depth)) last++;
  } else {
    while (last + 2 < rel.length && rel[last + 1]!.text === '.') last += 2;
    if (rel[last + 1]?.text === '(') {
      last++;
      while (last < rel.length && !(rel[last]!.text === ')' && rel[last]!.depth === depth)) last++;
    }
  }
  if (last >= rel.length) return undefined;
  const rest = rel.slice(last + 1);
  const aliasWord = rest[0]?.lower === 'as' ? rest[1] : rest[0];
  if (rest.length > (rest[0]?.lower === 'as' ? 2 : 1)) return undefined;
  const relationText = sql.slice(rel[0]!.at, rel[last]!.end);
  const alias = aliasWord ? aliasWord.text : rel[0]!.text === '(' || rel[last]!.text === ')' ? undefined : rel[last]!.text;
  const quotedKey = `\`${key.replace(/([`\\])/g, '\\$1')}\``;
  const text = `(SELECT * REPLACE (CAST(${quotedKey}, '${type}') AS ${quotedKey}) FROM ${relationText})${alias ? ` AS ${alias}` : ''}`;
  return { at: rel[0]!.at, end: rel.at(-1)!.end, text };
}

const unquoted = (name: string) => (/^[`"]/.test(name) ? name.slice(1, -1) : name);
