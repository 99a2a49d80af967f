import { strFormat } from './python-format.js';
import { dictKeyText, isDict, isStr, pyEq, pyStr, pyTuple, type Dict } from './python-values.js';
import { copyDictKeys, dictItems, dictKeys, dropDictKey, setDictItem } from './dict-keys.js';

/**
 * Python methods of str, list and dict, looked up by `x.method` in templates. Each takes the
 * receiver first; keyword arguments arrive as a trailing object flagged `__keywords`.
 */

type Method = (self: never, ...args: unknown[]) => unknown;

/** Splits nunjucks' trailing keyword-argument object off a call's arguments. */
export function splitKwargs(args: unknown[]): { args: unknown[]; kwargs: Dict } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const { __keywords: _k, ...kwargs } = last as Dict;
    return { args: args.slice(0, -1), kwargs };
  }
  return { args, kwargs: {} };
}

const WS = ' \t\n\r\x0b\x0c';

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WS : String(chars);
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a])) a++;
  if (right) while (b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (sep === undefined || sep === null) {
    // No separator: split on runs of whitespace, ignoring leading/trailing whitespace.
    const out: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest !== '') {
      if (max >= 0 && out.length >= max) {
        out.push(rest);
        break;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const d = String(sep);
  if (d === '') throw new Error('ValueError: empty separator');
  const parts = s.split(d);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(d)];
}

function affixMatch(s: string, affix: unknown, atStart: boolean): boolean {
  const options = Array.isArray(affix) ? affix : [affix];
  return options.some((a) => (atStart ? s.startsWith(String(a)) : s.endsWith(String(a))));
}

function wordTitle(s: string): string {
  return s.replace(/\p{L}+/gu, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

function findIndex(s: string, sub: unknown, fromEnd: boolean): number {
  return fromEnd ? s.lastIndexOf(String(sub)) : s.indexOf(String(sub));
}

export const STR_METHODS: Record<string, Method> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  casefold: (s: string) => s.toLowerCase(),
  swapcase: (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  strip: (s: string, chars?: unknown) => stripChars(s, chars, true, true),
  lstrip: (s: string, chars?: unknown) => stripChars(s, chars, true, false),
  rstrip: (s: string, chars?: unknown) => stripChars(s, chars, false, true),
  split: (s: string, ...raw: unknown[]) => {
    const { args, kwargs } = splitKwargs(raw);
    return pySplit(s, args[0] ?? kwargs.sep, args[1] ?? kwargs.maxsplit);
  },
  rsplit: (s: string, ...raw: unknown[]) => {
    const { args, kwargs } = splitKwargs(raw);
    const max = args[1] ?? kwargs.maxsplit;
    const sep = args[0] ?? kwargs.sep;
    if (max === undefined || max === null || Number(max) < 0) return pySplit(s, sep, -1);
    const rev = (x: string) => [...x].reverse().join('');
    return pySplit(rev(s), sep === undefined || sep === null ? sep : rev(String(sep)), max).map(rev).reverse();
  },
  splitlines: (s: string) => s.split(/\r\n|\r|\n/).filter((x, i, a) => i < a.length - 1 || x !== ''),
  replace: (s: string, old: unknown, rep: unknown, count?: unknown) => {
    const parts = s.split(String(old));
    const n = count === undefined || count === null || Number(count) < 0 ? parts.length : Number(count) + 1;
    return parts.slice(0, n).join(String(rep)) + (n < parts.length ? String(old) + parts.slice(n).join(String(old)) : '');
  },
  startswith: (s: string, prefix: unknown) => affixMatch(s, prefix, true),
  endswith: (s: string, suffix: unknown) => affixMatch(s, suffix, false),
  removeprefix: (s: string, p: unknown) => (s.startsWith(String(p)) ? s.slice(String(p).length) : s),
  removesuffix: (s: string, p: unknown) => (String(p) && s.endsWith(String(p)) ? s.slice(0, -String(p).length) : s),
  format: (s: string, ...raw: unknown[]) => {
    const { args, kwargs } = splitKwargs(raw);
    return strFormat(s, args, kwargs);
  },
  join: (s: string, items: unknown) => toList(items).map(pyStr).join(s),
  title: (s: string) => wordTitle(s),
  capitalize: (s: string) => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s),
  count: (s: string, sub: unknown) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  find: (s: string, sub: unknown) => findIndex(s, sub, false),
  rfind: (s: string, sub: unknown) => findIndex(s, sub, true),
  index: (s: string, sub: unknown) => {
    const i = findIndex(s, sub, false);
    if (i < 0) throw new Error('ValueError: substring not found');
    return i;
  },
  isdigit: (s: string) => /^\d+$/.test(s),
  isnumeric: (s: string) => /^\d+$/.test(s),
  isdecimal: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\d]+$/u.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  isupper: (s: string) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  islower: (s: string) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  istitle: (s: string) => /\p{L}/u.test(s) && wordTitle(s) === s,
  zfill: (s: string, w: unknown) => {
    const sign = /^[-+]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(Number(w) - sign.length, '0');
  },
  ljust: (s: string, w: unknown, fill?: unknown) => s.padEnd(Number(w), fill === undefined ? ' ' : String(fill)),
  rjust: (s: string, w: unknown, fill?: unknown) => s.padStart(Number(w), fill === undefined ? ' ' : String(fill)),
  center: (s: string, w: unknown, fill?: unknown) => {
    const f = fill === undefined ? ' ' : String(fill);
    const total = Math.max(0, Number(w) - s.length);
    // CPython puts the extra character on the left when the string length is odd.
    const left = Math.floor(total / 2) + (total % 2 & s.length % 2);
    return f.repeat(left) + s + f.repeat(total - left);
  },
  partition: (s: string, sep: unknown) => {
    const i = s.indexOf(String(sep));
    return pyTuple(i < 0 ? [s, '', ''] : [s.slice(0, i), String(sep), s.slice(i + String(sep).length)]);
  },
  rpartition: (s: string, sep: unknown) => {
    const i = s.lastIndexOf(String(sep));
    return pyTuple(i < 0 ? ['', '', s] : [s.slice(0, i), String(sep), s.slice(i + String(sep).length)]);
  },
};

const SURROGATE = /[\uD800-\uDFFF]/;
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** True when each UTF-16 unit of `s` is one code point, so JS indexes are Python's. */
export function unitsAreCodePoints(s: string): boolean {
  return !SURROGATE.test(s);
}

/**
 * Python's len() of a text (code points), with no array of its characters: packages measure a
 * growing query after each row (elementary's insert_rows, 1 MB × thousands of rows).
 */
export function textLength(s: string): number {
  return unitsAreCodePoints(s) ? s.length : s.length - (s.match(SURROGATE_PAIR)?.length ?? 0);
}

/** Anything iterable in Jinja as a JS array (dicts iterate their keys, strings their characters). */
export function toList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (isStr(v)) return [...String(v)];
  if (isDict(v)) return dictKeys(v);
  if (typeof v === 'object' && Symbol.iterator in (v as object)) return [...(v as Iterable<unknown>)];
  return [];
}

