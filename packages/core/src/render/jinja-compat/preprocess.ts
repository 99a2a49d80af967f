import { ProjectError } from '../../shared/errors.js';
import { SETATTR_GLOBAL } from './globals.js';
import {
  depths, hasTopLevelComma, nextSig, rewriteExpressionTokens, tokenize, untokenize, type Tok,
} from './tag-tokens.js';

/**
 * Source-level rewrites for Jinja2/dbt syntax nunjucks lacks. Applied inside tags only (string
 * aware; `{% raw %}` and comments untouched) and never adding or removing a newline, so
 * nunjucks' line numbers stay right. Constructs that cannot be made identical are rejected here.
 */

interface TagCtx {
  file: string;
  line: number;
  open: string; // '{%' or '{%-'
  close: string; // '%}' or '-%}'
  setStack: ({ ns: string; attr: string; tmp: string } | { filter: string; target: string } | null)[];
  counter: { n: number };
}

function fail(ctx: TagCtx, msg: string): never {
  throw new ProjectError('jinja_unsupported', `${ctx.file}:${ctx.line}: ${msg}`, {
    file: ctx.file,
    line: ctx.line,
    hint: 'This Jinja construct cannot be rendered identically by tsdbt; rewrite it as suggested.',
  });
}

function sig(toks: Tok[]): Tok[] {
  return toks.filter((t) => t.t !== 'ws');
}

const expr = (toks: Tok[]) => untokenize(rewriteExpressionTokens(toks));
const newlinesOf = (s: string) => s.replace(/[^\n]/g, '');

/** Several tags standing for one: the first keeps the opening marker, the last the closing one. */
function tags(ctx: TagCtx, bodies: string[]): string {
  return bodies
    .map((b, i) => `${i === 0 ? ctx.open : '{%'} ${b} ${i === bodies.length - 1 ? ctx.close : '%}'}`)
    .join('');
}

/** A tag that disappears, keeping its newlines and whitespace control (a comment). */
function erase(ctx: TagCtx, content: string): string {
  return `{#${ctx.open.endsWith('-') ? '-' : ''}${newlinesOf(content)}${ctx.close.startsWith('-') ? '-' : ''}#}`;
}

function rewriteSet(ctx: TagCtx, rest: Tok[]): string {
  const d = depths(rest);
  const eq = rest.findIndex((t, i) => t.t === 'op' && t.v === '=' && d[i] === 0);
  const targetToks = eq < 0 ? rest : rest.slice(0, eq);
  const value = eq < 0 ? [] : rest.slice(eq + 1);
  const targets = sig(targetToks);
  const pipe = targets.findIndex((t) => t.v === '|');
  if (eq < 0) {
    // Block set: `{% set x %}…{% endset %}`, `{% set ns.x %}`, `{% set x | filter %}`.
    if (targets.length === 3 && targets[1].v === '.') {
      const tmp = `__jc_set${ctx.counter.n++}`;
      ctx.setStack.push({ ns: targets[0].v, attr: targets[2].v, tmp });
      return tags(ctx, [`set ${tmp}`]);
    }
    if (pipe > 0) {
      const at = targetToks.findIndex((t) => t.t === 'op' && t.v === '|');
      ctx.setStack.push({ filter: expr(targetToks.slice(at)).replace(/\n/g, ' '), target: targets[0].v });
      return tags(ctx, [`set ${targets[0].v}${newlinesOf(untokenize(targetToks))}`]);
    }
    ctx.setStack.push(null);
    return tags(ctx, [`set${untokenize(rest)}`]);
  }
  const valueSrc = hasTopLevelComma(value) ? ` (${expr(value).trim()})${newlinesOf(expr(value))}` : expr(value);
  if (targets.length === 3 && targets[1].v === '.' && targets[0].t === 'name' && targets[2].t === 'name') {
    return tags(ctx, [`do ${SETATTR_GLOBAL}(${targets[0].v}, '${targets[2].v}', ${valueSrc})`]);
  }
  const names = targets.filter((t) => t.t === 'name').map((t) => t.v);
  if (targets.some((t) => t.v === ',')) {
    // Tuple unpacking: `{% set a, b = 1, 2 %}` → a temporary plus one indexed set per name.
    const tmp = `__jc_unpack${ctx.counter.n++}`;
    return tags(ctx, [`set ${tmp} =${valueSrc}`, ...names.map((n, i) => `set ${n} = ${tmp}[${i}]`)]);
  }
  return tags(ctx, [`set${untokenize(targetToks)}=${valueSrc}`]);
}

