import { FLOAT_GLOBAL } from './float-literal.js';

/**
 * A small, string-aware tokenizer for the inside of `{% %}` / `{{ }}` tags, and the expression
 * rewrites the preprocessor applies to every tag (all of them keep the number of newlines).
 */

export interface Tok {
  t: 'ws' | 'str' | 'name' | 'num' | 'op';
  v: string;
}

const TOKEN_RE = /(\s+)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)|(\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)|(\/\/|\*\*|==|!=|<=|>=|[\s\S])/gy;

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN_RE.lastIndex < src.length && (m = TOKEN_RE.exec(src))) {
    if (m[1] !== undefined) out.push({ t: 'ws', v: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'str', v: m[2] });
    else if (m[3] !== undefined) out.push({ t: 'name', v: m[3] });
    else if (m[4] !== undefined) out.push({ t: 'num', v: m[4] });
    else out.push({ t: 'op', v: m[5] });
  }
  return out;
}

export function untokenize(toks: Tok[]): string {
  let out = '';
  for (const tok of toks) {
    // nunjucks would read `}}` (or `{{`) inside an expression as the end of a tag.
    if (tok.t === 'op' && (tok.v === '}' || tok.v === '{') && out.endsWith(tok.v)) out += ' ';
    out += tok.v;
  }
  return out;
}

/** Index of the next non-whitespace token at or after i (or -1). */
export function nextSig(toks: Tok[], i: number): number {
  for (let j = i; j < toks.length; j++) if (toks[j].t !== 'ws') return j;
  return -1;
}

export function prevSig(toks: Tok[], i: number): number {
  for (let j = i; j >= 0; j--) if (toks[j].t !== 'ws') return j;
  return -1;
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** Bracket depth before each token. */
export function depths(toks: Tok[]): number[] {
  let d = 0;
  return toks.map((tok) => {
    if (tok.t === 'op' && CLOSE.has(tok.v)) d = Math.max(0, d - 1);
    const here = d;
    if (tok.t === 'op' && OPEN.has(tok.v)) d++;
    return here;
  });
}

/** Index of the bracket that closes the one opened at i. */
export function matchBracket(toks: Tok[], i: number): number {
  let d = 0;
  for (let j = i; j < toks.length; j++) {
    if (toks[j].t !== 'op') continue;
    if (OPEN.has(toks[j].v)) d++;
    else if (CLOSE.has(toks[j].v) && --d === 0) return j;
  }
  return toks.length - 1;
}

/** True when a top-level (depth 0) comma occurs in toks. */
export function hasTopLevelComma(toks: Tok[]): boolean {
  const d = depths(toks);
  return toks.some((tok, i) => tok.t === 'op' && tok.v === ',' && d[i] === 0);
}

/** Python string literal → its value (the escapes Jinja's lexer understands). */
function strValue(lit: string): string {
  const body = lit.slice(1, -1);
  return body.replace(/\\(.)/gs, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' })[c] ?? '\\' + c);
}

/**
 * A Jinja string literal as nunjucks must read it to get the same value: nunjucks knows only the
 * escapes \n \t \r and drops the backslash of any other, where Python keeps it (`'\d+'` in a regex).
 * Newlines are kept where they are (line numbers).
 */
function nunjucksString(lit: string): string {
  const q = lit[0]!;
  const body = lit.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0-7]{1,3}|[\s\S])/g, (whole, c: string) => {
    if ('ntr\\\'"'.includes(c) || c === '\n') return whole;
    if (c.length > 1 || /[0-7]/.test(c)) {
      const hex = c[0] === 'x' || c[0] === 'u';
      const ch = String.fromCharCode(parseInt(hex ? c.slice(1) : c, hex ? 16 : 8));
      return ch === '\\' ? '\\\\' : ch === q ? `\\${q}` : ch;
    }
    const known: Record<string, string> = { a: '\x07', b: '\b', f: '\f', v: '\v' };
    return known[c] ?? `\\\\${c}`;
  });
  return q + body + q;
}

function strLiteral(value: string): string {
  return "'" + value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + "'";
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'recursive', 'as', 'with', 'without', 'context', 'import', 'ignore', 'missing']);
const LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'none' };

/** End index (inclusive) of the primary expression starting at i: atom plus `.x`, `[..]`, `(..)`. */
function primaryEnd(toks: Tok[], i: number): number {
  let end = toks[i].t === 'op' ? matchBracket(toks, i) : i;
  for (;;) {
    const n = end + 1 < toks.length ? toks[end + 1] : undefined;
    if (n?.t === 'op' && (n.v === '(' || n.v === '[')) end = matchBracket(toks, end + 1);
    else if (n?.t === 'op' && n.v === '.' && toks[end + 2]?.t === 'name') end += 2;
    else return end;
  }
}