function normIndex(list: unknown[], i: unknown): number {
  const n = Number(i);
  return n < 0 ? list.length + n : n;
}

export const LIST_METHODS: Record<string, Method> = {
  append: (l: unknown[], x: unknown) => (l.push(x), null),
  extend: (l: unknown[], xs: unknown) => (l.push(...toList(xs)), null),
  insert: (l: unknown[], i: unknown, x: unknown) => (l.splice(Math.max(0, normIndex(l, i)), 0, x), null),
  pop: (l: unknown[], i?: unknown) => {
    if (l.length === 0) throw new Error('IndexError: pop from empty list');
    const idx = i === undefined ? l.length - 1 : normIndex(l, i);
    if (idx < 0 || idx >= l.length) throw new Error('IndexError: pop index out of range');
    return l.splice(idx, 1)[0];
  },
  remove: (l: unknown[], x: unknown) => {
    const idx = l.findIndex((y) => pyEq(y, x));
    if (idx < 0) throw new Error('ValueError: list.remove(x): x not in list');
    l.splice(idx, 1);
    return null;
  },
  index: (l: unknown[], x: unknown) => {
    const idx = l.findIndex((y) => pyEq(y, x));
    if (idx < 0) throw new Error(`ValueError: ${pyStr(x)} is not in list`);
    return idx;
  },
  count: (l: unknown[], x: unknown) => l.filter((y) => pyEq(y, x)).length,
  reverse: (l: unknown[]) => (l.reverse(), null),
  sort: (l: unknown[], ...raw: unknown[]) => {
    const { kwargs } = splitKwargs(raw);
    l.sort((a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0));
    if (kwargs.reverse) l.reverse();
    return null;
  },
  copy: (l: unknown[]) => [...l],
  clear: (l: unknown[]) => (l.splice(0), null),
};

