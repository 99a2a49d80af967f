import nunjucks from 'nunjucks';

/**
 * Python value semantics for template values: how Jinja2 prints (str/repr), tests truthiness,
 * compares and combines values. JS has no tuple type: arrays built from `(a, b)` literals,
 * `dict.items()` pairs and `varargs` carry a hidden marker so they print as Python tuples.
 */

// nunjucks' SafeString (a String subclass produced by macros and `|safe`).
const SafeString = (nunjucks.runtime as unknown as { SafeString: new (s: string) => object }).SafeString;

const TUPLE = Symbol.for('tsdbt.jinja.tuple');
/** Where a dict keeps its non-text keys, by their text (dict-keys.ts writes it). */
export const DICT_KEY_OBJECTS = Symbol.for('tsdbt.jinja.dictKeyObjects');

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

/**
 * JS objects that stand for Python objects (datetime, Relation…) may define Python's special
 * methods; the operators below call them: `__eq__`, `__lt__`/`__gt__`, `__add__`/`__radd__`,
 * `__sub__`/`__rsub__`, `__contains__`, `__bool__`. Returning NOT_IMPLEMENTED defers to the other side.
 */
export const NOT_IMPLEMENTED = Symbol.for('tsdbt.jinja.NotImplemented');

/** An object's `[PRINT]()` is what `{{ x }}` outputs when it differs from str(x) (dbt's Relation). */
export const PRINT = Symbol.for('tsdbt.jinja.print');

const UNDEFINED_CALLABLE = Symbol.for('tsdbt.jinja.undefinedCallable');

/**
 * Jinja's Undefined for an attribute an object lacks, kept callable (dbt's `adapter.<unknown>`: Undefined, which
 * parsing may call): false in `{% if %}`, not `defined`, printed as ''. A call runs `fn`.
 */
export function undefinedCallable<F extends (...args: never[]) => unknown>(fn: F): F {
  return Object.assign(fn, { [UNDEFINED_CALLABLE]: true, toString: () => '' });
}

export function isUndefinedCallable(v: unknown): boolean {
  return typeof v === 'function' && (v as unknown as Record<symbol, unknown>)[UNDEFINED_CALLABLE] === true;
}

function special(v: unknown, name: string): ((other?: unknown) => unknown) | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const fn = (v as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as (o?: unknown) => unknown).bind(v) : undefined;
}

/** `a <op> b` through `__op__` / `__rop__`, or undefined when neither side implements it. */
function binarySpecial(a: unknown, b: unknown, op: string): { value: unknown } | undefined {
  const left = special(a, `__${op}__`);
  if (left) {
    const r = left(b);
    if (r !== NOT_IMPLEMENTED) return { value: r };
  }
  const right = special(b, `__r${op}__`);
  if (right) {
    const r = right(a);
    if (r !== NOT_IMPLEMENTED) return { value: r };
  }
  return undefined;
}

/**
 * A Python float whose value is integral. JS has one number type, so `2.0` and `2` are the same
 * number; Jinja prints them differently (`4 / 2` → `2.0`). Integral floats are boxed in this marker
 * (a Number, so JS arithmetic and comparisons still work); non-integral floats stay plain numbers,
 * as nothing tells them apart from an int.
 */
export class PyFloat extends Number {
  override toString(): string {
    return pyNum(this.valueOf(), true);
  }
  toJSON(): number {
    return this.valueOf();
  }
}

/** `n` as a Python float. */
export function toPyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** A Python float: the integral-float marker or a JS number with a fraction (or inf/nan). */
export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** A Python int, float or bool. */
export function isNumeric(v: unknown): v is number | boolean | PyFloat {
  return typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
}

/** Python's repr/str of a float or int (`asFloat`: an integral value prints as `2.0`). */
export function pyNum(n: number, asFloat = false): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (asFloat && Number.isInteger(n) && Math.abs(n) < 1e16) return `${Object.is(n, -0) ? '-' : ''}${String(n)}.0`;
  if (!asFloat && Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  if (!asFloat && Number.isInteger(n)) return BigInt(n).toString();
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
    const known = (v as Record<symbol, Map<string, unknown> | undefined>)[DICT_KEY_OBJECTS];
    const keyRepr = (k: string) => (known?.has(k) ? pyRepr(known.get(k)) : reprString(k));
    return '{' + Object.keys(v).map((k) => `${keyRepr(k)}: ${pyRepr(v[k])}`).join(', ') + '}';
  }
  if (v instanceof Set) return v.size ? `{${[...v].map(pyRepr).join(', ')}}` : 'set()';
  const repr = special(v, '__repr__');
  if (repr) return String(repr());
  return pyStr(v);
}

/** Python `str()` of a template value: what `{{ x }}` prints in Jinja2. */
export function pyStr(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || Array.isArray(v) || isDict(v) || v instanceof Set) {
    return pyRepr(v);
  }
  if (v instanceof SafeString) return String(v);
  if (typeof v === 'object' && !hasCustomToString(v)) {
    const tag = (v as { constructor?: { name?: string } }).constructor?.name;
    if (tag === 'Map') return pyRepr(Object.fromEntries(v as Map<string, unknown>));
  }
  return String(v);
}

/**
 * The text a dict holds a key under (a dict is a JS object): a string as itself, any other key (a
 * tuple, a Relation, a number, None) as Python's str() of it — the same text for setting and for
 * reading, so `d.setdefault((a, b), [])` then `d[(a, b)].append(x)` reach one entry (elementary's
 * store_anomaly_test_results groups its rows by such tuples).
 */
