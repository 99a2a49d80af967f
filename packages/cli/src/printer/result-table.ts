/**
 * Query rows as a table to read (`tsdbt show`, the Instacart pipeline's verification results):
 * one header, no index column, no quotes; numbers right-aligned and rounded to the decimals the
 * column needs (at most `decimals`); text cut with … so the table fits `width` columns.
 */

export interface TableOptions {
  /** The widest line allowed (the terminal's width; default 120). */
  readonly width?: number;
  /** Most decimals a non-integer shows (default 2; values below 0.01 keep 2 significant digits). */
  readonly decimals?: number;
}

/** A number as ClickHouse's JSON gives it: a JS number, or a string for 64-bit integers and decimals. */
const NUMERIC = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function isNumeric(v: unknown): boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && NUMERIC.test(v));
}

function plain(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/\s*\n\s*/g, ' ');
}

/** The number text of a numeric column's cell: all with the column's decimals (big integers exact); a tiny non-zero value keeps 2 significant digits. */
function numberText(v: unknown, decimals: number): string {
  const text = String(v);
  if (decimals === 0 && /^-?\d+$/.test(text)) return text;
  const n = Number(text);
  if (n !== 0 && Math.abs(n) < 0.5 * 10 ** -decimals) return n.toPrecision(2);
  return n.toFixed(decimals);
}

/** Decimals a column shows: as few as its values need, at most `max`. */
function columnDecimals(values: readonly unknown[], max: number): number {
  let d = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const n = Number(v);
    for (let k = d; k < max && Math.abs(Number(n.toFixed(k)) - n) > 1e-9 * Math.max(1, Math.abs(n)); k++) d = k + 1;
  }
  return d;
}

const cut = (s: string, w: number) => (s.length <= w ? s : w <= 1 ? '…'.slice(0, w) : `${s.slice(0, w - 1)}…`);

export function formatTable(rows: readonly Record<string, unknown>[], options: TableOptions = {}): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]!);
  const maxDecimals = options.decimals ?? 2;
  const numeric = cols.map((c) => rows.some((r) => r[c] !== null && r[c] !== undefined) && rows.every((r) => r[c] === null || r[c] === undefined || isNumeric(r[c])));
  const cells = cols.map((c, i) => {
    const values = rows.map((r) => r[c]);
    if (!numeric[i]) return values.map(plain);
    const d = columnDecimals(values, maxDecimals);
    return values.map((v) => (v === null || v === undefined ? 'NULL' : numberText(v, d)));
  });
  const widths = cols.map((c, i) => Math.max(c.length, ...cells[i]!.map((s) => s.length)));
  // Fit the width: narrow the widest text column, one column at a time, never below 6 (or its header).
  const limit = options.width ?? 120;
  const total = () => widths.reduce((a, w) => a + w + 3, 1);
  while (total() > limit) {
    let widest = -1;
    for (let i = 0; i < cols.length; i++) if (!numeric[i] && widths[i]! > 6 && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break;
    widths[widest]!--;
  }
  const line = (vals: readonly string[]) =>
    '| ' + vals.map((v, i) => (numeric[i] ? cut(v, widths[i]!).padStart(widths[i]!) : cut(v, widths[i]!).padEnd(widths[i]!))).join(' | ') + ' |';
  const rule = '| ' + widths.map((w, i) => (numeric[i] && w > 1 ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ') + ' |';
  return [line(cols), rule, ...rows.map((_, r) => line(cells.map((col) => col[r]!)))].join('\n');
}
