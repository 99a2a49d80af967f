import nunjucks from 'nunjucks';
import { NewKeyWindow, sharable, shapeOf, type Factory, type SharedTemplateCode } from './shared-code.js';

/**
 * Same-shaped templates compiled without lexing or parsing them (issue 17). shared-code.ts shares
 * the compiled code of templates whose ASTs differ only in their string literals, text and
 * positions, but each template was still lexed and parsed (and its AST walked) to find that out:
 * most of a cold load's Jinja cost. Here a template's source is scanned once (tags with their
 * string literals' contents taken out, the text between tags as holes) into a *source key*; the
 * first templates of a key are parsed and tell how the AST's literals and positions come from the
 * source — which string literal or text hole, trimmed how, which token's line and column — and
 * later templates of that key take those values straight from their own source.
 *
 * Why a key stands for one AST: nunjucks' lexer gives the same tokens for the same tag text, a
 * string literal's content only becoming a STRING token's value, and the parser branches on no
 * STRING or DATA value (only whitespace control trims DATA, decided by the neighbouring tags, which
 * are in the key). Strings whose value the shape keeps (a lookup `x['name']`, a callee's name, '')
 * are added to the key once the first parse shows them. What is checked on that parse, with each
 * token tagged by its index (as its position) and each hole's value replaced by a marker: every
 * AST position is one token's (or nunjucks' constant 0,0), every literal a marker as the parser
 * put it or a value of the key, and the tokens fall on the scan's tags, strings and texts.
 * Anything else (raw blocks, regex literals, a lexer error, an unscannable tag) is compiled as
 * before. A key is learnt from its second template on: a project of all-different templates pays
 * only the scan.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
const nodes = (nunjucks as any).nodes;
const lexer = (nunjucks as any).lexer;

const HOLE = '\u0000';
const MARK = '\u0004';
/** Characters after which a token starts (nunjucks' lexer: whitespace and delimiters end a symbol or number). */
const BOUNDARY = new Uint8Array(256);
for (const c of ' \n\t\r\xa0()[]{}%*-+~/#,:|.<>=!') BOUNDARY[c.charCodeAt(0)] = 1;
const NON_WHITESPACE = /\S/g;

/** A scanned source: its key, and where its holes and anchors are. */
interface Scan {
  readonly key: string;
  /** Offsets that in-tag token positions are counted from: each tag's start, each string literal's end. */
  readonly anchors: number[];
  /** String literals' contents (between the quotes), in order. */
  readonly strings: number[];
  /** Texts between tags (start, end), in order. */
  readonly texts: number[];
}

/** The source key of `src` (a preprocessed template) and its holes; undefined: not scannable. */
export function scanSource(src: string): Scan | undefined {
  if (src.includes(HOLE) || src.includes(MARK)) return undefined;
  const n = src.length;
  const anchors: number[] = [];
  const strings: number[] = [];
  const texts: number[] = [];
  let key = '';
  let i = 0;
  // The next `#}` at or after i (one search per source, not one per text: most sources have none).
  let stray = src.indexOf('#}');
  while (i < n) {
    let tag = -1;
    for (let from = i; ; ) {
      const b = src.indexOf('{', from);
      if (b < 0 || b + 1 >= n) break;
      const c = src.charCodeAt(b + 1);
      if (c === 123 || c === 37 || c === 35) {
        tag = b;
        break;
      }
      from = b + 1;
    }
    const textEnd = tag < 0 ? n : tag;
    if (textEnd > i) {
      if (stray >= 0 && stray < i) stray = src.indexOf('#}', i);
      if (stray >= 0 && stray < textEnd - 1) return undefined; // nunjucks: "unexpected end of comment"
      NON_WHITESPACE.lastIndex = i;
      const m = NON_WHITESPACE.exec(src);
      texts.push(i, textEnd);
      key += m && m.index < textEnd ? `${HOLE}T` : `${HOLE}W`;
    }
    if (tag < 0) break;
    if (src.charCodeAt(tag + 1) === 35) {
      const end = src.indexOf('#}', tag + 2);
      if (end < 0) return undefined;
      // Only whitespace control matters of a comment (its first and last character).
      key += `${HOLE}C${src[tag + 2] === '-' ? '-' : ''}${src[end - 1] === '-' ? '-' : ''}`;
      i = end + 2;
      continue;
    }
    anchors.push(tag);
    key += `${HOLE}A`;
    let k = tag + 2;
    let from = tag;
    let boundary = true; // at the start of a token: a quote opens a string there only
    let closed = false;
    while (k < n) {
      const c = src.charCodeAt(k);
      if ((c === 39 || c === 34) && boundary) {
        let m = k + 1;
        while (m < n && src.charCodeAt(m) !== c) m += src.charCodeAt(m) === 92 ? 2 : 1;
        if (m >= n) return undefined;
        key += src.slice(from, k + 1) + (m > k + 1 ? `${HOLE}s` : `${HOLE}e`);
        strings.push(k + 1, m);
        k = m + 1;
        anchors.push(k);
        from = k - 1;
        continue;
      }
      if ((c === 37 || c === 125) && src.charCodeAt(k + 1) === 125) {
        k += 2;
        closed = true;
        break;
      }
      if (c === 114 && boundary && src.charCodeAt(k + 1) === 47) return undefined; // a regex literal r/…/
      boundary = c < 256 && BOUNDARY[c] === 1;
      k++;
    }
    if (!closed) return undefined;
    key += src.slice(from, k);
    i = k;
  }
  return { key, anchors, strings, texts };
}

