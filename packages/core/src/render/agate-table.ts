import { bindArgs } from './call-args.js';
import { agateCell, bareType } from './agate-cells.js';
import { pyTuple } from './jinja-compat/python-values.js';
import { PyDate } from './modules/datetime.js';
import { agatePrintTable } from './agate-print-table.js';
import type { QueryTable } from './render-state.js';

/**
 * The agate table dbt hands templates (run_query(), load_result(...).table): `column_names`,
 * `columns` (by index or name, each with `.values()`), `rows` (each by index or column name),
 * iteration over rows. Values are agate's cells (agate-cells.ts: numbers, Python dates and datetimes).
 */

/**
 * agate's DataType of a column (`table.columns['x'].data_type`, `table.column_types`): dbt infers
 * Number, Boolean, Date, DateTime or Text from the values; here from the ClickHouse type. Templates
 * call its `jsonify(value)` (data-mie/dbt-profiler's print_profile_schema): a number as is, a date
 * or timestamp in ISO form, anything else unchanged.
 */
export class AgateDataType {
  constructor(readonly name: 'Number' | 'Boolean' | 'Date' | 'DateTime' | 'Text') {}

  static of(clickhouseType: string): AgateDataType {
    const t = bareType(clickhouseType);
    if (/^Bool/.test(t)) return new AgateDataType('Boolean');
    if (/^(?:U?Int\d+|Float\d+|Decimal)/.test(t)) return new AgateDataType('Number');
    if (/^DateTime/.test(t)) return new AgateDataType('DateTime');
    if (/^Date/.test(t)) return new AgateDataType('Date');
    return new AgateDataType('Text');
  }

  jsonify(value: unknown): unknown {
    if (value === null || value === undefined) return null;
    if (value instanceof PyDate) return value.isoformat();
    if (this.name === 'DateTime' && typeof value === 'string') return value.replace(' ', 'T');
    return value;
  }

  toString(): string {
    return `<agate.data_types.${this.name}>`;
  }
}

/** A sequence whose items are also reachable by key (agate's MappedSequence: rows and columns). */
function mappedSequence<T>(items: readonly T[], keys: readonly string[]): T[] & Record<string, unknown> {
  const seq = [...items] as T[] & Record<string, unknown>;
  keys.forEach((k, i) => {
    if (!(k in seq)) Object.defineProperty(seq, k, { value: items[i], enumerable: false });
  });
  Object.defineProperties(seq, {
    keys: { value: () => [...keys], enumerable: false },
    values: { value: () => [...items], enumerable: false },
    items: { value: () => keys.map((k, i) => pyTuple([k, items[i]])), enumerable: false },
    dict: { value: () => Object.fromEntries(keys.map((k, i) => [k, items[i]])), enumerable: false },
    get: { value: (key: unknown, fallback: unknown = null) => (typeof key === 'number' ? (items[key] ?? fallback) : keys.includes(String(key)) ? items[keys.indexOf(String(key))] : fallback), enumerable: false },
  });
  return seq;
}

