import nunjucks from 'nunjucks';
import { percentFormat } from './python-format.js';
import { bindMethod, DICT_METHODS, splitKwargs, STR_METHODS, textLength, toList } from './python-methods.js';
import { isDict, isFloat, isNumeric, isStr, PyFloat, pyAdd, pyBool, pyCompareOp, pyEq, pyNum, pyStr, pyTuple, toPyFloat, type Dict } from './python-values.js';
import { dictItems } from './dict-keys.js';

function jinjaLength(v: unknown): number {
  if (isDict(v)) return Object.keys(v).length;
  return isStr(v) ? textLength(String(v)) : toList(v).length;
}

/** Jinja2 filters nunjucks lacks or implements differently. Keyword args arrive as `__keywords`. */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Filter = (this: any, ...args: any[]) => unknown;

/** Jinja's attribute getter: `'a.b'`, `'items.0'`; item lookup first, then attribute. */
export function getPath(obj: unknown, path: unknown): unknown {
  const parts = typeof path === 'number' ? [path] : String(path).split('.');
  let cur: any = obj;
  for (const p of parts) {
    if (cur === undefined || cur === null) return undefined;
    const key = typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p;
    cur = Array.isArray(cur) || isStr(cur) ? (typeof key === 'number' ? (isStr(cur) ? String(cur) : cur)[key] : undefined) : cur[key];
  }
  return cur;
}

function callTest(ctx: any, name: unknown, value: unknown, testArgs: unknown[]): boolean {
  const test = ctx.env.getTest(String(name));
  return test.call(ctx, value, ...testArgs) === true;
}

/** select/reject/selectattr/rejectattr: a test name plus its arguments, or plain truthiness. */
function selectFilter(expected: boolean, byAttr: boolean): Filter {
  return function (this: any, seq: unknown, ...raw: unknown[]) {
    const { args } = splitKwargs(raw);
    const attr = byAttr ? args.shift() : undefined;
    const [testName, ...testArgs] = args;
    return toList(seq).filter((item) => {
      const v = byAttr ? getPath(item, attr) : item;
      const ok = testName === undefined ? pyBool(v) : callTest(this, testName, v, testArgs);
      return ok === expected;
    });
  };
}

function keyFor(caseSensitive: boolean, attribute: unknown) {
  return (v: unknown): unknown => {
    const x = attribute === undefined || attribute === null ? v : getPath(v, attribute);
    return !caseSensitive && typeof x === 'string' ? x.toLowerCase() : x;
  };
}

function minMax(pickMax: boolean): Filter {
  return function (seq: unknown, ...raw: unknown[]) {
    const { args, kwargs } = splitKwargs(raw);
    const key = keyFor(Boolean(args[0] ?? kwargs.case_sensitive), args[1] ?? kwargs.attribute);
    const items = toList(seq);
    if (!items.length) return undefined;
    return items.reduce((best, x) => {
      const a = key(x) as number;
      const b = key(best) as number;
      return (pickMax ? a > b : a < b) ? x : best;
    });
  };
}

/** Python's json.dumps(sort_keys=True) followed by Jinja's HTML-safe escaping. */
/** Jinja's `tojson` filter is htmlsafe with sorted keys; dbt's `tojson()` is plain `json.dumps`. */
export interface JsonStyle {
  readonly sortKeys: boolean;
  readonly htmlSafe: boolean;
}
const JINJA_JSON: JsonStyle = { sortKeys: true, htmlSafe: true };

export function jinjaJson(v: unknown, indent: number | null, level = 0, style: JsonStyle = JINJA_JSON): string {
  const nl = indent === null ? '' : '\n' + ' '.repeat(indent * (level + 1));
  const end = indent === null ? '' : '\n' + ' '.repeat(indent * level);
  const sep = indent === null ? ', ' : ',';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || v instanceof PyFloat) {
    const n = Number(v);
    return Number.isFinite(n) ? pyNum(n, isFloat(v)) : Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  }
  if (isStr(v)) {
    const ascii = JSON.stringify(String(v)).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    return style.htmlSafe ? ascii.replace(/[<>&']/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : ascii;
  }
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return '[' + nl + v.map((x) => jinjaJson(x, indent, level + 1, style)).join(sep + nl) + end + ']';
  }
  // dbt's JSON encoders write dates, datetimes and times as isoformat() (dbt_common.utils.encoding).
  if (typeof v === 'object' && typeof (v as { isoformat?: unknown }).isoformat === 'function') {
    return jinjaJson((v as { isoformat(): string }).isoformat(), indent, level, style);
  }
  if (typeof v === 'object') {
    const keys = style.sortKeys ? Object.keys(v as Dict).sort() : Object.keys(v as Dict);
    if (!keys.length) return '{}';
    const body = keys.map((k) => jinjaJson(k, indent, 0, style) + ': ' + jinjaJson((v as Dict)[k], indent, level + 1, style));
    return '{' + nl + body.join(sep + nl) + end + '}';
  }
  return jinjaJson(pyStr(v), indent, 0, style);
}