function rewriteEndset(ctx: TagCtx): string {
  const entry = ctx.setStack.pop();
  if (entry && 'ns' in entry) return tags(ctx, ['endset', `do ${SETATTR_GLOBAL}(${entry.ns}, '${entry.attr}', ${entry.tmp})`]);
  if (entry && 'filter' in entry) return tags(ctx, ['endset', `set ${entry.target} = ${entry.target}${entry.filter}`]);
  return tags(ctx, ['endset']);
}

function rewriteFor(ctx: TagCtx, rest: Tok[]): string {
  const d = depths(rest);
  const inIdx = rest.findIndex((t, i) => t.t === 'name' && t.v === 'in' && d[i] === 0);
  if (inIdx < 0) return tags(ctx, [`for${expr(rest)}`]);
  let iter = rest.slice(inIdx + 1);
  const di = depths(iter);
  if (iter.some((t, i) => t.t === 'name' && t.v === 'recursive' && di[i] === 0)) {
    fail(ctx, "recursive for loops ('{% for … recursive %}') are not supported.");
  }
  // `for (a, b) in …` → `for a, b in …`
  const targets = rest.slice(0, inIdx).map((t) => (t.t === 'op' && (t.v === '(' || t.v === ')') ? { ...t, v: ' ' } : t));
  const ifIdx = iter.findIndex((t, i) => t.t === 'name' && t.v === 'if' && di[i] === 0);
  const cond = ifIdx < 0 ? undefined : iter.slice(ifIdx + 1);
  if (ifIdx >= 0) iter = iter.slice(0, ifIdx);
  const iterSrc = hasTopLevelComma(iter) ? ` (${expr(iter).trim()})${newlinesOf(expr(iter))} ` : expr(iter);
  if (!cond) return tags(ctx, [`for${untokenize(targets)}in${iterSrc}`]);
  // `for x in seq if cond` (Jinja's loop filter): collect the items that pass, then loop over
  // them, so `loop.index`, `loop.last` and `else` see only those, as in Jinja.
  const names = sig(targets).filter((t) => t.t === 'name').map((t) => t.v);
  const item = names.length > 1 ? `(${names.join(', ')})` : names[0];
  const tmp = `__jc_for${ctx.counter.n++}`;
  const flat = (s: string) => s.replace(/\n/g, ' ');
  return tags(ctx, [
    `set ${tmp} = []`,
    `for${untokenize(targets)}in${iterSrc}`,
    `if ${expr(cond)}`,
    `do ${tmp}.append(${item})`,
    'endif',
    'endfor',
    `for ${flat(untokenize(targets)).trim()} in ${tmp}`,
  ]);
}

function rewriteWith(ctx: TagCtx, rest: Tok[]): string {
  // `{% with a = 1 %}` → a one-iteration loop (loop frames are isolated scopes) plus sets.
  const d = depths(rest);
  const groups: Tok[][] = [[]];
  rest.forEach((t, i) => (t.t === 'op' && t.v === ',' && d[i] === 0 ? groups.push([]) : groups[groups.length - 1].push(t)));
  const sets = groups.filter((g) => sig(g).length).map((g) => `set${expr(g)}`);
  return tags(ctx, ['for __jc_with in [0]', ...sets]);
}

