import { pyStr } from './jinja-compat/python-values.js';

/** agate's print_table limits (Infinity: none, as agate's `None`). */
export interface PrintTableLimits {
  readonly maxRows: number;
  readonly maxColumns: number;
  readonly maxColumnWidth: number;
  readonly maxPrecision: number;
}

const ELLIPSIS = '...';
const TRUNCATION = '...';
const NUMBER_TRUNCATION = '…';

/** Decimal places a number is written with (agate's utils.max_precision reads a Decimal's exponent). */
function places(v: number): number {
  if (!Number.isFinite(v)) return 0;
  const [mantissa, exponent] = String(v).toLowerCase().split('e');
  const fraction = mantissa!.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

const cut = (s: string, width: number) => (s.length > width ? `${s.slice(0, Math.max(0, width - TRUNCATION.length))}${TRUNCATION}` : s);

/**
 * The text agate's Table.print_table writes (agate/table/print_table.py), without its last newline:
 * `| name | n |`, a `| ---- | - |` divider, one line per row, a `...` row/column past the limits.
 * `kinds` are agate's data type names (Text left-aligned, the rest right-aligned).
 */
export function agatePrintTable(names: readonly string[], kinds: readonly string[], rows: readonly (readonly unknown[])[], limits: PrintTableLimits): string {
  const shownColumns = Math.min(names.length, limits.maxColumns);
  const header = names.slice(0, shownColumns).map((n) => cut(n, limits.maxColumnWidth));
  if (names.length > shownColumns) header.push(ELLIPSIS);
  const widths = header.map((h) => h.length);
  const shownRows = rows.slice(0, limits.maxRows);
  const formatters = kinds.slice(0, shownColumns).map((kind, j) => {
    if (kind !== 'Number') return undefined;
    let decimals = Math.max(0, ...shownRows.map((r) => (typeof r[j] === 'number' ? places(r[j] as number) : 0)));
    const truncated = decimals > limits.maxPrecision;
    if (truncated) decimals = limits.maxPrecision;
    const format = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, roundingMode: 'halfEven' } as Intl.NumberFormatOptions);
    return (v: number) => format.format(v) + (truncated ? NUMBER_TRUNCATION : '');
  });
  const cells = shownRows.map((row) => {
    const out: string[] = [];
    for (let j = 0; j < row.length && j <= shownColumns; j++) {
      const v = row[j];
      const format = formatters[j];
      let text = j >= shownColumns ? ELLIPSIS : v === null || v === undefined ? '' : format && typeof v === 'number' && Number.isFinite(v) ? format(v) : pyStr(v);
      text = cut(text, limits.maxColumnWidth);
      widths[j] = Math.max(widths[j] ?? 0, text.length);
      out.push(text);
    }
    return out;
  });
  const line = (row: readonly string[]) => `|${row.map((d, j) => ` ${kinds[j] === 'Text' || kinds[j] === undefined ? d.padEnd(widths[j]!) : d.padStart(widths[j]!)} `).join('|')}|`;
  const lines = [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)];
  if (rows.length > shownRows.length) lines.push(line(header.map(() => ELLIPSIS)));
  return lines.join('\n');
}