function indentFilter(s: unknown, ...raw: unknown[]): string {
  const { args, kwargs } = splitKwargs(raw);
  const width = args[0] ?? kwargs.width ?? 4;
  const first = args[1] ?? kwargs.first ?? false;
  const blank = args[2] ?? kwargs.blank ?? false;
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = (pyStr(s) + '\n').split('\n').slice(0, -1);
  let rv: string;
  if (blank) rv = lines.join('\n' + pad);
  else rv = [lines[0] ?? '', ...lines.slice(1).map((l) => (l ? pad + l : l))].join('\n');
  return first ? pad + rv : rv;
}

function truncateFilter(s: unknown, ...raw: unknown[]): string {
  const { args, kwargs } = splitKwargs(raw);
  const str = pyStr(s);
  const length = Number(args[0] ?? kwargs.length ?? 255);
  const killwords = pyBool(args[1] ?? kwargs.killwords ?? false);
  const end = String(args[2] ?? kwargs.end ?? '...');
  const leeway = Number(args[3] ?? kwargs.leeway ?? 5);
  if (str.length <= length + leeway) return str;
  if (killwords) return str.slice(0, length - end.length) + end;
  const cut = str.slice(0, length - end.length);
  const i = cut.lastIndexOf(' ');
  return (i >= 0 ? cut.slice(0, i) : cut) + end;
}

function uniqueFilter(seq: unknown, ...raw: unknown[]): unknown[] {
  const { args, kwargs } = splitKwargs(raw);
  const key = keyFor(Boolean(args[0] ?? kwargs.case_sensitive), args[1] ?? kwargs.attribute);
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const x of toList(seq)) {
    const k = key(x);
    // Python equality: tuples and lists are equal by their items (codegen dedupes (name, from) tuples).
    if (!seen.some((s) => pyEq(s, k))) {
      seen.push(k);
      out.push(x);
    }
  }
  return out;
}

function mapFilter(this: any, seq: unknown, ...raw: unknown[]): unknown[] {
  const { args, kwargs } = splitKwargs(raw);
  const items = toList(seq);
  if (kwargs.attribute !== undefined) {
    return items.map((x) => {
      const v = getPath(x, kwargs.attribute);
      return v === undefined && 'default' in kwargs ? kwargs.default : v;
    });
  }
  const [name, ...filterArgs] = args;
  if (name === undefined) return items;
  const filter = this.env.getFilter(String(name));
  const rest = Object.keys(kwargs).length ? [...filterArgs, { ...kwargs, __keywords: true }] : filterArgs;
  return items.map((x) => filter.call(this, x, ...rest));
}

// `default(x)` replaces only undefined (not None), or every falsy value with `boolean=true`.
function defaultFilter(v: unknown, ...raw: unknown[]): unknown {
  const { args, kwargs } = splitKwargs(raw);
  const def = args.length > 0 ? args[0] : 'default_value' in kwargs ? kwargs.default_value : '';
  const boolean = args.length > 1 ? args[1] : kwargs.boolean;
  return v === undefined || (pyBool(boolean) && !pyBool(v)) ? def : v;
}

function withKw(fn: (v: unknown, args: unknown[], kw: Dict) => unknown): Filter {
  return (v: unknown, ...raw: unknown[]) => {
    const { args, kwargs } = splitKwargs(raw);
    return fn(v, args, kwargs);
  };
}

const strMethod = (name: string): Filter => (s: unknown, ...args: unknown[]) =>
  (STR_METHODS[name] as (s: string, ...a: unknown[]) => unknown)(pyStr(s), ...args);

