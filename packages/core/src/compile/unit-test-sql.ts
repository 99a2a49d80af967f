import { ProjectError } from '../shared/errors.js';
import { quoteIdentifier, sqlString } from '../render/placeholders.js';

/**
 * SQL of unit tests (dbt-adapters' get_fixture_sql / get_expected_sql / get_unit_test_sql), for
 * ClickHouse: fixture rows become a typed `SELECT … UNION ALL SELECT …`, read in place of the
 * model's inputs; the test query returns the model's rows and the expected rows side by side.
 */

/** A column a fixture is typed by: its ClickHouse type, when one is known. */
export interface FixtureColumn {
  readonly name: string;
  readonly type?: string;
}

/**
 * Where the columns of a fixture come from, most trusted first: the relation in the warehouse
 * (complete: a fixture column it lacks is an error, as dbt's), the YAML `data_type`s (a column
 * they do not declare is typed by its values), or the values alone.
 */
export interface FixtureSchema {
  readonly columns: readonly FixtureColumn[];
  readonly complete: boolean;
  /**
   * dbt's get_pseudocolumns_for_relation: columns a query can read that the relation does not list
   * (ClickHouse's virtual columns: `_part`, `_partition_id`, `_file`…). A fixture row may give them;
   * only those given become fixture columns.
   */
  readonly pseudo?: readonly FixtureColumn[];
}

/** What a fixture's rows are, for error messages (dbt: "for 'orders'", "for expected output"). */
export interface FixtureContext {
  readonly what: string;
  readonly file: string;
  readonly line?: number;
}

/** Types that ClickHouse cannot wrap in Nullable(): a missing value takes the type's default. */
const NEVER_NULLABLE = /^(Array|Map|Tuple|Nested|Object|JSON|Variant|Dynamic|Nullable|AggregateFunction|SimpleAggregateFunction)\b/;

/**
 * The type of a column holding a NULL (a value written as null, or a column a row leaves out):
 * ClickHouse refuses NULL in a plain `Int32`, where dbt's warehouses take it, so the mocked
 * input is made Nullable (LowCardinality keeps its place outside).
 */
export function nullableType(type: string): string {
  const low = /^LowCardinality\((.*)\)$/s.exec(type);
  if (low) return low[1]!.startsWith('Nullable(') ? type : `LowCardinality(Nullable(${low[1]}))`;
  return NEVER_NULLABLE.test(type) ? type : `Nullable(${type})`;
}

/** A YAML/CSV value as a ClickHouse literal (YAML dates as dbt prints them: `2024-01-31`). */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return sqlString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : sqlString(String(value));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return sqlString(dateText(value));
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object') return `map(${Object.entries(value).map(([k, v]) => `${sqlString(k)}, ${literal(v)}`).join(', ')})`;
  return sqlString(String(value));
}

function dateText(d: Date): string {
  const iso = d.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
}

/**
 * A fixed-width string type read as String: a longer fixture value would otherwise be refused
 * (ClickHouse) or cut (dbt's varchar(n) bug, dbt-core#11974), hiding what the model does with it.
 */
function widened(type: string): string {
  return type.replace(/\bFixedString\(\d+\)/g, 'String');
}

/** A type for a column known only by its values (CSV values are text: numbers are recognised in them). */
function inferType(values: readonly unknown[], fromText: boolean): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'String';
  const isInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' || (fromText && typeof v === 'string' && /^-?\d{1,18}$/.test(v));
  const isNum = (v: unknown) => typeof v === 'number' || (fromText && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  if (present.every((v) => typeof v === 'boolean')) return 'Bool';
  if (present.every(isInt)) return 'Int64';
  if (present.every(isNum)) return 'Float64';
  if (present.every((v) => v instanceof Date)) return present.every((v) => (v as Date).toISOString().endsWith('T00:00:00.000Z')) ? 'Date' : 'DateTime64(3)';
  return 'String';
}