/** A STRING token's value as nunjucks' lexer reads it (\n, \t, \r; any other escaped character as itself). */
function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\([\s\S]?)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

/** Where a token is in a source of the key: a text's start, or an anchor plus a fixed distance. */
type Locator = { readonly text: number } | { readonly anchor: number; readonly delta: number };

/** Where a hoisted literal's value comes from. */
type LiteralSource = { readonly string: number } | { readonly text: number; readonly trimStart: boolean; readonly trimEnd: boolean } | { readonly value: string };

/** What a template of a key needs to call the shared code: its literals and positions, from its source. */
interface Recipe {
  readonly factory: Factory;
  readonly lits: readonly LiteralSource[];
  /** Tokens whose positions are needed, ascending; `pos` indexes them (−1: nunjucks' constant 0,0; −2: a node made without a position). */
  readonly tokens: readonly Locator[];
  readonly pos: readonly number[];
}

/** A source key's first parse: the strings its shape keeps, and a recipe per value of those. */
interface KeyEntry {
  readonly baked: readonly number[];
  readonly recipes: Map<string, Recipe | null>;
}

export interface TokenParse {
  /** Every token of `src` (whitespace left out), or undefined when the lexer fails. */
  lex(src: string): any[] | undefined;
  /** The AST the parser builds from `tokens`. */
  parse(tokens: any[]): unknown;
}

const MAX_KEYS = 20_000;

export class SourceShapes {
  /** Source key → its entry; 'seen': met once (learnt on the second template); null: not shared. */
  private readonly keys = new Map<string, KeyEntry | 'seen' | null>();
  /** Templates compiled from a recipe (not parsed as themselves: the one a recipe was learnt from is parsed with tagged tokens). */
  hits = 0;
  /** Scanning is given up for a while when nearly every key is new (a project whose templates all differ). */
  private readonly window = new NewKeyWindow();

  constructor(
    private readonly shared: SharedTemplateCode,
    private readonly tokens: TokenParse,
  ) {}

  /** The compiled props of `src`, or undefined: parse and compile it as usual. */
  props(src: string): Record<string, unknown> | undefined {
    if (this.window.paused() || !sharable(src)) return undefined;
    const scan = scanSource(src);
    if (!scan) return undefined;
    const entry = this.keys.get(scan.key);
    this.window.met(entry === undefined);
    if (entry === undefined || entry === null) {
      if (entry === undefined) this.remember(scan.key, 'seen');
      return undefined;
    }
    let variant = '';
    if (entry !== 'seen') for (const s of entry.baked) variant += `${src.slice(scan.strings[2 * s]!, scan.strings[2 * s + 1]!).length}:${src.slice(scan.strings[2 * s]!, scan.strings[2 * s + 1]!)}`;
    const recipe = entry === 'seen' ? undefined : entry.recipes.get(variant);
    if (recipe) {
      this.hits++;
      return cook(recipe, src, scan);
    }
    if (recipe === null) return undefined;
    const learnt = this.learn(src, scan);
    if (!learnt) {
      if (entry === 'seen') this.remember(scan.key, null);
      else entry.recipes.set(variant, null);
      return undefined;
    }
    const known = entry === 'seen' ? { baked: learnt.baked, recipes: new Map<string, Recipe | null>() } : entry;
    if (entry === 'seen') this.remember(scan.key, known);
    // The baked strings are the same for every template of a key (they are the shape's, and the shape follows from the key).
    if (known.baked.join() !== learnt.baked.join()) return undefined;
    known.recipes.set(learnt.variant, learnt.recipe);
    if (!learnt.recipe) return undefined;
    this.hits++;
    return cook(learnt.recipe, src, scan);
  }