export const JINJA_FILTERS: Record<string, Filter> = {
  map: mapFilter,
  select: selectFilter(true, false),
  reject: selectFilter(false, false),
  selectattr: selectFilter(true, true),
  rejectattr: selectFilter(false, true),
  unique: uniqueFilter,
  min: minMax(false),
  max: minMax(true),
  tojson: withKw((v, args, kw) => new (nunjucks.runtime as any).SafeString(jinjaJson(v, (args[0] ?? kw.indent ?? null) as number | null))),
  items: (d: unknown) => (isDict(d) ? dictItems(d) : []),
  // getattr only: a dict's keys are items, not attributes.
  attr: (obj: unknown, name: unknown) => {
    if (obj === null || obj === undefined) return undefined;
    if (isDict(obj)) return bindMethod(DICT_METHODS, String(name), obj);
    return (obj as Dict)[String(name)];
  },
  format: withKw((fmt, args, kw) => percentFormat(pyStr(fmt), Object.keys(kw).length ? kw : pyTuple(args))),
  join: withKw((seq, args, kw) => {
    const attr = args[1] ?? kw.attribute;
    const items = toList(seq).map((x) => (attr === undefined || attr === null ? x : getPath(x, attr)));
    return items.map(pyStr).join(pyStr(args[0] ?? kw.d ?? ''));
  }),
  // Jinja's replace: str(s).replace(old, new[, count]) — None is 'None', a number its text (nunjucks left a non-string as it was).
  replace: withKw((s, args, kw) => strMethod('replace')(s, pyStr(args[0] ?? kw.old), pyStr(args[1] ?? kw.new), args[2] ?? kw.count)),
  trim: (s: unknown, chars?: unknown) => strMethod('strip')(s, chars),
  upper: strMethod('upper'),
  lower: strMethod('lower'),
  capitalize: strMethod('capitalize'),
  title: strMethod('title'),
  center: (s: unknown, width: unknown = 80) => strMethod('center')(s, width),
  list: (v: unknown) => [...toList(v)],
  string: (v: unknown) => pyStr(v),
  default: defaultFilter,
  d: defaultFilter,
  count: (v: unknown) => jinjaLength(v),
  length: (v: unknown) => jinjaLength(v),
  sum: withKw((seq, args, kw) => {
    const attr = args[0] ?? kw.attribute;
    return toList(seq).reduce((acc: unknown, x) => pyAdd(acc, attr === undefined || attr === null ? x : getPath(x, attr)), args[1] ?? kw.start ?? 0);
  }),
  int: withKw((v, args, kw) => {
    const def = args[0] ?? kw.default ?? 0;
    if (isNumeric(v)) return Math.trunc(Number(v));
    const s = pyStr(v).trim().replace(/_/g, '');
    const base = Number(args[1] ?? kw.base ?? 10);
    if (base === 10 && /^[-+]?\d+$/.test(s)) return Number(s);
    if (base !== 10 && s) {
      const n = parseInt(s.replace(/^0[xob]/i, ''), base);
      if (!Number.isNaN(n)) return n;
    }
    const f = Number(s);
    return s !== '' && Number.isFinite(f) ? Math.trunc(f) : def;
  }),
  indent: indentFilter,
  truncate: truncateFilter,
  float: withKw((v, args, kw) => {
    if (isNumeric(v)) return toPyFloat(Number(v));
    const s = pyStr(v).trim().replace(/_/g, '');
    const f = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$|^[-+]?(inf|infinity|nan)$/i.test(s) ? Number(s.replace(/inf(inity)?/i, 'Infinity').replace(/nan/i, 'NaN')) : undefined;
    return toPyFloat(f ?? Number(args[0] ?? kw.default ?? 0));
  }),
  // Jinja's round: 'common' is Python's round() (exact halves to even; an int stays an int), or 'ceil'/'floor' (floats).
  round: withKw((v, args, kw) => {
    const precision = Number(args[0] ?? kw.precision ?? 0);
    const method = String(args[1] ?? kw.method ?? 'common');
    const x = Number(v);
    if (method === 'common' && !isFloat(v) && precision >= 0) return x;
    const f = 10 ** precision;
    if (method === 'ceil') return toPyFloat(Math.ceil(x * f) / f);
    if (method === 'floor') return toPyFloat(Math.floor(x * f) / f);
    if (precision === 0 && Math.abs(x % 1) === 0.5) return toPyFloat(2 * Math.round(x / 2));
    return toPyFloat(Number(x.toFixed(Math.max(0, precision))));
  }),
  // Jinja's sort: any iterable, case-insensitive unless asked, by attribute(s), Python's ordering.
  sort: withKw((seq, args, kw) => {
    const reverse = pyBool(args[0] ?? kw.reverse ?? false);
    const caseSensitive = pyBool(args[1] ?? kw.case_sensitive ?? false);
    const attribute = args[2] ?? kw.attribute;
    const attrs = attribute === undefined || attribute === null ? [undefined] : String(attribute).split(',').map((a) => a.trim());
    const keys = attrs.map((a) => keyFor(caseSensitive, a));
    const cmp = (x: unknown, y: unknown) => {
      for (const key of keys) {
        const a = key(x);
        const b = key(y);
        if (pyCompareOp(a, '<', b)) return -1;
        if (pyCompareOp(b, '<', a)) return 1;
      }
      return 0;
    };
    // Stable, as Python's sorted(): equal items keep their order, reversed or not.
    return [...toList(seq)].sort((x, y) => (reverse ? -cmp(x, y) : cmp(x, y)));
  }),
  abs: (v: unknown) => (isFloat(v) ? toPyFloat(Math.abs(Number(v))) : Math.abs(Number(v))),
  // dbt's filters for native rendering: values as they are in text rendering (see native.ts).
  as_bool: (v: unknown) => v,
  as_number: (v: unknown) => v,
  as_text: (v: unknown) => v,
  as_native: (v: unknown) => v,
};

export function installFilters(env: nunjucks.Environment): void {
  // nunjucks' dictsort is right apart from returning lists where Jinja returns tuples.
  const dictsort = env.getFilter('dictsort') as Filter;
  env.addFilter('dictsort', function (this: unknown, ...args: unknown[]) {
    return (dictsort.apply(this, args) as unknown[][]).map((pair) => pyTuple(pair));
  });
  for (const [name, fn] of Object.entries(JINJA_FILTERS)) env.addFilter(name, fn);
}