/** The column of `row` named `name` (dbt compares fixture column names case-insensitively). */
function keyOf(row: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (Object.hasOwn(row, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(row).find((k) => k.toLowerCase() === lower);
}

/**
 * A fixture's rows as one SELECT (dbt's get_fixture_sql): every column of the schema in every
 * row, a value not given being NULL (the type's default where ClickHouse has no NULL for it).
 */
export function fixtureRowsSql(rows: readonly Readonly<Record<string, unknown>>[], schema: FixtureSchema, ctx: FixtureContext, fromText: boolean): string {
  const columns = fixtureColumns(rows, schema, ctx, fromText);
  if (columns.length === 0)
    throw new ProjectError('unit_test_fixture', `Unit test fixture for ${ctx.what} has no columns`, { file: ctx.file, line: ctx.line, hint: 'Give its rows with at least one column, or let tsdbt read the columns from the built relation (run it once) or from data_type in its YAML.' });
  const cell = (c: ResolvedColumn, row: Readonly<Record<string, unknown>> | undefined) => {
    const key = row && keyOf(row, c.name);
    const value = key === undefined ? undefined : row![key];
    if (value === null || value === undefined) return c.nullable ? `CAST(NULL, ${sqlString(c.type)})` : `defaultValueOfTypeName(${sqlString(c.type)})`;
    return `CAST(${literal(value)}, ${sqlString(c.type)})`;
  };
  const select = (row?: Readonly<Record<string, unknown>>) => `select ${columns.map((c) => `${cell(c, row)} as ${quoteIdentifier(c.name)}`).join(', ')}`;
  if (rows.length === 0) return `${select()} limit 0`;
  return rows.map((r) => select(r)).join('\nunion all\n');
}

interface ResolvedColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

function fixtureColumns(rows: readonly Readonly<Record<string, unknown>>[], schema: FixtureSchema, ctx: FixtureContext, fromText: boolean): ResolvedColumn[] {
  const known = new Map(schema.columns.map((c) => [c.name.toLowerCase(), c]));
  const names: string[] = schema.columns.map((c) => c.name);
  for (const row of rows)
    for (const key of Object.keys(row)) {
      if (known.has(key.toLowerCase())) continue;
      const pseudo = schema.pseudo?.find((c) => c.name.toLowerCase() === key.toLowerCase());
      if (pseudo) {
        known.set(key.toLowerCase(), pseudo);
        names.push(pseudo.name);
        continue;
      }
      if (schema.complete)
        throw new ProjectError('unit_test_fixture', `Invalid column name: '${key.toLowerCase()}' in unit test fixture for ${ctx.what}.\nAccepted columns for ${ctx.what} are: [${schema.columns.map((c) => `'${c.name.toLowerCase()}'`).join(', ')}]`, {
          file: ctx.file,
          line: ctx.line,
          hint: 'Use the column names of the relation (a fixture may leave columns out; they are NULL).',
        });
      known.set(key.toLowerCase(), { name: key });
      names.push(key);
    }
  return names.map((name) => {
    const values = rows.map((r) => {
      const k = keyOf(r, name);
      return k === undefined ? undefined : r[k];
    });
    const declared = known.get(name.toLowerCase())!.type;
    const base = declared !== undefined ? widened(declared) : inferType(values, fromText);
    const needsNull = values.some((v) => v === null || v === undefined) || rows.length === 0;
    const type = needsNull ? nullableType(base) : base;
    return { name, type, nullable: type.startsWith('Nullable(') || type.startsWith('LowCardinality(Nullable(') };
  });
}

/**
 * dbt's get_unit_test_sql: the model's rows and the expected rows, limited to the tested columns,
 * each tagged `actual` or `expected` (compared as multisets by the caller).
 */
export function unitTestSql(modelSql: string, expectedSql: string, columns: readonly string[]): string {
  const list = columns.map(quoteIdentifier).join(', ');
  return [
    `select ${list}, 'actual' as actual_or_expected from (\n${modelSql}\n) as _dbt_internal_unit_test_actual`,
    'union all',
    `select ${list}, 'expected' as actual_or_expected from (\n${expectedSql}\n) as _dbt_internal_unit_test_expected`,
  ].join('\n');
}
