import { sqlString } from '../../render/placeholders.js';

/*
 * Postgres' (Redshift's, DuckDB's) regular-expression operators `s ~ 'p'`, `s ~* 'p'` (case-insensitive), `s !~ 'p'`,
 * `s !~* 'p'` and SQL's `s [NOT] SIMILAR TO 'pattern'` are syntax errors on ClickHouse. They run as ClickHouse's
 * match(): `~` searches (unanchored, as match), `~*` with the `(?i)` flag, SIMILAR TO matches the whole text with
 * the SQL pattern as a regular expression (`%` any text, `_` one character, `.` itself, `| * + ? {m,n} ( ) [ ]` as
 * in a regex). NULL on either side gives NULL, as in SQL.
 * A pattern written as a literal is a Postgres string: its backslashes are its own (`'\.'` is backslash-dot), where a
 * ClickHouse literal reads `\b`, `\n`, `\\`… as escapes — so the pattern is written again as a ClickHouse literal.
 * Operands: a value, a name, a call, a parenthesised expression, with `::type` casts, joined by `||`, `+`, `-`, `*`, `/`
 * (which bind at least as tightly in Postgres); anything else (a CASE … END operand, an escape clause) is left as
 * written. ClickHouse refuses the original, so no query that runs today changes.
 */