export function dictKeyText(key: unknown): string {
  return typeof key === 'string' || key instanceof SafeString ? String(key) : pyStr(key);
}

/** Python truthiness: empty list/dict/string, 0, None, undefined and objects of `__len__` 0 are false. */
export function pyBool(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.valueOf() !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof SafeString) return String(v).length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  if (v instanceof Map || v instanceof Set) return v.size > 0;
  const bool = special(v, '__bool__');
  if (bool) return Boolean(bool());
  // As Python: an object with no __bool__ but a __len__ (an agate Table of no rows) is false when empty.
  const len = special(v, '__len__');
  if (len) return Number(len()) > 0;
  return !isUndefinedCallable(v);
}

/** A SafeString as its string, a float marker as its number: what Python compares. */
function unwrapStr(v: unknown): unknown {
  return v instanceof SafeString ? String(v) : v instanceof PyFloat ? v.valueOf() : v;
}

/** Python `==`: type-strict (`'1' != 1`), deep for lists and dicts, `True == 1`. */
export function pyEq(a: unknown, b: unknown): boolean {
  a = unwrapStr(a);
  b = unwrapStr(b);
  if (a === b) return true;
  const custom = special(a, '__eq__') ?? special(b, '__eq__');
  if (custom) return Boolean(special(a, '__eq__') ? custom(b) : custom(a));
  const num = (x: unknown) => typeof x === 'number' || typeof x === 'boolean';
  if (num(a) && num(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  }
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((x) => b.has(x) || [...b].some((y) => pyEq(x, y)));
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
  const lt = special(a, '__lt__');
  if (lt) return Boolean(lt(b));
  const gt = special(b, '__gt__');
  if (gt) return Boolean(gt(a));
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
  const contains = special(haystack, '__contains__');
  if (contains) return Boolean(contains(needle));
  if (isStr(haystack)) {
    if (!isStr(needle)) throw new TypeError(`'in <string>' requires string as left operand, not ${pyTypeName(needle)}`);
    return String(haystack).includes(String(needle));
  }
  if (Array.isArray(haystack)) return haystack.some((x) => pyEq(x, needle));
  if (haystack instanceof Map || haystack instanceof Set) return haystack.has(needle);
  if (typeof haystack === 'object') {
    if (isDict(haystack)) return Object.prototype.hasOwnProperty.call(haystack, dictKeyText(needle));
    return String(needle) in haystack;
  }
  throw new TypeError(`argument of type '${pyTypeName(haystack)}' is not iterable`);
}

export function pyTypeName(v: unknown): string {
  if (v === undefined) return 'Undefined';
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (isStr(v)) return 'str';
  if (Array.isArray(v)) return isTuple(v) ? 'tuple' : 'list';
  if (isDict(v)) return 'dict';
  return typeof v;
}

const isNum = isNumeric;

/** Python arithmetic on two numbers: a float operand (or `forceFloat`, as for `/`) makes a float result. */
export function pyArith(a: unknown, b: unknown, n: number, forceFloat = false): number | PyFloat {
  return forceFloat || isFloat(a) || isFloat(b) ? toPyFloat(n) : n;
}

function numberOperands(a: unknown, b: unknown, op: string): [number, number] {
  if (!isNum(a) || !isNum(b)) throw new TypeError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  return [Number(a), Number(b)];
}

/** Python `-`. */
export function pySub(a: unknown, b: unknown): unknown {
  const custom = binarySpecial(a, b, 'sub');
  if (custom) return custom.value;
  const [x, y] = numberOperands(a, b, '-');
  return pyArith(a, b, x - y);
}

/** Python `/`: always a float; division by zero raises. */
export function pyDiv(a: unknown, b: unknown): unknown {
  const [x, y] = numberOperands(a, b, '/');
  if (y === 0) throw new Error('ZeroDivisionError: division by zero');
  return pyArith(a, b, x / y, true);
}

/** Python `//`: floor division (an int for ints). */
export function pyFloorDiv(a: unknown, b: unknown): unknown {
  const [x, y] = numberOperands(a, b, '//');
  if (y === 0) throw new Error('ZeroDivisionError: integer division or modulo by zero');
  return pyArith(a, b, Math.floor(x / y));
}

/** Python `**`: an int for ints and a non-negative exponent. */
export function pyPow(a: unknown, b: unknown): unknown {
  const [x, y] = numberOperands(a, b, '**');
  return pyArith(a, b, x ** y, y < 0);
}

/** Python unary `-`. */
export function pyNeg(a: unknown): unknown {
  const neg = special(a, '__neg__');
  if (neg) return neg();
  if (!isNum(a)) throw new TypeError(`bad operand type for unary -: '${pyTypeName(a)}'`);
  return isFloat(a) ? toPyFloat(-Number(a)) : -Number(a);
}

/** Python `+`: numbers, str + str, list + list; mixing them raises like Python does. */
export function pyAdd(a: unknown, b: unknown): unknown {
  const custom = binarySpecial(a, b, 'add');
  if (custom) return custom.value;
  if (isNum(a) && isNum(b)) return pyArith(a, b, Number(a) + Number(b));
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
  const custom = binarySpecial(a, b, 'mul');
  if (custom) return custom.value;
  if (isNum(a) && isNum(b)) return pyArith(a, b, Number(a) * Number(b));
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
