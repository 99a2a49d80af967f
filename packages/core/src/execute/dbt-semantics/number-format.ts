/*
 * to_number(text, format) — Postgres, Redshift and Snowflake (to_number/to_decimal/to_numeric(x, format[, p[, s]])):
 * the format's digits (9, 0), decimal point (. or D), group separators (, or G), sign (S, MI, PR: `<12>` is -12),
 * currency ($, L) and fill mode (FM) say how the text is written; the value is its digits, its decimal point and its
 * sign. ClickHouse has no such function. The scale is the format's digits after its decimal point (Postgres'
 * numeric; `to_number('1,234.56', '9G999D99')` = 1234.56) unless a precision and scale are given (Snowflake's
 * NUMBER(p, s), rounded). A format with other elements (V, EEEE, a text-minimal TM) is left as written.
 */

const ELEMENTS = /FM|MI|PR|[90.,$SLDG ]/gy;

/** The ClickHouse expression of to_number(value, format[, p[, s]]) (`format` a SQL string literal), or undefined. */
export function numberFromFormat(value: string, formatLiteral: string, digits: readonly string[]): string | undefined {
  const format = /^'((?:[^'\\]|'')*)'$/.exec(formatLiteral.trim())?.[1]?.toUpperCase();
  if (format === undefined || digits.length > 2 || digits.some((d) => !/^\d+$/.test(d))) return undefined;
  ELEMENTS.lastIndex = 0;
  let scale = 0;
  let point = false;
  let read = 0;
  for (let m = ELEMENTS.exec(format); m; m = ELEMENTS.exec(format)) {
    read = ELEMENTS.lastIndex;
    if (m[0] === '.' || m[0] === 'D') point = true;
    else if (point && (m[0] === '9' || m[0] === '0')) scale++;
  }
  if (read !== format.length || !/[90]/.test(format)) return undefined;
  const [p, s] = digits.length > 0 ? [digits[0]!, digits[1] ?? '0'] : ['38', String(scale)];
  const text = `toString(${value})`;
  // A minus anywhere (S, MI: leading or trailing) or an opening angle bracket (PR) makes it negative.
  return `CAST(concat(if(match(${text}, '^[[:space:]]*<|-'), '-', ''), replaceRegexpAll(${text}, '[^0-9.]', '')) AS Decimal(${p}, ${s}))`;
}