export function withRegexOperators(sql: string): string {
  if (!/~|\bsimilar\s+to\b/i.test(sql)) return sql;
  let out = sql;
  // One operator at a time, the last first, until none can be rewritten.
  for (let guard = 0; guard < 1000; guard++) {
    const tokens = tokenize(out);
    const edit = tokens
      .map((t, i) => ({ t, i }))
      .reverse()
      .map(({ t, i }) => (t.kind === 'op' && /^!?~\*?$/.test(t.text) ? operatorEdit(out, tokens, i) : isSimilarTo(tokens, i) ? similarToEdit(out, tokens, i) : undefined))
      .find((e) => e !== undefined);
    if (!edit) return out;
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

type Kind = 'str' | 'name' | 'word' | 'num' | 'op' | 'open' | 'close' | 'comma';
interface Token {
  readonly kind: Kind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function operatorEdit(sql: string, tokens: Token[], i: number): Edit | undefined {
  const left = termBefore(tokens, i - 1);
  const right = termAfter(tokens, i + 1);
  if (left === undefined || right === undefined) return undefined;
  const op = tokens[i]!.text;
  const a = sql.slice(tokens[left]!.start, tokens[i]!.start).trim();
  const literal = right === i + 1 && tokens[i + 1]!.kind === 'str' ? postgresString(tokens[i + 1]!.text) : undefined;
  const insensitive = op.endsWith('*');
  const p =
    literal !== undefined
      ? sqlString(insensitive ? `(?i)${literal}` : literal)
      : insensitive
        ? `concat('(?i)', ${sql.slice(tokens[i + 1]!.start, tokens[right]!.end)})`
        : sql.slice(tokens[i + 1]!.start, tokens[right]!.end);
  const call = `match(${a}, ${p})`;
  return { start: tokens[left]!.start, end: tokens[right]!.end, text: op.startsWith('!') ? `(NOT ${call})` : call };
}

function isSimilarTo(tokens: Token[], i: number): boolean {
  return /^similar$/i.test(tokens[i]!.text) && tokens[i]!.kind === 'word' && /^to$/i.test(tokens[i + 1]?.text ?? '');
}

function similarToEdit(sql: string, tokens: Token[], i: number): Edit | undefined {
  const not = /^not$/i.test(tokens[i - 1]?.text ?? '') && tokens[i - 1]!.kind === 'word';
  const left = termBefore(tokens, i - (not ? 2 : 1));
  const pattern = tokens[i + 2];
  // The pattern as a literal only (it becomes a regular expression here); an ESCAPE clause is left as written.
  if (left === undefined || pattern?.kind !== 'str' || /^escape$/i.test(tokens[i + 3]?.text ?? '') || /^::$/.test(tokens[i + 3]?.text ?? '')) return undefined;
  const text = postgresString(pattern.text);
  if (text === undefined) return undefined;
  const a = sql.slice(tokens[left]!.start, tokens[i - (not ? 1 : 0)]!.start).trim();
  const call = `match(${a}, ${sqlString(`^(?:${similarToRegex(text)})$`)})`;
  return { start: tokens[left]!.start, end: pattern.end, text: not ? `(NOT ${call})` : call };
}

/** SQL's SIMILAR TO pattern as a regular expression: `%` → `.*`, `_` → `.`, `.`, `^`, `$` themselves, `\x` the character x. */
function similarToRegex(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += escapeRegex(pattern[++i]!);
    else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '.' || c === '^' || c === '$') out += '\\' + c;
    else if (c === '[') {
      // A bracket expression is copied as written, up to its `]` (a `]` first in it is a member).
      const close = pattern.indexOf(']', i + (pattern[i + 1] === '^' ? 3 : 2));
      if (close < 0) return out + escapeRegex(pattern.slice(i));
      out += pattern.slice(i, close + 1);
      i = close;
    } else out += c;
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[\\^$.|?*+()[\]{}]/.test(c) ? `\\${c}` : c;
}

/** A Postgres string literal's text (standard strings: a backslash is itself, `''` a quote); an E'' string is not one. */
function postgresString(literal: string): string | undefined {
  if (!literal.startsWith("'") || !literal.endsWith("'")) return undefined;
  return literal.slice(1, -1).replace(/''/g, "'");
}

// Words that end or start an expression: never an operand.
const KEYWORDS = new Set(
  'and or not when then else end case where on select having by in is like ilike between as distinct from join if escape similar to over filter within group order limit union all'.split(' '),
);
const TIGHTER = new Set(['||', '+', '-', '*', '/', '%']);

function isOperandWord(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'name' || (t.kind === 'word' && !KEYWORDS.has(t.text.toLowerCase())));
}

/** The first token of the operand ending at token `k` (a primary with casts, extended over tighter operators), or undefined. */
function termBefore(tokens: Token[], k: number): number | undefined {
  let start = primaryBefore(tokens, k);
  while (start !== undefined && tokens[start - 1]?.kind === 'op' && TIGHTER.has(tokens[start - 1]!.text)) {
    const more = primaryBefore(tokens, start - 2);
    if (more === undefined) return undefined;
    start = more;
  }
  return start;
}

function primaryBefore(tokens: Token[], k: number): number | undefined {
  // `x::type` / `x::numeric(10, 2)`: the cast belongs to the operand.
  let j = k;
  if (tokens[j]?.kind === 'close') {
    const open = openingOf(tokens, j);
    if (open !== undefined && isOperandWord(tokens[open - 1]) && tokens[open - 2]?.text === '::') j = open - 3;
  } else if (isOperandWord(tokens[j]) && tokens[j - 1]?.text === '::') j -= 2;
  const t = tokens[j];
  if (t === undefined) return undefined;
  if (t.kind === 'str' || t.kind === 'num') return j;
  if (t.kind === 'close') {
    const open = openingOf(tokens, j);
    if (open === undefined) return undefined;
    return isOperandWord(tokens[open - 1]) ? chainBefore(tokens, open - 1) : open;
  }
  return isOperandWord(t) ? chainBefore(tokens, j) : undefined;
}

/** `a.b.c` ending at token j: its first token. */
function chainBefore(tokens: Token[], j: number): number {
  while (tokens[j - 1]?.text === '.' && isOperandWord(tokens[j - 2])) j -= 2;
  return j;
}

/** The last token of the operand starting at token `k`, or undefined. */
function termAfter(tokens: Token[], k: number): number | undefined {
  let end = primaryAfter(tokens, k);
  while (end !== undefined && tokens[end + 1]?.kind === 'op' && TIGHTER.has(tokens[end + 1]!.text)) end = primaryAfter(tokens, end + 2);
  return end;
}

function primaryAfter(tokens: Token[], k: number): number | undefined {
  const t = tokens[k];
  if (t === undefined) return undefined;
  let end: number | undefined;
  if (t.kind === 'str' || t.kind === 'num') end = k;
  else if (t.kind === 'open') end = closingOf(tokens, k);
  else if (isOperandWord(t)) {
    end = k;
    while (tokens[end + 1]?.text === '.' && isOperandWord(tokens[end + 2])) end += 2;
    if (tokens[end + 1]?.kind === 'open') end = closingOf(tokens, end + 1);
  }
  while (end !== undefined && tokens[end + 1]?.text === '::' && isOperandWord(tokens[end + 2])) {
    end += 2;
    if (tokens[end + 1]?.kind === 'open') end = closingOf(tokens, end + 1);
  }
  return end;
}

function closingOf(tokens: Token[], open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.kind === 'open') depth++;
    else if (tokens[i]!.kind === 'close' && --depth === 0) return i;
  }
  return undefined;
}

function openingOf(tokens: Token[], close: number): number | undefined {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (tokens[i]!.kind === 'close') depth++;
    else if (tokens[i]!.kind === 'open' && --depth === 0) return i;
  }
  return undefined;
}

const TOKEN = /\s+|--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:[^'\\]|''|\\[\s\S])*'?|"(?:[^"]|"")*"?|`(?:[^`\\]|\\[\s\S])*`?|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+|!~\*?|~\*?|\|\||::|<=|>=|<>|!=|[(),]|[\s\S]/gy;

/** The tokens of `sql` (whitespace and comments left out); enough lexing to find an operator's operands. */
function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(sql); m; m = TOKEN.exec(sql)) {
    const text = m[0];
    const c = text[0]!;
    if (/^\s/.test(c) || text.startsWith('--') || text.startsWith('/*')) continue;
    const kind: Kind =
      c === "'" ? 'str' : c === '"' || c === '`' ? 'name' : c === '(' ? 'open' : c === ')' ? 'close' : c === ',' ? 'comma' : /[A-Za-z_\u0080-\uffff]/.test(c) ? 'word' : /[\d.]/.test(c) && text !== '.' ? 'num' : 'op';
    out.push({ kind, start: m.index, end: m.index + text.length, text });
  }
  return out;
}
