import { bindArgs } from './call-args.js';

/**
 * dbt's Column (`api.Column`, what adapter.get_columns_in_relation returns), with dbt-clickhouse's
 * ClickHouseColumn type handling: `Nullable(...)` and `LowCardinality(...)` are unwrapped into flags,
 * `dtype` is the inner type, `data_type` puts the wrappers back. A Date32's dtype is `Date`: it is SQL's date
 * (dbt_semantics runs `cast(x as date)` as Date32, execute/dbt-semantics/float-casts.ts), and a type test such as
 * dbt_expectations' `column_type_list: [date]` compares the dtype; data_type and literal() keep Date32. A
 * DateTime64(0)'s dtype is `DateTime` for the same reason (`cast(x as timestamp)` under dbt_semantics; DateTime is
 * dbt.type_timestamp() on ClickHouse).
 */

/** dbt's type labels, as ClickHouseColumn translates them (translate_type / type_* macros). */
const TYPE_LABELS: Readonly<Record<string, string>> = { STRING: 'String', TIMESTAMP: 'DateTime', FLOAT: 'Float32', INTEGER: 'Int32' };

const STRING_TYPES = new Set(['string', 'fixedstring', 'longblob', 'longtext', 'tinytext', 'text', 'varchar', 'mediumblob', 'blob', 'tinyblob', 'char', 'mediumtext']);

export class Column {
  readonly column: string;
  readonly dtype: string;
  readonly char_size: number | null;
  readonly numeric_precision: number | null;
  readonly numeric_scale: number | null;
  readonly is_nullable: boolean;
  readonly is_low_cardinality: boolean;
  /** The inner type as the warehouse names it (dtype but for a Date32 or DateTime64(0)). */
  private readonly inner: string;

  constructor(column: string, rawType: string, sizes: { charSize?: number | null; precision?: number | null; scale?: number | null } = {}) {
    this.column = column;
    let inner = rawType.trim();
    let lowCardinality = false;
    let nullable = false;
    const lc = /^LowCardinality\((.*)\)$/s.exec(inner);
    if (lc) {
      lowCardinality = true;
      inner = lc[1]!;
    }
    const nl = /^Nullable\((.*)\)$/s.exec(inner);
    if (nl) {
      nullable = true;
      inner = nl[1]!;
    }
    this.inner = inner;
    this.dtype = /^Date32$/i.test(inner) ? 'Date' : /^DateTime64\(0\)$/i.test(inner) ? 'DateTime' : inner;
    this.is_nullable = nullable;
    this.is_low_cardinality = lowCardinality;
    const lower = inner.toLowerCase();
    const fixed = lower.startsWith('fixedstring') ? /FixedString\((.*?)\)/i.exec(inner) : null;
    this.char_size = sizes.charSize ?? (fixed ? Number(fixed[1]) : null);
    const dec = lower.startsWith('decimal') ? /Decimal\((\d+),\s*(\d+)\)/i.exec(inner) : null;
    this.numeric_precision = sizes.precision ?? (lower.startsWith('decimal') ? (dec ? Number(dec[1]) : 0) : null);
    this.numeric_scale = sizes.scale ?? (lower.startsWith('decimal') ? (dec ? Number(dec[2]) : 0) : null);
  }

  /** `api.Column.create(name, label_or_dtype)`. */
  static create(...args: unknown[]): Column {
    const a = bindArgs(args, ['name', 'label_or_dtype']);
    return new Column(String(a.name), Column.translate_type(a.label_or_dtype));
  }

  /** `api.Column(name, dtype, char_size=None, numeric_precision=None, numeric_scale=None)`. */
  static make(...args: unknown[]): Column {
    const a = bindArgs(args, ['column', 'dtype', 'char_size', 'numeric_precision', 'numeric_scale']);
    const n = (v: unknown) => (v === undefined || v === null ? null : Number(v));
    return new Column(String(a.column ?? a.name), String(a.dtype ?? a.data_type ?? ''), { charSize: n(a.char_size), precision: n(a.numeric_precision), scale: n(a.numeric_scale) });
  }

  static translate_type(dtype: unknown): string {
    const s = String(dtype);
    return TYPE_LABELS[s.toUpperCase()] ?? s;
  }

  static from_description(name: unknown, rawType: unknown): Column {
    return new Column(String(name), String(rawType));
  }

  static string_type(_size?: unknown): string {
    return 'String';
  }

  static numeric_type(_dtype: unknown, precision: unknown, scale: unknown): string {
    return `Decimal(${String(precision)}, ${String(scale)})`;
  }

  get name(): string {
    return this.column;
  }

  /** dbt's Column.quoted: the name in double quotes (ClickHouse reads them as an identifier). */
  get quoted(): string {
    return `"${this.column}"`;
  }

  get data_type(): string {
    let t = this.is_string() ? Column.string_type(this.string_size()) : this.is_numeric() ? Column.numeric_type(this.dtype, this.numeric_precision, this.numeric_scale) : this.inner;
    if (this.is_nullable) t = `Nullable(${t})`;
    if (this.is_low_cardinality) t = `LowCardinality(${t})`;
    return t;
  }

  /** dbt's Column.expanded_data_type (dbt-adapters 1.10+: the type for schema comparisons; data_type unless an adapter expands it). */
  get expanded_data_type(): string {
    return this.data_type;
  }

  is_string(): boolean {
    const t = this.dtype.toLowerCase();
    return STRING_TYPES.has(t) || t.startsWith('fixedstring');
  }

  is_integer(): boolean {
    const t = this.dtype.toLowerCase();
    return t.startsWith('int') || t.startsWith('uint');
  }

  is_numeric(): boolean {
    return this.dtype.toLowerCase().startsWith('decimal');
  }

  is_float(): boolean {
    return this.dtype.toLowerCase().startsWith('float');
  }

  is_number(): boolean {
    return this.is_float() || this.is_integer() || this.is_numeric();
  }

  string_size(): number {
    if (!this.is_string()) throw new Error('Called string_size() on non-string field!');
    return this.dtype.toLowerCase().startsWith('fixedstring') && this.char_size !== null ? this.char_size : 256;
  }

  can_expand_to(other: unknown): boolean {
    if (!(other instanceof Column) || !this.is_string() || !other.is_string()) return false;
    return other.string_size() > this.string_size();
  }

  literal(value: unknown): string {
    return `to${this.inner}(${String(value)})`;
  }

  __eq__(other: unknown): boolean {
    return other instanceof Column && other.column === this.column && other.data_type === this.data_type;
  }

  /** ClickHouseColumn's str(): `name Type`. */
  toString(): string {
    return `${this.column} ${this.data_type}`;
  }
}
