import { bindArgs } from '../call-args.js';
import { pyTuple } from '../jinja-compat/python-values.js';

/**
 * Python's `re` module for `modules.re` (dbt exposes it to templates): patterns written for Python
 * are translated to JS (inline and verbose flags, named groups), and the functions and Match
 * objects answer as Python's do (None for no match, None for unmatched groups, tuples from findall).
 */

const FLAG = { A: 256, ASCII: 256, I: 2, IGNORECASE: 2, L: 4, LOCALE: 4, M: 8, MULTILINE: 8, S: 16, DOTALL: 16, U: 32, UNICODE: 32, X: 64, VERBOSE: 64 } as const;

/** Strips a verbose pattern's whitespace and comments (outside character classes and escapes). */
function stripVerbose(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      out += c + (p[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < p.length && p[i] !== '\n') i++;
    } else if (!/\s/.test(c)) out += c;
  }
  return out;
}

/** A Python pattern and flags → a JS RegExp source and flags. */
export function translatePattern(pattern: string, flags: number): { source: string; flags: string } {
  let p = pattern;
  let f = flags;
  // Global inline flags at the start: `(?i)`, `(?ix)`, several groups in a row.
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(p);
    if (!m) break;
    for (const ch of m[1]!) f |= { a: FLAG.A, i: FLAG.I, L: FLAG.L, m: FLAG.M, s: FLAG.S, u: FLAG.U, x: FLAG.X }[ch as 'a'] ?? 0;
    p = p.slice(m[0].length);
  }
  if (f & FLAG.X) p = stripVerbose(p);
  p = p
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  let js = 'g';
  if (f & FLAG.I) js += 'i';
  if (f & FLAG.M) js += 'm';
  if (f & FLAG.S) js += 's';
  return { source: p, flags: js };
}