  private remember(key: string, entry: KeyEntry | 'seen' | null): void {
    if (!this.keys.has(key) && this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(key, entry);
  }

  /** Parses `src` with tagged tokens to learn its key's recipe; undefined when something does not fit. */
  private learn(src: string, scan: Scan): { baked: number[]; variant: string; recipe: Recipe | null } | undefined {
    const real = this.tokens.lex(src);
    if (!real) return undefined;
    // Each token's locator, and which string / text it is.
    const lines = lineStarts(src);
    const locators: (Locator | undefined)[] = [];
    const stringOf = new Map<number, number>();
    const textOf = new Map<number, number>();
    let anchor = 0;
    for (let j = 0; j < real.length; j++) {
      const t = real[j];
      if (t.type === lexer.TOKEN_BLOCK_START && (real[j + 1]?.value === 'raw' || real[j + 1]?.value === 'verbatim')) return undefined;
      if (t.type === lexer.TOKEN_COMMENT) {
        locators.push(undefined);
        continue;
      }
      const offset = lines[t.lineno]! + t.colno;
      if (t.type === lexer.TOKEN_DATA) {
        const x = textOf.size;
        if (scan.texts[2 * x] !== offset || src.slice(offset, scan.texts[2 * x + 1]) !== t.value) return undefined;
        textOf.set(j, x);
        locators.push({ text: x });
        continue;
      }
      if (t.type === lexer.TOKEN_STRING) {
        const s = stringOf.size;
        if (scan.strings[2 * s] !== offset + 1 || unescape(src.slice(offset + 1, scan.strings[2 * s + 1])) !== t.value) return undefined;
        stringOf.set(j, s);
      }
      while (anchor + 1 < scan.anchors.length && scan.anchors[anchor + 1]! <= offset) anchor++;
      if (scan.anchors[anchor] === undefined || scan.anchors[anchor]! > offset) return undefined;
      locators.push({ anchor, delta: offset - scan.anchors[anchor]! });
    }
    if (textOf.size * 2 !== scan.texts.length || stringOf.size * 2 !== scan.strings.length) return undefined;
    // Parse with each token's index as its position and markers as the holes' values.
    const tagged = real.map((t, j) => ({
      type: t.type,
      value: t.type === lexer.TOKEN_DATA ? ` ${MARK}D${j}${MARK} ` : t.type === lexer.TOKEN_STRING ? `${MARK}S${j}${MARK}` : t.value,
      lineno: 2 * j,
      colno: 2 * j + 1,
    }));
    let ast: any;
    try {
      ast = this.tokens.parse(tagged);
    } catch {
      return undefined;
    }
    // Put the real values and positions in, noting where each came from.
    const tokenOf = new Map<any, number>();
    const literalOf = new Map<any, LiteralSource>();
    const seen = new Set<any>();
    const fix = (node: any): boolean => {
      if (seen.has(node)) return true;
      seen.add(node);
      const L = node.lineno;
      const C = node.colno;
      if (L === 0 && C === 0) tokenOf.set(node, -1);
      else if (typeof L === 'number' && L % 2 === 0 && C === L + 1 && L / 2 < real.length) {
        const j = L / 2;
        if (locators[j] === undefined) return false;
        tokenOf.set(node, j);
        node.lineno = real[j].lineno;
        node.colno = real[j].colno;
      } else if (L === undefined && C === undefined) tokenOf.set(node, -2);
      else return false;
      for (const k of Object.keys(node)) {
        if (k === 'lineno' || k === 'colno') continue;
        const v = node[k];
        if (typeof v === 'string') {
          if (!v.includes(MARK)) continue;
          if (k !== 'value' || !(node instanceof nodes.Literal)) return false;
          const m = /^( ?)\u0004([DS])(\d+)\u0004( ?)$/.exec(v);
          const j = m ? Number(m[3]) : -1;
          if (!m || j !== tokenOf.get(node)) return false;
          if (m[2] === 'S') {
            if (m[1] || m[4] || !stringOf.has(j)) return false;
            node.value = real[j].value;
            literalOf.set(node, { string: stringOf.get(j)! });
          } else {
            if (!(node instanceof nodes.TemplateData) || !textOf.has(j)) return false;
            const source = { text: textOf.get(j)!, trimStart: !m[1], trimEnd: !m[4] };
            node.value = trimmed(real[j].value, source);
            literalOf.set(node, source);
          }
        } else if (!fixValue(v)) return false;
      }
      return true;
    };
    const fixValue = (v: unknown): boolean => {
      if (v instanceof nodes.Node) return fix(v);
      if (Array.isArray(v)) return v.every(fixValue);
      return typeof v !== 'string' || !v.includes(MARK);
    };
    if (!fix(ast)) return undefined;
    const shape = shapeOf(ast);
    if (!shape) return undefined;
    // Strings the shape keeps in its key decide the variant; a text the shape keeps is '' (fixed by the key).
    const baked = new Set<number>();
    for (const node of shape.bakedNodes) {
      const from = literalOf.get(node);
      if (from && 'string' in from) baked.add(from.string);
      else if (from && node.value !== '') return undefined; // a text the shape keeps must be '' (decided by the key)
    }
    const bakedList = [...baked].sort((a, b) => a - b);
    let variant = '';
    for (const s of bakedList) variant += `${scan.strings[2 * s + 1]! - scan.strings[2 * s]!}:${src.slice(scan.strings[2 * s]!, scan.strings[2 * s + 1]!)}`;
    const factory = this.shared.factoryOf(ast, shape);
    if (!factory) return { baked: bakedList, variant, recipe: null };
    const lits: LiteralSource[] = shape.litNodes.map((node) => literalOf.get(node) ?? { value: node.value as string });
    const used = [...new Set(shape.posNodes.map((node) => tokenOf.get(node)!).filter((j) => j >= 0))].sort((a, b) => a - b);
    const slot = new Map(used.map((j, i) => [j, i]));
    const recipe: Recipe = { factory, lits, tokens: used.map((j) => locators[j]!), pos: shape.posNodes.map((node) => (tokenOf.get(node)! < 0 ? tokenOf.get(node)! : slot.get(tokenOf.get(node)!)!)) };
    // The recipe must give this template's own values and positions.
    const check = ingredients(recipe, src, scan);
    if (check.lits.some((v, i) => v !== shape.lits[i]) || check.pos.some((v, i) => v !== shape.pos[i])) return undefined;
    return { baked: bakedList, variant, recipe };
  }
}

function trimmed(text: string, how: { readonly trimStart: boolean; readonly trimEnd: boolean }): string {
  let t = text;
  if (how.trimStart) t = t.replace(/^\s*/, '');
  if (how.trimEnd) t = t.replace(/\s*$/, '');
  return t;
}

function lineStarts(src: string): number[] {
  const starts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The literals and positions of `src` (a template of the recipe's key) as its shared code takes them. */
function ingredients(recipe: Recipe, src: string, scan: Scan): { lits: string[]; pos: unknown[] } {
  const lits = recipe.lits.map((from) =>
    'value' in from ? from.value : 'string' in from ? unescape(src.slice(scan.strings[2 * from.string]!, scan.strings[2 * from.string + 1]!)) : trimmed(src.slice(scan.texts[2 * from.text]!, scan.texts[2 * from.text + 1]!), from),
  );
  // Line and column of each needed token: offsets ascend, so one pass over the newlines.
  const at: number[] = new Array(recipe.tokens.length * 2);
  let line = 0;
  let lineStart = 0;
  let next = src.indexOf('\n');
  for (let i = 0; i < recipe.tokens.length; i++) {
    const l = recipe.tokens[i]!;
    const offset = 'text' in l ? scan.texts[2 * l.text]! : scan.anchors[l.anchor]! + l.delta;
    while (next >= 0 && next < offset) {
      line++;
      lineStart = next + 1;
      next = src.indexOf('\n', lineStart);
    }
    at[2 * i] = line;
    at[2 * i + 1] = offset - lineStart;
  }
  const pos: unknown[] = new Array(recipe.pos.length * 2);
  for (let i = 0; i < recipe.pos.length; i++) {
    const k = recipe.pos[i]!;
    pos[2 * i] = k >= 0 ? at[2 * k] : k === -1 ? 0 : undefined;
    pos[2 * i + 1] = k >= 0 ? at[2 * k + 1] : k === -1 ? 0 : undefined;
  }
  return { lits, pos };
}

function cook(recipe: Recipe, src: string, scan: Scan): Record<string, unknown> {
  const { lits, pos } = ingredients(recipe, src, scan);
  return recipe.factory(lits, pos);
}