/** dbt's `{% materialization name, adapter='x' %}` / `, default` → `macro materialization_name_x()`. */
function materializationName(ctx: TagCtx, rest: Tok[]): string {
  const s = sig(rest);
  if (!s.length || s[0].t !== 'name') fail(ctx, 'materialization name expected');
  let adapter = 'default';
  for (let i = 1; i < s.length; i++) {
    if (s[i].v === 'adapter' && s[i + 1]?.v === '=' && s[i + 2]?.t === 'str') adapter = s[i + 2].v.slice(1, -1);
  }
  return `materialization_${s[0].v}_${adapter}`;
}

// A statement tag without a special keyword (`{% if … %}`, `{% endif %}`, `{% macro … %}`…) is rewritten
// as a pure function of its text, and projects repeat the same ones in many files (as `{{ … }}` tags).
const plainStatements = new Map<string, string>();

function rewriteStatement(ctx: TagCtx, content: string): string {
  const plain = plainStatements.get(content);
  if (plain !== undefined) return `${ctx.open}${plain}${ctx.close}`;
  const toks = tokenize(content);
  const first = nextSig(toks, 0);
  if (first < 0) return `${ctx.open}${content}${ctx.close}`;
  const name = toks[first].v;
  const rest = toks.slice(first + 1);
  switch (name) {
    case 'set': return rewriteSet(ctx, rest);
    case 'endset': return rewriteEndset(ctx);
    case 'for': return rewriteFor(ctx, rest);
    case 'with': return rewriteWith(ctx, rest);
    case 'endwith': return tags(ctx, ['endfor']);
    case 'test': {
      const n = nextSig(rest, 0);
      if (n < 0 || rest[n].t !== 'name') fail(ctx, 'test name expected');
      return tags(ctx, [`macro test_${rest[n].v}${expr(rest.slice(n + 1))}`]);
    }
    case 'materialization': return tags(ctx, [`macro ${materializationName(ctx, rest)}()`]);
    case 'docs': {
      const n = nextSig(rest, 0);
      if (n < 0 || rest[n].t !== 'name') fail(ctx, 'docs name expected');
      return tags(ctx, [`macro docs_${rest[n].v}()`]);
    }
    case 'endtest': case 'endmaterialization': case 'enddocs': return tags(ctx, ['endmacro']);
    case 'snapshot': case 'endsnapshot': return erase(ctx, content);
    default: {
      const text = `${untokenize(toks.slice(0, first + 1))}${expr(rest)}`;
      if (plainStatements.size >= 20_000) plainStatements.clear();
      plainStatements.set(content, text);
      return `${ctx.open}${text}${ctx.close}`;
    }
  }
}