/** Python's replacement template (`\1`, `\g<1>`, `\g<name>`, escapes) → the text for one match. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(g<([^>]+)>|\d{1,2}|[nrtfv\\abf]|.)/g, (whole, what: string, named: string | undefined) => {
    if (named !== undefined) return (/^\d+$/.test(named) ? m[Number(named)] : m.groups?.[named]) ?? '';
    if (/^\d+$/.test(what)) return m[Number(what)] ?? '';
    const esc: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '\\': '\\', a: '\x07', b: '\b' };
    return esc[what] ?? whole;
  });
}

export class Match {
  constructor(private readonly m: RegExpExecArray, readonly string: string, readonly re: Pattern) {}

  get pos(): number {
    return 0;
  }

  group(...idx: unknown[]): unknown {
    const one = (i: unknown) => {
      const v = typeof i === 'string' && !/^\d+$/.test(i) ? this.m.groups?.[i] : this.m[Number(i ?? 0)];
      return v === undefined ? null : v;
    };
    if (idx.length <= 1) return one(idx[0] ?? 0);
    return pyTuple(idx.map(one));
  }

  groups(...args: unknown[]): unknown[] {
    const { default: dflt } = bindArgs(args, ['default']);
    return pyTuple(this.m.slice(1).map((v) => (v === undefined ? (dflt ?? null) : v)));
  }

  groupdict(...args: unknown[]): Record<string, unknown> {
    const { default: dflt } = bindArgs(args, ['default']);
    return Object.fromEntries(Object.entries(this.m.groups ?? {}).map(([k, v]) => [k, v === undefined ? (dflt ?? null) : v]));
  }

  start(g: unknown = 0): number {
    return this.span(g)[0] as number;
  }

  end(g: unknown = 0): number {
    return this.span(g)[1] as number;
  }

  span(g: unknown = 0): unknown[] {
    const i = Number(g);
    if (i === 0) return pyTuple([this.m.index, this.m.index + this.m[0].length]);
    const text = this.m[i];
    if (text === undefined) return pyTuple([-1, -1]);
    // JS has no group offsets without the `d` flag: look for the group inside the whole match.
    const at = this.m[0].indexOf(text);
    return pyTuple([this.m.index + at, this.m.index + at + text.length]);
  }

  __getitem__(i: unknown): unknown {
    return this.group(i);
  }

  toString(): string {
    return `<re.Match object; span=(${this.start()}, ${this.end()}), match='${this.m[0]}'>`;
  }
}

export class Pattern {
  readonly regex: RegExp;
  constructor(readonly pattern: string, readonly flags: number) {
    const t = translatePattern(pattern, flags);
    try {
      this.regex = new RegExp(t.source, t.flags);
    } catch (error) {
      throw new Error(`re.error: ${(error as Error).message} (pattern '${pattern}')`);
    }
  }

  private exec(s: string, at: number, sticky: boolean): RegExpExecArray | null {
    const re = new RegExp(this.regex.source, this.regex.flags.replace('g', '') + (sticky ? 'y' : 'g'));
    re.lastIndex = at;
    return re.exec(s);
  }

  search(s: unknown, pos: unknown = 0): Match | null {
    const m = this.exec(String(s), Number(pos), false);
    return m ? new Match(m, String(s), this) : null;
  }

  match(s: unknown, pos: unknown = 0): Match | null {
    const m = this.exec(String(s), Number(pos), true);
    return m ? new Match(m, String(s), this) : null;
  }

  fullmatch(s: unknown): Match | null {
    const text = String(s);
    const whole = new Pattern(`(?:${this.regex.source})(?![\\s\\S])`, 0);
    const m = new RegExp(whole.regex.source, this.regex.flags.replace('g', '') + 'y').exec(text);
    return m ? new Match(m, text, this) : null;
  }

  private all(s: string): RegExpExecArray[] {
    const re = new RegExp(this.regex.source, this.regex.flags);
    return [...s.matchAll(re)];
  }

  findall(s: unknown): unknown[] {
    return this.all(String(s)).map((m) => {
      const groups = m.slice(1).map((v) => v ?? '');
      if (groups.length === 0) return m[0];
      return groups.length === 1 ? groups[0] : pyTuple(groups);
    });
  }

  finditer(s: unknown): Match[] {
    return this.all(String(s)).map((m) => new Match(m, String(s), this));
  }

  sub(...args: unknown[]): string {
    return this.subn(...args)[0] as string;
  }

  subn(...args: unknown[]): unknown[] {
    const a = bindArgs(args, ['repl', 'string', 'count']);
    const text = String(a.string);
    const limit = Number(a.count ?? 0);
    let n = 0;
    let out = '';
    let last = 0;
    for (const m of this.all(text)) {
      if (limit > 0 && n >= limit) break;
      const match = new Match(m, text, this);
      const rep = typeof a.repl === 'function' ? String((a.repl as (m: Match) => unknown)(match)) : expandTemplate(String(a.repl), m);
      out += text.slice(last, m.index) + rep;
      last = m.index + m[0].length;
      n++;
    }
    return pyTuple([out + text.slice(last), n]);
  }

  split(...args: unknown[]): unknown[] {
    const a = bindArgs(args, ['string', 'maxsplit']);
    const text = String(a.string);
    const max = Number(a.maxsplit ?? 0);
    const out: unknown[] = [];
    let last = 0;
    let n = 0;
    for (const m of this.all(text)) {
      if (max > 0 && n >= max) break;
      out.push(text.slice(last, m.index), ...m.slice(1).map((v) => v ?? null));
      last = m.index + m[0].length;
      n++;
    }
    out.push(text.slice(last));
    return out;
  }

  toString(): string {
    return `re.compile('${this.pattern}')`;
  }
}

const cache = new Map<string, Pattern>();
function compile(pattern: unknown, flags: unknown = 0): Pattern {
  if (pattern instanceof Pattern) return pattern;
  const key = `${Number(flags ?? 0)}:${String(pattern)}`;
  let p = cache.get(key);
  if (!p) {
    p = new Pattern(String(pattern), Number(flags ?? 0));
    if (cache.size > 500) cache.clear();
    cache.set(key, p);
  }
  return p;
}

/** `modules.re`. */
export const reModule: Record<string, unknown> = {
  ...FLAG,
  compile: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'flags']);
    return compile(a.pattern, a.flags);
  },
  search: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'string', 'flags']);
    return compile(a.pattern, a.flags).search(a.string);
  },
  match: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'string', 'flags']);
    return compile(a.pattern, a.flags).match(a.string);
  },
  fullmatch: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'string', 'flags']);
    return compile(a.pattern, a.flags).fullmatch(a.string);
  },
  findall: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'string', 'flags']);
    return compile(a.pattern, a.flags).findall(a.string);
  },
  finditer: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'string', 'flags']);
    return compile(a.pattern, a.flags).finditer(a.string);
  },
  sub: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'repl', 'string', 'count', 'flags']);
    return compile(a.pattern, a.flags).sub(a.repl, a.string, a.count ?? 0);
  },
  subn: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'repl', 'string', 'count', 'flags']);
    return compile(a.pattern, a.flags).subn(a.repl, a.string, a.count ?? 0);
  },
  split: (...args: unknown[]) => {
    const a = bindArgs(args, ['pattern', 'string', 'maxsplit', 'flags']);
    return compile(a.pattern, a.flags).split(a.string, a.maxsplit ?? 0);
  },
  // Python 3.7+: only characters with a meaning in a pattern are escaped.
  escape: (s: unknown) => String(s).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`),
  purge: () => {
    cache.clear();
    return null;
  },
};
