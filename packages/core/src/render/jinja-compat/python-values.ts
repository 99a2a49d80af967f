import nunjucks from 'nunjucks';

/**
 * Python value semantics for template values: how Jinja2 prints (str/repr), tests truthiness,
 * compares and combines values. JS has no tuple type: arrays built from `(a, b)` literals,
 * `dict.items()` pairs and `varargs` carry a hidden marker so they print as Python tuples.
 */

// nunjucks' SafeString (a String subclass produced by macros and `|safe`).
const SafeString = (nunjucks.runtime as unknown as { SafeString: new (s: string) => object }).SafeString;

const TUPLE = Symbol.for('tsdbt.jinja.tuple');

export type Dict = Record<string, unknown>;

/** Marks an array as a Python tuple (printing only: `(1, 2)` instead of `[1, 2]`). */
export function pyTuple<T extends unknown[]>(items: T): T {
  Object.defineProperty(items, TUPLE, { value: true, enumerable: false });
  return items;
}

export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

export function isSafeString(v: unknown): v is { toString(): string; length: number } {
  return v instanceof SafeString;
}

/** A string or a nunjucks SafeString (macro output). */
export function isStr(v: unknown): boolean {
  return typeof v === 'string' || v instanceof SafeString;
}

/** A plain JS object used as a Python dict (object literals, parsed YAML/JSON). */
export function isDict(v: unknown): v is Dict {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python's repr/str of a float or int (JS cannot tell `2.0` from `2`: integral values print as ints). */
export function pyNum(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  // Python switches to exponent notation below 1e-4 and above 1e16 (JS: 1e-6 / 1e21).
  const [mant, expStr] = n.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return quote + out + quote;
}

function hasCustomToString(v: object): boolean {
  const ts = (v as { toString?: unknown }).toString;
  return typeof ts === 'function' && ts !== Object.prototype.toString;
}

/** Python `repr()` of a template value (used inside printed lists and dicts). */
export function pyRepr(v: unknown): string {
  if (v === undefined) return 'Undefined';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v);
  if (typeof v === 'string') return reprString(v);
  if (v instanceof SafeString) return `Markup(${reprString(String(v))})`;
  if (Array.isArray(v)) {
    const inner = v.map(pyRepr).join(', ');
    if (isTuple(v)) return v.length === 1 ? `(${inner},)` : `(${inner})`;
    return `[${inner}]`;
  }
  if (isDict(v)) {
    return '{' + Object.keys(v).map((k) => `${reprString(k)}: ${pyRepr(v[k])}`).join(', ') + '}';
  }
  return pyStr(v);
}

/** Python `str()` of a template value: what `{{ x }}` prints in Jinja2. */
export function pyStr(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || Array.isArray(v) || isDict(v)) {
    return pyRepr(v);
  }
  if (v instanceof SafeString) return String(v);
  if (typeof v === 'object' && !hasCustomToString(v)) {
    const tag = (v as { constructor?: { name?: string } }).constructor?.name;
    if (tag === 'Map') return pyRepr(Object.fromEntries(v as Map<string, unknown>));
  }
  return String(v);
}

/** Python truthiness: empty list/dict/string, 0, None and undefined are false. */
export function pyBool(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof SafeString) return String(v).length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  return true;
}

function unwrapStr(v: unknown): unknown {
  return v instanceof SafeString ? String(v) : v;
}

/** Python `==`: type-strict (`'1' != 1`), deep for lists and dicts, `True == 1`. */
export function pyEq(a: unknown, b: unknown): boolean {
  a = unwrapStr(a);
  b = unwrapStr(b);
  if (a === b) return true;
  const num = (x: unknown) => typeof x === 'number' || typeof x === 'boolean';
  if (num(a) && num(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEq(a[k], b[k]));
  }
  return false;
}

function pyLess(a: unknown, b: unknown): boolean {
  a = unwrapStr(a);
  b = unwrapStr(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyLess(a[i], b[i]);
    }
    return a.length < b.length;
  }
  return (a as number) < (b as number);
}

/** One comparison operator with Python semantics (`===`/`!==` keep nunjucks' JS meaning). */
export function pyCompareOp(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==': return pyEq(a, b);
    case '!=': return !pyEq(a, b);
    case '===': return a === b;
    case '!==': return a !== b;
    case '<': return pyLess(a, b);
    case '>': return pyLess(b, a);
    case '<=': return pyLess(a, b) || pyEq(a, b);
    case '>=': return pyLess(b, a) || pyEq(a, b);
    default: throw new Error(`jinja-compat: unknown comparison operator ${op}`);
  }
}

/** Chained comparison `a < b < c` means `a < b and b < c`. */
export function pyCompare(values: unknown[], ops: string[]): boolean {
  return ops.every((op, i) => pyCompareOp(values[i], op, values[i + 1]));
}

/** Python `in`: substring, list membership by `==`, dict key. */
export function pyIn(needle: unknown, haystack: unknown): boolean {
  if (haystack === undefined || haystack === null) return false;
  if (isStr(haystack)) {
    if (!isStr(needle)) throw new TypeError(`'in <string>' requires string as left operand, not ${pyTypeName(needle)}`);
    return String(haystack).includes(String(needle));
  }
  if (Array.isArray(haystack)) return haystack.some((x) => pyEq(x, needle));
  if (haystack instanceof Map || haystack instanceof Set) return haystack.has(needle);
  if (typeof haystack === 'object') {
    if (isDict(haystack)) return Object.prototype.hasOwnProperty.call(haystack, String(unwrapStr(needle)));
    return String(needle) in haystack;
  }
  throw new TypeError(`argument of type '${pyTypeName(haystack)}' is not iterable`);
}

export function pyTypeName(v: unknown): string {
  if (v === undefined) return 'Undefined';
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (isStr(v)) return 'str';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (isDict(v)) return 'dict';
  return typeof v;
}

const isNum = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';

/** Python `+`: numbers, str + str, list + list; mixing them raises like Python does. */
export function pyAdd(a: unknown, b: unknown): unknown {
  if (isNum(a) && isNum(b)) return Number(a) + Number(b);
  if (isStr(a) && isStr(b)) return String(a) + String(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const out = [...a, ...b];
    return isTuple(a) ? pyTuple(out) : out;
  }
  if (isStr(a) || isStr(b) || Array.isArray(a) || Array.isArray(b) || a == null || b == null) {
    throw new TypeError(`unsupported operand type(s) for +: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  }
  return (a as number) + (b as number);
}

/** Python `*`: also `'-' * 3` and `[0] * 3`. */
export function pyMul(a: unknown, b: unknown): unknown {
  if (isNum(a) && isNum(b)) return Number(a) * Number(b);
  const rep = (seq: unknown, n: unknown): unknown => {
    const count = Math.max(0, Number(n));
    if (isStr(seq)) return String(seq).repeat(count);
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(...(seq as unknown[]));
    return isTuple(seq) ? pyTuple(out) : out;
  };
  if ((isStr(a) || Array.isArray(a)) && isNum(b)) return rep(a, b);
  if ((isStr(b) || Array.isArray(b)) && isNum(a)) return rep(b, a);
  throw new TypeError(`unsupported operand type(s) for *: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Python modulo: the result takes the sign of the divisor. */
export function pyModNum(a: number, b: number): number {
  if (b === 0) throw new Error('ZeroDivisionError: integer division or modulo by zero');
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}