/** Finds where a tag's content ends: `%}` for statements, a `}}` outside brackets for outputs. */
function findTagEnd(src: string, from: number, kind: string): number {
  let depth = 0;
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"') {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (kind === '%') {
      if (c === '%' && src[i + 1] === '}') return i;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (c === '}' && depth === 0 && src[i + 1] === '}') return i;
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

// `{{ … }}` rewrites are a pure function of the tag's text, and projects repeat the same ones
// (`{{ config(…) }}`, `{{ var('x') }}`) in many files.
const outputRewrites = new Map<string, string>();

function outputExpression(content: string): string {
  let text = outputRewrites.get(content);
  if (text === undefined) {
    text = expr(tokenize(content));
    if (outputRewrites.size >= 20_000) outputRewrites.clear();
    outputRewrites.set(content, text);
  }
  return text;
}

export function preprocessSource(source: string, file: string): string {
  return preprocess(source, file, undefined);
}

/** The preprocessed text, and where a position of it was in the source (lines never move; columns may). */
export interface Preprocessed {
  readonly text: string;
  /** 1-based line/column in `text` → 1-based line/column in the source. */
  sourcePosition(line: number, column: number): { line: number; column: number };
}

export function preprocessWithPositions(source: string, file: string): Preprocessed {
  const pieces: [number, number, number, boolean][] = [];
  const text = preprocess(source, file, pieces);
  const src = normalized(source);
  return { text, sourcePosition: (l, c) => positionIn(src, pieces, offsetOf(text, l, c)) };
}

function normalized(source: string): string {
  // Jinja normalises newlines and drops one trailing newline (keep_trailing_newline=False).
  let src = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  if (src.endsWith('\n')) src = src.slice(0, -1);
  return src;
}

/**
 * The preprocessed text of `source`; `pieces` (when given) gets [output offset, source offset,
 * source length, copied verbatim] of each piece of the output, for positions (a load's renders need none).
 */
function preprocess(source: string, file: string, pieces: [number, number, number, boolean][] | undefined): string {
  const src = normalized(source);
  const ctxBase = { file, setStack: [] as TagCtx['setStack'], counter: { n: 0 } };
  const startRe = /\{[{%#]/g;
  let out = '';
  const copy = (from: number, to: number) => {
    pieces?.push([out.length, from, to - from, true]);
    out += src.slice(from, to);
  };
  const rewritten = (from: number, to: number, text: string) => {
    pieces?.push([out.length, from, to - from, false]);
    out += text;
  };
  let i = 0;
  let line = 1;
  let lineScan = 0;
  for (;;) {
    startRe.lastIndex = i;
    const m = startRe.exec(src);
    if (!m) break;
    copy(i, m.index);
    const start = m.index;
    for (let nl = src.indexOf('\n', lineScan); nl !== -1 && nl < start; nl = src.indexOf('\n', nl + 1)) line++;
    lineScan = start;
    if (m[0] === '{#') {
      const e = src.indexOf('#}', start + 2);
      const end = e < 0 ? src.length : e + 2;
      copy(start, end);
      i = end;
      continue;
    }
    const kind = m[0][1];
    let p = start + 2;
    let open = m[0];
    if (src[p] === '-') open += src[p++];
    else if (src[p] === '+') p++; // `{%+`: lstrip_blocks is off, so '+' changes nothing
    const endAt = findTagEnd(src, p, kind);
    if (endAt < 0) {
      i = start; // unterminated: copied as it is, nunjucks reports it
      break;
    }
    let contentEnd = endAt;
    let close = kind === '%' ? '%}' : '}}';
    if (src[endAt - 1] === '-' && endAt - 1 >= p) {
      close = '-' + close;
      contentEnd--;
    } else if (kind === '%' && src[endAt - 1] === '+' && endAt - 1 >= p) {
      contentEnd--;
    }
    const content = src.slice(p, contentEnd);
    const tagEnd = endAt + 2;
    if (kind === '{') {
      rewritten(start, tagEnd, open + outputExpression(content) + close);
      i = tagEnd;
      continue;
    }
    const ctx: TagCtx = { file, setStack: ctxBase.setStack, counter: ctxBase.counter, line, open, close };
    if (/^\s*raw\s*$/.test(content)) {
      const endRaw = /\{%-?\s*endraw\s*-?%\}/g;
      endRaw.lastIndex = tagEnd;
      const em = endRaw.exec(src);
      const rawEnd = em ? em.index + em[0].length : src.length;
      copy(start, rawEnd);
      i = rawEnd;
      continue;
    }
    rewritten(start, tagEnd, rewriteStatement(ctx, content));
    i = tagEnd;
  }
  copy(i, src.length);
  return out;
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  return offset + Math.max(0, column - 1);
}

/** The source position of an output offset: exact in copied text, the same distance into a rewritten tag (at most its end). */
function positionIn(src: string, pieces: readonly [number, number, number, boolean][], offset: number): { line: number; column: number } {
  let piece = pieces[0];
  for (const p of pieces) if (p[0] <= offset) piece = p;
  const at = piece ? piece[1] + Math.min(offset - piece[0], piece[3] ? offset - piece[0] : Math.max(0, piece[2] - 1)) : offset;
  const before = src.slice(0, Math.min(at, src.length));
  const line = before.split('\n').length;
  return { line, column: at - (before.lastIndexOf('\n') + 1) + 1 };
}
