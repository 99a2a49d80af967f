import { isDict, isFloat, isNumeric, isStr, isTuple, pyArith, pyModNum, pyNum, pyRepr, pyStr, pyTypeName, type Dict } from './python-values.js';

/** Python `%`-formatting (`'%s_%s' % (a, b)`, `'%05.2f' % x`) and `str.format()`. */

interface Spec {
  flags: string;
  width: number | null;
  precision: number | null;
  type: string;
}

function toNumber(v: unknown, conv: string): number {
  if (isNumeric(v)) return Number(v);
  throw new TypeError(`%${conv} format: a real number is required, not ${pyTypeName(v)}`);
}

/** Exponent notation with at least two exponent digits, like C/Python (`1.5e+03`). */
function expNotation(n: number, precision: number): string {
  const [m, e] = n.toExponential(precision).split('e');
  const sign = e.startsWith('-') ? '-' : '+';
  return `${m}e${sign}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
}

function generalNotation(n: number, precision: number, alt: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Number(n.toExponential(p - 1).split('e')[1]);
  let s = exp >= -4 && exp < p ? n.toFixed(Math.max(0, p - 1 - exp)) : expNotation(n, p - 1);
  if (!alt) s = s.replace(/\.0+(?=e|$)/, '').replace(/(\.\d*?)0+(?=e|$)/, '$1');
  return s;
}

/** Formats one number for `%` and `format()` number conversions (sign and padding excluded). */
function formatNumberBody(n: number, type: string, precision: number | null, alt: boolean): string {
  const a = Math.abs(n);
  switch (type) {
    case 'd': case 'i': case 'u': case 'n':
      return String(Math.trunc(a));
    case 'f': case 'F':
      return Number.isFinite(a) ? a.toFixed(precision ?? 6) : pyNum(a);
    case 'e': case 'E': {
      const s = expNotation(a, precision ?? 6);
      return type === 'E' ? s.toUpperCase() : s;
    }
    case 'g': case 'G': {
      const s = generalNotation(a, precision ?? 6, alt);
      return type === 'G' ? s.toUpperCase() : s;
    }
    case 'x': return (alt ? '0x' : '') + Math.trunc(a).toString(16);
    case 'X': return (alt ? '0X' : '') + Math.trunc(a).toString(16).toUpperCase();
    case 'o': return (alt ? '0o' : '') + Math.trunc(a).toString(8);
    case 'b': return (alt ? '0b' : '') + Math.trunc(a).toString(2);
    case '%': return (a * 100).toFixed(precision ?? 6) + '%';
    default: return pyNum(a);
  }
}

function pad(body: string, sign: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const left = spec.flags.includes('-');
  const total = sign.length + body.length;
  if (total >= width) return sign + body;
  if (numeric && spec.flags.includes('0') && !left) return sign + body.padStart(width - sign.length, '0');
  return left ? (sign + body).padEnd(width) : (sign + body).padStart(width);
}

function convertPercent(v: unknown, spec: Spec): string {
  const t = spec.type;
  if (t === 's' || t === 'r' || t === 'a') {
    let s = t === 's' ? pyStr(v) : pyRepr(v);
    if (spec.precision !== null) s = s.slice(0, spec.precision);
    return pad(s, '', spec, false);
  }
  if (t === 'c') return pad(typeof v === 'number' ? String.fromCodePoint(v) : String(v), '', spec, false);
  const n = toNumber(v, t);
  const sign = n < 0 || Object.is(n, -0) ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  return pad(formatNumberBody(n, t, spec.precision, spec.flags.includes('#')), sign, spec, true);
}

const PERCENT_RE = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/** Python `fmt % args`. A tuple supplies several arguments, a dict supplies `%(name)s` values. */
export function percentFormat(fmt: string, args: unknown): string {
  const positional = isTuple(args) ? [...(args as unknown[])] : [args];
  const mapping = isDict(args) ? (args as Dict) : null;
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw new TypeError('not enough arguments for format string');
    return positional[next++];
  };
  let usedMapping = false;
  const out = fmt.replace(PERCENT_RE, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, type: string) => {
    if (type === '%') return '%';
    const spec: Spec = { flags, width: null, precision: null, type };
    if (width === '*') spec.width = Number(take());
    else if (width) spec.width = Number(width);
    if (prec === '*') spec.precision = Number(take());
    else if (prec !== undefined) spec.precision = prec === '' ? 0 : Number(prec);
    if (key !== undefined) {
      if (!mapping) throw new TypeError('format requires a mapping');
      usedMapping = true;
      return convertPercent(mapping[key], spec);
    }
    return convertPercent(take(), spec);
  });
  if (!usedMapping && !mapping && next < positional.length) {
    throw new TypeError('not all arguments converted during string formatting');
  }
  return out;
}

const FORMAT_SPEC_RE = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function groupThousands(intPart: string, sep: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** Applies a `format()` mini-language spec (`>10`, `.2f`, `,`, `05d`) to one value. */
export function applyFormatSpec(v: unknown, specText: string): string {
  if (specText === '') return pyStr(v);
  const m = FORMAT_SPEC_RE.exec(specText);
  if (!m) throw new Error(`Invalid format specifier '${specText}'`);
  const [, fillCh, alignCh, signCh, , altCh, zeroCh, widthS, groupCh, precS, typeCh] = m;
  const numeric = isNumeric(v);
  let fill = fillCh ?? ' ';
  let align = alignCh ?? (numeric ? '>' : '<');
  if (zeroCh && !alignCh) {
    fill = '0';
    align = '=';
  }
  const width = widthS ? Number(widthS) : 0;
  const precision = precS !== undefined ? Number(precS) : null;
  let sign = '';
  let body: string;
  if (numeric && typeCh !== 's') {
    const n = Number(v);
    const type = typeCh ?? (!isFloat(v) && precision === null ? 'd' : precision !== null ? 'g' : '');
    // No type: str() of the number (a float keeps its `.0`).
    body = type === '' ? pyNum(Math.abs(n), isFloat(v)) : formatNumberBody(n, type, precision, Boolean(altCh));
    if (groupCh) {
      const [i, f] = body.split('.');
      body = groupThousands(i, groupCh) + (f !== undefined ? '.' + f : '');
    }
    sign = n < 0 ? '-' : signCh === '+' ? '+' : signCh === ' ' ? ' ' : '';
  } else {
    body = pyStr(v);
    if (precision !== null) body = body.slice(0, precision);
  }
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  const padding = fill.repeat(width - len);
  switch (align) {
    case '<': return sign + body + padding;
    case '>': return padding + sign + body;
    case '=': return sign + padding + body;
    default: {
      const half = Math.floor((width - len) / 2);
      return fill.repeat(half) + sign + body + fill.repeat(width - len - half);
    }
  }
}

function resolveField(name: string, args: unknown[], kwargs: Dict, auto: { n: number }): unknown {
  const m = /^([^.[]*)(.*)$/s.exec(name)!;
  const head = m[1];
  let value: unknown;
  if (head === '') value = args[auto.n++];
  else if (/^\d+$/.test(head)) value = args[Number(head)];
  else value = kwargs[head];
  const rest = m[2];
  const re = /\.([^.[]+)|\[([^\]]*)\]/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(rest))) {
    const key = part[1] ?? part[2];
    const obj = value as Record<string, unknown> | unknown[];
    value = Array.isArray(obj) && /^\d+$/.test(key) ? obj[Number(key)] : (obj as Record<string, unknown>)?.[key];
  }
  return value;
}

/** Python `str.format(*args, **kwargs)`. */
export function strFormat(fmt: string, args: unknown[], kwargs: Dict): string {
  const auto = { n: 0 };
  return fmt.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const fm = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field ?? '')!;
    let value = resolveField(fm[1], args, kwargs, auto);
    if (fm[2] === 'r' || fm[2] === 'a') value = pyRepr(value);
    else if (fm[2] === 's') value = pyStr(value);
    return applyFormatSpec(value, fm[3] ?? '');
  });
}

/** `%` on numbers follows Python; on strings it formats. */
export function pyMod(a: unknown, b: unknown): unknown {
  if (isStr(a)) return percentFormat(String(a), b);
  if (isNumeric(a) && isNumeric(b)) {
    return pyArith(a, b, pyModNum(Number(a), Number(b)));
  }
  throw new TypeError(`unsupported operand type(s) for %: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}