export const DICT_METHODS: Record<string, Method> = {
  items: (d: Dict) => dictItems(d),
  keys: (d: Dict) => dictKeys(d),
  values: (d: Dict) => Object.keys(d).map((k) => d[k]),
  get: (d: Dict, k: unknown, def: unknown = null) => (Object.prototype.hasOwnProperty.call(d, dictKeyText(k)) ? d[dictKeyText(k)] : def),
  update: (d: Dict, ...raw: unknown[]) => {
    const { args, kwargs } = splitKwargs(raw);
    if (args[0] !== undefined && args[0] !== null) {
      Object.assign(d, args[0]);
      copyDictKeys(args[0], d);
    }
    Object.assign(d, kwargs);
    return null;
  },
  pop: (d: Dict, k: unknown, ...rest: unknown[]) => {
    const key = dictKeyText(k);
    if (Object.prototype.hasOwnProperty.call(d, key)) {
      const v = d[key];
      delete d[key];
      dropDictKey(d, key);
      return v;
    }
    if (rest.length) return rest[0];
    throw new Error(`KeyError: ${pyStr(k)}`);
  },
  setdefault: (d: Dict, k: unknown, def: unknown = null) => {
    const key = dictKeyText(k);
    if (!Object.prototype.hasOwnProperty.call(d, key)) setDictItem(d, k, def);
    return d[key];
  },
  copy: (d: Dict) => {
    const c = { ...d };
    copyDictKeys(d, c);
    return c;
  },
  clear: (d: Dict) => {
    for (const k of Object.keys(d)) {
      delete d[k];
      dropDictKey(d, k);
    }
    return null;
  },
  popitem: (d: Dict) => {
    const keys = Object.keys(d);
    if (!keys.length) throw new Error('KeyError: popitem(): dictionary is empty');
    const k = keys[keys.length - 1]!;
    const key = dictKeys(d)[keys.length - 1];
    const v = d[k];
    delete d[k];
    dropDictKey(d, k);
    return pyTuple([key, v]);
  },
};

/** Python set methods on a JS Set (dbt's `set()` returns one). */
export const SET_METHODS: Record<string, Method> = {
  add: (s: Set<unknown>, x: unknown) => (s.add(x), null),
  discard: (s: Set<unknown>, x: unknown) => (s.delete(x), null),
  remove: (s: Set<unknown>, x: unknown) => {
    if (!s.delete(x)) throw new Error(`KeyError: ${pyStr(x)}`);
    return null;
  },
  pop: (s: Set<unknown>) => {
    const first = s.values().next();
    if (first.done) throw new Error('KeyError: pop from an empty set');
    s.delete(first.value);
    return first.value;
  },
  update: (s: Set<unknown>, ...others: unknown[]) => {
    for (const o of others) for (const x of toList(o)) s.add(x);
    return null;
  },
  union: (s: Set<unknown>, ...others: unknown[]) => new Set([...s, ...others.flatMap((o) => toList(o))]),
  intersection: (s: Set<unknown>, ...others: unknown[]) => new Set([...s].filter((x) => others.every((o) => toList(o).includes(x)))),
  difference: (s: Set<unknown>, ...others: unknown[]) => new Set([...s].filter((x) => !others.some((o) => toList(o).includes(x)))),
  symmetric_difference: (s: Set<unknown>, other: unknown) => {
    const o = new Set(toList(other));
    return new Set([...[...s].filter((x) => !o.has(x)), ...[...o].filter((x) => !s.has(x))]);
  },
  issubset: (s: Set<unknown>, other: unknown) => [...s].every((x) => toList(other).includes(x)),
  issuperset: (s: Set<unknown>, other: unknown) => toList(other).every((x) => s.has(x)),
  isdisjoint: (s: Set<unknown>, other: unknown) => toList(other).every((x) => !s.has(x)),
  copy: (s: Set<unknown>) => new Set(s),
  clear: (s: Set<unknown>) => (s.clear(), null),
};

/** Binds a method table entry to its receiver. */
export function bindMethod(table: Record<string, Method>, name: string, self: unknown): ((...a: unknown[]) => unknown) | undefined {
  if (!Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const m = table[name] as (self: unknown, ...args: unknown[]) => unknown;
  return (...args: unknown[]) => m(self, ...args);
}
