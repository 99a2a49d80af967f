import { Readable } from 'node:stream';
import { decodeProjectText, readProjectBytes } from '../shared/text-file.js';
import { parseCsvRecords } from '../shared/csv-records.js';
import type { Relation, SeedNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import { quoteIdentifier, relationSql } from '../render/placeholders.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';
import { withStaging } from './staging.js';
import { replaceThroughViews, viewsReading } from './materializations/append-through-views.js';
import { dbtSemantics } from '../load/dbt-semantics.js';
import { dbtSemanticsType, SERVER_WIDEST_NUMERIC, UNBOUNDED_NUMERIC } from '../shared/dbt-type-names.js';
import { clickhouseTypeSpelling } from './type-spelling.js';
import { agateNumber } from './agate-number.js';

/**
 * A value dbt reads as NULL: agate's type tester (dbt-common's agate_helper) takes `''` and `null`,
 * in any case and with spaces around, as null in every column type, text columns included.
 */
export const isNullText = (v: string): boolean => /^\s*(null)?\s*$/i.test(v);

/** Infers a ClickHouse type from a column's CSV values, as dbt-clickhouse does (Nullable when a value is null). */
export function inferType(values: readonly string[]): string {
  // agate strips the spaces around a number, date or boolean before reading it.
  const present = values.filter((v) => !isNullText(v)).map((v) => v.trim());
  const nullable = present.length < values.length;
  let type = 'String';
  // A column whose every value is empty is an integer column in dbt (agate's type tester keeps
  // every type for nulls and dbt lists Integer first): Nullable(Int32) here, as dbt-clickhouse's Int32.
  if (present.length === 0) type = values.length > 0 ? 'Int32' : 'String';
  else if (present.every((v) => agateNumber(v) !== undefined)) {
    // agate reads `6,427`, `$1,200.50`, `12%` as numbers (agate-number.ts); loadSeed writes them as such.
    const numbers = present.map((v) => agateNumber(v)!);
    type = (numbers.every((n) => /^-?\d{1,20}$/.test(n)) && integerType(numbers)) || 'Float64';
  }
  else if (present.every((v) => /^(true|false)$/i.test(v))) type = 'Bool';
  // Date and DateTime start in 1970 (Date ends in 2149, DateTime in 2106): birth dates and far
  // futures take the wider Date32 / DateTime64 instead of being clamped. agate reads them with
  // strptime's %Y-%m-%d %H:%M:%S, where one digit is enough (`2020-02-04 0:40:51`): compared padded.
  else if (present.every((v) => DATE.test(v))) type = present.every((v) => inRange(v, '1970-01-01', '2149-06-07')) ? 'Date' : 'Date32';
  else if (present.every((v) => DATE_TIME.test(v))) type = present.every((v) => inRange(v, '1970-01-01', '2106-02-07')) ? 'DateTime' : 'DateTime64(0)';
  // With fractions of a second (`2025-02-13T05:35:51.648`, fivetran's exports) agate reads a DateTime too, a
  // timestamp on Postgres: DateTime64 with as many digits as the longest fraction (ClickHouse's DateTime has none).
  else if (present.every((v) => DATE_TIME_FRACTION.test(v)))
    type = `DateTime64(${present.reduce((most, v) => Math.max(most, v.split('.')[1]?.length ?? 0), 0)})`; // no spread: a big seed's column overflows the stack
  return nullable ? `Nullable(${type})` : type;
}

const DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const DATE_TIME = /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{1,2}:\d{1,2}$/;
const DATE_TIME_FRACTION = /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?$/;

/** A date or timestamp with each part of one digit padded to two (`2020-2-4 0:40:51` → `2020-02-04 00:40:51`). */
export const paddedDateTime = (v: string): string => v.trim().replace(/(^|[-: T])(\d)(?=$|[-: T.])/g, '$10$2');

const inRange = (v: string, from: string, before: string) => {
  const padded = paddedDateTime(v);
  return padded >= from && padded < before;
};

/** The smallest of Int32, Int64, UInt64 that holds every value exactly; undefined when none does. */
function integerType(values: readonly string[]): string | undefined {
  const ns = values.map((v) => BigInt(v));
  if (ns.every((n) => n >= -(2n ** 31n) && n < 2n ** 31n)) return 'Int32';
  if (ns.every((n) => n >= -(2n ** 63n) && n < 2n ** 63n)) return 'Int64';
  if (ns.every((n) => n >= 0n && n < 2n ** 64n)) return 'UInt64';
  return undefined;
}

/**
 * A seed's text. UTF-8 (a byte order mark dropped) or UTF-16 with a byte order mark (what
 * spreadsheets save as "Unicode text"), decoded; anything else that is not UTF-8 is an error naming
 * the byte, never a silent U+FFFD in the table.
 */
export function seedText(node: SeedNode): string {
  const bytes = readProjectBytes(node.seedFile, node.originalFilePath);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return decodeProjectText(bytes, node.originalFilePath);
}

/** Column names and types of a seed file (types inferred, or set with `column_types`). */
export function seedColumns(node: SeedNode, text = seedText(node)): { name: string; type: string }[] {
  return seedTable(node, text).columns;
}

/*
 * SQL's type names in column_types, as a cast to them runs under dbt_semantics (shared/dbt-type-names.ts dbtSemanticsType):
 * - `float`: a double on the warehouses dbt projects are written for (Postgres' float8, Snowflake, BigQuery,
 *   Redshift) but Float32 in ClickHouse, where a value read back differs in the 8th digit (dbt_utils' get_single_value
 *   test, any float compared with a literal): Float64, as tsdbt infers decimals and as dbt.type_float() casts.
 * - `numeric` / `decimal` without precision: exact at any scale there, ClickHouse's Decimal(10, 0) here, which loaded
 *   0.29 as 0: Decimal(76, 10) (Decimal(38, 10) on a server without Decimal256).
 * - `timestamp`: any instant there, ClickHouse's DateTime (1970–2106) here, where `1900-01-01 00:00:00` loaded as
 *   1970-01-01: DateTime64(0) (1900–2299, whole seconds, DateTime's text).
 * - `date`: any day there, ClickHouse's Date (1970–2149) here, where a birth date `1960-05-01` loaded as 1970-01-01:
 *   Date32 (1900–2299; a type test still reads its dtype as Date: render/column.ts).
 * ClickHouse's own spellings (`Float32`, `Decimal(p, s)`, `DateTime`, `Date`) stay as written; dbt_semantics off keeps
 * ClickHouse's meaning of every name; a server without Date32 keeps Date / DateTime (loadSeed).
 */

/**
 * The header as agate (dbt's CSV reader) names the columns: an empty name is the column's letter
 * (`a`, `b`, … `z`, `aa`, `bb`…), a name seen before gets `_2`, `_3`… (fivetran's NetSuite seeds
 * name a column twice).
 */
export function agateColumnNames(fields: readonly string[]): string[] {
  const names: string[] = [];
  fields.forEach((field, i) => {
    const name = field === '' ? String.fromCharCode(97 + (i % 26)).repeat(Math.floor(i / 26) + 1) : field;
    let final = name;
    for (let n = 2; names.includes(final); n++) final = `${name}_${n}`;
    names.push(final);
  });
  return names;
}

/** A seed file read as dbt reads it: its columns (types inferred or from `column_types`) and its rows. */
function seedTable(node: SeedNode, text: string): { columns: { name: string; type: string }[]; rows: string[][] } {
  const delimiter = typeof node.config.delimiter === 'string' ? node.config.delimiter : ',';
  // dbt: "Compilation Error … the delimiter must be a 1-character string" (agate's csv reader).
  if ([...delimiter].length !== 1)
    throw new ProjectError('seed_delimiter', `Compilation Error in seed ${node.name}: the delimiter config must be one character, got ${JSON.stringify(delimiter)}`, {
      file: node.originalFilePath,
      hint: "Set delimiter to one character, e.g. delimiter: '|' (or remove it for ',').",
    });
  const records = parseCsvRecords(text, delimiter);
  if (records.length === 0)
    throw new ProjectError('seed_empty', `Seed ${node.name} is empty`, { file: node.originalFilePath, hint: 'Add a header line with the column names.' });
  const header = agateColumnNames(records[0]!.fields);
  // agate (dbt's CSV reader) fills a short row's missing values with NULL and refuses a long one.
  const rows = records.slice(1).map((r) => (r.fields.length < header.length ? [...r.fields, ...Array<string>(header.length - r.fields.length).fill('')] : r.fields));
  for (const r of records.slice(1))
    if (r.fields.length > header.length)
      throw new ProjectError('seed_row', `Seed ${node.name}: line ${r.line} has ${r.fields.length} values, the header has ${header.length}`, {
        file: node.originalFilePath,
        line: r.line,
        hint: 'Quote values that contain the delimiter, and give no row more values than the header has columns.',
      });
  const overrides = (node.config.column_types ?? {}) as Record<string, string>;
  // dbt_semantics: a declared SQL type is what a cast to it gives (above), and a declared column with an empty (or `null`) value holds NULL
  // there, as agate reads it on every warehouse, not the type's default (0, '', 1970-01-01) ClickHouse would store.
  const declared = (type: string, i: number) => {
    if (!dbtSemantics(node)) return type;
    const t = dbtSemanticsType(type) ?? type;
    return CANNOT_BE_NULLABLE.test(t) || !rows.some((r) => isNullText(r[i] ?? '')) ? t : `Nullable(${t})`;
  };
  const typeOf = (name: string, i: number) => {
    const set = overrides[name];
    return typeof set === 'string' ? declared(clickhouseTypeSpelling(set), i) : inferType(rows.map((r) => r[i] ?? ''));
  };
  const columns = header.map((name, i) => ({ name, type: typeOf(name, i) }));
  // An inferred number column holds agate's numbers (`6,427` is 6427). A column in column_types is
  // read as text by dbt (agate's text_columns) and keeps its values as written.
  const numeric = columns.map((c) => typeof overrides[c.name] !== 'string' && INFERRED_NUMBER.test(c.type));
  const dated = columns.map((c) => typeof overrides[c.name] !== 'string' && INFERRED_DATE.test(c.type));
  if (!numeric.some(Boolean) && !dated.some(Boolean)) return { columns, rows };
  const read = (v: string, i: number) => (isNullText(v) ? v : numeric[i] ? (agateNumber(v) ?? v) : dated[i] ? paddedDateTime(v) : v);
  return { columns, rows: rows.map((r) => r.map(read)) };
}

const INFERRED_NUMBER = /^(?:Nullable\()?(?:Int32|Int64|UInt64|Float64)\)?$/;
const INFERRED_DATE = /^(?:Nullable\()?(?:Date|Date32|DateTime|DateTime64\(\d\))\)?$/;

/** Types ClickHouse does not wrap in Nullable (or that are already): declared so, they keep their defaults. */
const CANNOT_BE_NULLABLE = /^\s*(?:Nullable|Array|Map|Tuple|Nested|LowCardinality|JSON|Object|Variant|Dynamic|AggregateFunction|SimpleAggregateFunction|Point|Ring|Polygon|MultiPolygon|LineString|MultiLineString|Geometry)\b/i;

/**
 * The rows as the CSV ClickHouse loads, written from the values tsdbt read (one CSV reader decides
 * what a value is): a null (isNullText) is an empty field, which ClickHouse reads as NULL (or the
 * type's default in a column that cannot hold one); numbers, booleans and dates are written trimmed,
 * as agate reads them; anything else (text, arrays…) in double quotes, as written (a single quote
 * stays text on every server).
 */
const SCALAR = /^\s*(?:(?:Nullable|LowCardinality)\s*\(\s*)*(?:U?Int\d*|Float\d*|Decimal\d*|Bool|Boolean|Date\d*|DateTime\d*|Integer|BigInt|SmallInt|TinyInt|Double|Real|Numeric|Timestamp)\b/i;

export function seedCsv(columns: readonly { name: string; type: string }[], rows: readonly (readonly string[])[]): string {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const text = columns.map((c) => !SCALAR.test(c.type));
  const lines = [columns.map((c) => quote(c.name)).join(',')];
  for (const row of rows) lines.push(row.map((v, i) => (isNullText(v) ? '' : text[i] ? quote(v) : v.trim())).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Loads a seed into a staged table by streaming the file, then swaps it in — or, when materialized views read the
 * seed, puts its rows in place of the kept table's and appends the views' rows of them to their targets
 * (replaceThroughViews): dbt-clickhouse reloads a seed by TRUNCATE + INSERT, which the views fire on, where a swapped-in
 * table's rows never pass through them. Returns the row count and warnings (views that could not be fed).
 */
export async function loadSeed(
  adapter: ClickHouseAdapter, node: SeedNode, signal?: AbortSignal, options: { readonly empty?: boolean } = {},
): Promise<{ rows: number; warnings: string[] }> {
  const rel = node.relation;
  const table = seedTable(node, seedText(node));
  let columns = table.columns;
  // Date32 and DateTime64 came with ClickHouse 21.9 / 20.1: older servers keep Date / DateTime. Decimal256 (20.8): an
  // unbounded numeric is Decimal(38, 10) there, as a cast to numeric (server-features.ts).
  if (columns.some((c) => /Date32|DateTime64/.test(c.type)) && !(await adapter.hasTypeFamily('Date32')))
    columns = columns.map((c) => ({ ...c, type: c.type.replace('Date32', 'Date').replace('DateTime64(0)', 'DateTime') }));
  if (columns.some((c) => c.type.includes(UNBOUNDED_NUMERIC)) && !(await adapter.hasTypeFamily('Decimal256')))
    columns = columns.map((c) => ({ ...c, type: c.type.replace(UNBOUNDED_NUMERIC, SERVER_WIDEST_NUMERIC) }));
  const cols = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  const warnings: string[] = [];
  await withStaging(adapter, rel, signal, async (s) => {
    const staged = await s.createTable(cols, node.config);
    // Only settings the server knows (18.x has no input_format_csv_empty_as_default).
    const wanted: Record<string, unknown> = { format_csv_delimiter: ',', input_format_csv_empty_as_default: 1, input_format_skip_unknown_fields: 0 };
    const settings: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(wanted)) if (await adapter.hasSetting(name)) settings[name] = value;
    // The values as read (a UTF-16 seed or a byte order mark reaches the table as UTF-8, nulls as dbt's).
    // --empty (dbt 1.10's seed --empty / build --empty): the table with the file's columns and types, no rows.
    if (!options.empty) {
      const csv = seedCsv(columns, table.rows);
      await adapter.client.insertStream(`${relationSql(staged.schema, staged.identifier)}`, Readable.from([Buffer.from(csv, 'utf8')], { objectMode: false }), 'CSVWithNames', { signal, settings });
    }
    const views = await viewsReading(adapter, rel);
    if (views.length && (await replaceThroughViews(s, rel, staged, node.config))) return;
    if (views.length) warnings.push(viewsNotFed(node, views));
    await s.swap(staged);
  });
  return { rows: await adapter.rowCount(rel), warnings };
}

/** The warning for a seed whose new rows the views reading it did not get (replaceThroughViews could not be done). */
function viewsNotFed(node: SeedNode, views: readonly Relation[]): string {
  const names = views.map((v) => `${v.schema}.${v.identifier}`).join(', ');
  return (
    `${node.originalFilePath}: seed ${node.name} was replaced as a new table, so the materialized view${views.length === 1 ? '' : 's'} reading it (${names}) did not get its new rows ` +
    '(dbt-clickhouse inserts them into the kept table, which the views fire on). tsdbt does that only when the seed keeps its columns and table config, ' +
    'its table and each view\'s target are MergeTree tables no other view reads, each view names the seed once, and not in cluster mode. ' +
    'To pass the rows through: insert the seed\'s rows into the views\' targets yourself, or rebuild the views with --full-refresh.'
  );
}