export class AgateColumn {
  [index: number]: unknown;
  readonly data_type: AgateDataType;
  constructor(readonly name: string, clickhouseType: string, private readonly data: readonly unknown[]) {
    this.data_type = AgateDataType.of(clickhouseType);
    // agate's Column is a sequence of its values: `table.columns['name'][0]`.
    data.forEach((v, i) => Object.defineProperty(this, i, { value: v, enumerable: false }));
  }
  get length(): number {
    return this.data.length;
  }
  /** Python's len(); also its truthiness: a column of no values is false. */
  __len__(): number {
    return this.data.length;
  }
  values(): unknown[] {
    return [...this.data];
  }
  /** Distinct as Python's set: equal dates are one value. */
  values_distinct(): unknown[] {
    const seen = new Set<unknown>();
    return this.data.filter((v) => {
      const key = v instanceof PyDate ? `${v.constructor.name}:${v.isoformat()}` : v;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  }
  values_without_nulls(): unknown[] {
    return this.data.filter((v) => v !== null);
  }
  values_sorted(): unknown[] {
    return [...this.data].sort();
  }
  toString(): string {
    return `<agate.Column name=${this.name}>`;
  }
}

export class AgateTable {
  readonly column_names: string[];
  /** The ClickHouse types of the columns (agate's `column_types` are their AgateDataTypes). */
  private readonly types: string[];
  readonly rows: unknown[][];
  readonly columns: AgateColumn[];

  /** `print`: where print_table() writes (the render's print(): the console's info lines). */
  constructor(table: QueryTable, private readonly print?: (text: string) => void) {
    this.column_names = [...table.columnNames];
    this.types = table.columnNames.map((_, i) => table.columnTypes?.[i] ?? '');
    const converted = table.rows.map((r) => r.map((v, i) => agateCell(v, table.columnTypes?.[i])));
    this.rows = converted.map((r) => mappedSequence(r, this.column_names));
    this.columns = mappedSequence(
      this.column_names.map((name, i) => new AgateColumn(name, this.types[i]!, converted.map((r) => r[i]))),
      this.column_names,
    );
  }

  get column_types(): AgateDataType[] {
    return this.columns.map((c) => c.data_type);
  }

  static empty(): AgateTable {
    return new AgateTable({ columnNames: [], rows: [] });
  }

  get length(): number {
    return this.rows.length;
  }

  /** Python's len(); also its truthiness: `{% if run_query(...) %}` is false for no rows (re_data's re_data_columns). */
  __len__(): number {
    return this.rows.length;
  }

  [Symbol.iterator](): Iterator<unknown[]> {
    return this.rows[Symbol.iterator]();
  }

  /** `table[i]`: the i-th row (agate's Table is a sequence of its rows: dbt's statements test reads `table[0]['col']`). */
  __getitem__(key: unknown): unknown {
    if (typeof key !== 'number') return undefined;
    return this.rows[key < 0 ? this.rows.length + key : key];
  }

  /** The rows as lists (dbt's `load_result(...).data`). */
  matrix(): unknown[][] {
    return this.rows.map((r) => [...r]);
  }

  select(...args: unknown[]): AgateTable {
    const { key } = bindArgs(args, ['key']);
    const names = (Array.isArray(key) ? key : [key]).map(String);
    const idx = names.map((n) => this.column_names.indexOf(n));
    return new AgateTable({ columnNames: names, columnTypes: idx.map((i) => this.types[i]!), rows: this.rows.map((r) => idx.map((i) => r[i])) }, this.print);
  }

  /** agate's Table.rename: new column names from a dict {old: new} (others kept) or a list, in order; the rows unchanged. */
  rename(...args: unknown[]): AgateTable {
    const { column_names: given } = bindArgs(args, ['column_names', 'row_names', 'slug_columns', 'slug_rows']);
    let names = this.column_names;
    if (Array.isArray(given)) names = this.column_names.map((n, i) => (given[i] === undefined ? n : String(given[i])));
    else if (given !== null && given !== undefined && typeof given === 'object') {
      const map = given as Record<string, unknown>;
      names = this.column_names.map((n) => (Object.hasOwn(map, n) ? String(map[n]) : n));
    }
    return new AgateTable({ columnNames: names, columnTypes: this.types, rows: this.rows.map((r) => [...r]) }, this.print);
  }

  limit(n: unknown): AgateTable {
    return new AgateTable({ columnNames: this.column_names, columnTypes: this.types, rows: this.rows.slice(0, Number(n)) }, this.print);
  }

  /**
   * agate's Table.print_table (audit_helper's documented `{% do results.print_table() %}`): written
   * out, not returned. Text left-aligned, other values right-aligned; numbers with the column's
   * decimal places (at most max_precision, then '…') and thousands separators; long values cut.
   */
  print_table(...args: unknown[]): string {
    const a = bindArgs(args, ['max_rows', 'max_columns', 'output', 'max_column_width', 'locale', 'max_precision']);
    const limit = (v: unknown, fallback: number) => (v === undefined ? fallback : v === null ? Infinity : Number(v));
    const text = agatePrintTable(this.column_names, this.column_types.map((t) => t.name), this.rows, {
      maxRows: limit(a.max_rows, 20),
      maxColumns: limit(a.max_columns, 6),
      maxColumnWidth: limit(a.max_column_width, 20),
      maxPrecision: limit(a.max_precision, 3),
    });
    this.print?.(text);
    return '';
  }

  toString(): string {
    return `<agate.Table ${this.column_names.length} columns, ${this.rows.length} rows>`;
  }
}
