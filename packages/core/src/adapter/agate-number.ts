/**
 * A seed value as agate's Number type (dbt's CSV reader, en_US) reads it, written as a plain decimal
 * ClickHouse parses, or undefined when agate would not read it as a number. agate strips `%` at both
 * ends, takes one leading `-` as the sign, strips currency symbols at both ends, drops the group
 * symbol `,` and then parses what is left as a Python Decimal: `"6,427"` is 6427, `"$1,200.50"`
 * 1200.50, `"-12%"` -12 (agate/data_types/number.py `Number.cast`). Decimal's NaN and Infinity are
 * left out (no seed column is inferred numeric from them here).
 */
export function agateNumber(value: string): string | undefined {
  let d = value.trim();
  d = stripAll(d, '%');
  let negative = false;
  if (d.startsWith('-')) {
    d = d.slice(1);
    negative = true;
  }
  for (const symbol of CURRENCY_SYMBOLS) d = stripAll(d, symbol);
  d = d.replaceAll(',', '');
  // Python's Decimal(str): surrounding spaces, a sign, underscores between digits (PEP 515).
  const m = DECIMAL.exec(d);
  if (!m) return undefined;
  const own = m[1] === '-';
  const digits = m[2]!.replaceAll('_', '');
  return (negative !== own ? '-' : '') + digits;
}

/** agate's DEFAULT_CURRENCY_SYMBOLS, stripped in this order. */
const CURRENCY_SYMBOLS = ['؋', '$', 'ƒ', '៛', '¥', '₡', '₱', '£', '€', '¢', '﷼', '₪', '₩', '₭', '₮', '₦', '฿', '₤', '₫'];

const DIGITS = String.raw`\d(?:_?\d)*`;
const DECIMAL = new RegExp(String.raw`^\s*([+-]?)((?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?)\s*$`);

/** Python's str.strip(chars) for one symbol: every occurrence at either end removed. */
function stripAll(text: string, symbol: string): string {
  let start = 0;
  let end = text.length;
  while (text.startsWith(symbol, start) && start < end) start += symbol.length;
  while (end - symbol.length >= start && text.endsWith(symbol, end)) end -= symbol.length;
  return text.slice(start, end);
}