/** `1_000` → `1000`; `1.5e3` → `(1.5 * 10 ** 3)` (nunjucks' lexer reads no exponents). */
function plainNumber(v: string): string {
  const [m, e] = v.replace(/_/g, '').split(/[eE]/);
  if (e === undefined) return m;
  const exp = Number(e);
  return exp < 0 ? `(${m} / 10 ** ${-exp})` : `(${m} * 10 ** ${exp})`;
}

/** nunjucks parses a dict key as a primary: `{k ~ 'x': v}` / `{x|lower: v}` need parentheses. */
function parenthesizeDictKeys(toks: Tok[]): void {
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].t !== 'op' || toks[i].v !== '{') continue;
    const close = matchBracket(toks, i);
    let depth = 0;
    let keyStart = i + 1;
    for (let j = i + 1; j < close; j++) {
      const t = toks[j];
      if (t.t !== 'op') continue;
      if (OPEN.has(t.v)) depth++;
      else if (CLOSE.has(t.v)) depth--;
      else if (depth === 0 && t.v === ',') keyStart = j + 1;
      else if (depth === 0 && t.v === ':') {
        const key = toks.slice(keyStart, j).map((k, n) => ({ k, n: n + keyStart })).filter(({ k }) => k.t !== 'ws');
        if (key.length > 1) {
          toks[key[0].n].v = '(' + toks[key[0].n].v;
          toks[key[key.length - 1].n].v += ')';
        }
        keyStart = close; // the value follows: no key until the next comma
      }
    }
  }
}

/**
 * Rewrites Jinja expression syntax nunjucks lacks: `True/False/None`, `x.0`, adjacent string
 * literals, trailing commas, and a test argument without parentheses (`is sameas none`).
 */
export function rewriteExpressionTokens(input: Tok[]): Tok[] {
  const toks = input.map((t) => ({ ...t }));
  parenthesizeDictKeys(toks);
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i];
    const p = prevSig(toks, i - 1);
    const prev = p >= 0 ? toks[p] : undefined;
    const afterDot = prev?.t === 'op' && prev.v === '.';
    if (tok.t === 'name' && LITERALS[tok.v] && !afterDot) tok.v = LITERALS[tok.v];
    // `1.0`, `1e3`: floats with an integral value keep their float-ness (they print as `1.0`).
    else if (tok.t === 'num' && !afterDot && /[.eE]/.test(tok.v) && Number.isInteger(Number(tok.v.replace(/_/g, '')))) tok.v = `${FLOAT_GLOBAL}(${plainNumber(tok.v)})`;
    else if (tok.t === 'num' && !afterDot && /[eE_]/.test(tok.v)) tok.v = plainNumber(tok.v);
    else if (tok.t === 'num' && afterDot && p === i - 1) {
      // `x.0` / `x.0.1` → `x[0]` / `x[0][1]`
      prev!.v = '';
      tok.t = 'op';
      tok.v = tok.v.split('.').map((n) => `[${n}]`).join('');
    } else if (tok.t === 'str') {
      // nunjucks drops the backslash of an escape it does not know: give it the string's Python value.
      if (tok.v.includes('\\')) tok.v = nunjucksString(tok.v);
      const n = nextSig(toks, i + 1);
      if (n >= 0 && toks[n].t === 'str') {
        toks[n].v = strLiteral(strValue(tok.v) + strValue(toks[n].v));
        for (let j = i; j < n; j++) toks[j].v = '';
      }
    } else if (tok.t === 'op' && tok.v === ',') {
      const n = nextSig(toks, i + 1);
      if (n >= 0 && toks[n].t === 'op' && CLOSE.has(toks[n].v)) tok.v = '';
    } else if (tok.t === 'name' && tok.v === 'is') {
      let n = nextSig(toks, i + 1);
      if (n >= 0 && toks[n].v === 'not') n = nextSig(toks, n + 1);
      if (n < 0 || toks[n].t !== 'name') continue;
      const a = nextSig(toks, n + 1);
      const argTok = a >= 0 ? toks[a] : undefined;
      const startsPrimary = argTok && (argTok.t === 'str' || argTok.t === 'num'
        || (argTok.t === 'name' && !KEYWORDS.has(argTok.v)) || (argTok.t === 'op' && (argTok.v === '[' || argTok.v === '{')));
      if (startsPrimary) {
        const end = primaryEnd(toks, a);
        toks[a].v = '(' + toks[a].v;
        if (LITERALS[argTok.v] && argTok.t === 'name') toks[a].v = '(' + LITERALS[argTok.v];
        toks[end].v += ')';
      }
    }
  }
  return toks;
}
