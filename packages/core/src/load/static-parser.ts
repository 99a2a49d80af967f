import { conflictingHookKeys } from '../manifest/config.js';
import { placeholder, refTarget } from '../render/placeholders.js';
import type { RenderState } from '../render/render-state.js';

/**
 * dbt's "static parser" idea: most models only call ref/source/config with literal arguments.
 * Those are handled here without nunjucks (about 50× faster per file); anything else returns
 * undefined and takes the full Jinja path. Output is identical to what nunjucks renders.
 */
const CALL = /\{\{(-?)\s*(ref|source|config)\s*\(([\s\S]*?)\)\s*(-?)\}\}/g;

type Literal = string | number | boolean | null | Literal[] | { [k: string]: Literal };

class LiteralReader {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    this.ws();
    return this.i >= this.s.length;
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }

  eat(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.i++;
    return true;
  }

  ident(): string | undefined {
    this.ws();
    const m = /^[A-Za-z_]\w*/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  /** `name=` lookahead for keyword arguments. */
  keyword(): string | undefined {
    const save = this.i;
    const name = this.ident();
    if (name && this.peek() === '=' && this.s[this.i + 1] !== '=') {
      this.i++;
      return name;
    }
    this.i = save;
    return undefined;
  }

  literal(): Literal {
    const c = this.peek();
    if (c === "'" || c === '"') {
      let out = '';
      this.i++;
      while (this.i < this.s.length && this.s[this.i] !== c) {
        if (this.s[this.i] === '\\') {
          const next = this.s[this.i + 1];
          if (next !== c && next !== '\\') throw new Error('escape');
          this.i++;
        }
        out += this.s[this.i++];
      }
      if (this.s[this.i] !== c) throw new Error('unterminated');
      this.i++;
      return out;
    }
    if (c === '[') {
      this.i++;
      const items: Literal[] = [];
      while (!this.eat(']')) {
        items.push(this.literal());
        if (!this.eat(',') && this.peek() !== ']') throw new Error('list');
      }
      return items;
    }
    if (c === '{') {
      this.i++;
      const obj: Record<string, Literal> = {};
      while (!this.eat('}')) {
        const key = this.literal();
        if (typeof key !== 'string' || !this.eat(':')) throw new Error('dict');
        obj[key] = this.literal();
        if (!this.eat(',') && this.peek() !== '}') throw new Error('dict');
      }
      return obj;
    }
    const num = /^-?\d+(\.\d+)?(?![\w.])/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    const word = this.ident();
    if (word === 'True' || word === 'true') return true;
    if (word === 'False' || word === 'false') return false;
    if (word === 'None' || word === 'none') return null;
    throw new Error('not a literal');
  }
}

function parseArgs(text: string): { positional: Literal[]; keywords: Record<string, Literal> } | undefined {
  const r = new LiteralReader(text);
  const positional: Literal[] = [];
  const keywords: Record<string, Literal> = {};
  try {
    while (!r.done()) {
      const kw = r.keyword();
      if (kw) keywords[kw] = r.literal();
      else if (Object.keys(keywords).length) return undefined;
      else positional.push(r.literal());
      if (!r.eat(',') && !r.done()) return undefined;
    }
  } catch {
    return undefined;
  }
  return { positional, keywords };
}

/** Renders `source` without Jinja if it only uses literal ref/source/config calls; else undefined. */
export function tryStaticRender(text: string, target: RenderState): string | undefined {
  if (text.includes('{%') || text.includes('{#')) return undefined;
  // Jinja reads \r\n and \r as \n (nunjucks' output for the same file has \n only).
  const source = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  // Collect into a scratch state; the real one is touched only when the whole file was handled.
  const state = { refs: [] as RenderState['refs'], sources: [] as RenderState['sources'], configCalls: [] as RenderState['configCalls'] };
  let unhandled = false;
  let out = source.replace(CALL, (_m, trimLeft: string, fn: string, argText: string, trimRight: string) => {
    const args = parseArgs(argText);
    if (!args) {
      unhandled = true;
      return '';
    }
    const strings = args.positional.filter((a): a is string => typeof a === 'string');
    let value = '';
    if (fn === 'ref') {
      const keys = Object.keys(args.keywords);
      const pinned = args.keywords.v ?? args.keywords.version;
      const versionOk = keys.length === 0 || (keys.length === 1 && (keys[0] === 'v' || keys[0] === 'version') && (typeof pinned === 'string' || typeof pinned === 'number'));
      if (strings.length !== args.positional.length || strings.length < 1 || strings.length > 2 || !versionOk) unhandled = true;
      else {
        const base = strings.length === 1 ? { name: strings[0]! } : { package: strings[0]!, name: strings[1]! };
        const call = keys.length ? { ...base, version: String(pinned) } : base;
        state.refs.push(call);
        value = placeholder(refTarget(call), '');
      }
    } else if (fn === 'source') {
      if (strings.length !== 2 || args.positional.length !== 2 || Object.keys(args.keywords).length) unhandled = true;
      else {
        state.sources.push([strings[0]!, strings[1]!]);
        value = placeholder({ kind: 'source', source: strings[0]!, table: strings[1]! }, '');
      }
    } else {
      const dict = args.positional[0];
      const call = { ...((dict as Record<string, unknown>) ?? {}), ...args.keywords };
      // A call dbt rejects is left to the real render, which reports it.
      if (args.positional.length > 1 || (dict !== undefined && (typeof dict !== 'object' || dict === null || Array.isArray(dict))) || conflictingHookKeys(call) || typeof call.enabled === 'string') unhandled = true;
      else state.configCalls.push(call);
    }
    // Whitespace control markers trim on their side, as in Jinja.
    return `${trimLeft ? '\u0003' : ''}${value}${trimRight ? '\u0004' : ''}`;
  });
  if (unhandled || out.includes('{{') || out.includes('}}')) return undefined;
  target.refs.push(...state.refs);
  target.sources.push(...state.sources);
  target.configCalls.push(...state.configCalls);
  if (out.includes('\u0003')) out = out.replace(/\s*\u0003/g, '');
  if (out.includes('\u0004')) out = out.replace(/\u0004\s*/g, '');
  // Jinja drops one trailing newline at the end of a template.
  return out.endsWith('\n') ? out.slice(0, -1) : out;
}
