import type { ModelNode } from '../../manifest/nodes.js';
import { agatePrintTable } from '../../render/agate-print-table.js';
import { ProjectError } from '../../shared/errors.js';
import { clickhouseTypeSpelling } from '../type-spelling.js';
import type { ClickHouseAdapter, WarehouseColumn } from '../clickhouse-adapter.js';
import { canonicalTypes, comparableType, normalizeTypeText, withoutNullable } from './clickhouse-types.js';
import { contractKeyColumns } from './constraints.js';

/** A model with `contract: {enforced: true}` (dbt's ContractConfig). */
export function contractEnforced(node: Pick<ModelNode, 'config'>): boolean {
  const c = node.config.contract;
  return typeof c === 'object' && c !== null && (c as { enforced?: unknown }).enforced === true;
}

/**
 * dbt's get_empty_schema_sql warning: the contracted columns whose data_type is a bare numeric,
 * decimal or number, without precision and scale. ClickHouse makes such a column Decimal(10, 0), so
 * the build rounds every value to an integer (1.234 becomes 1). `Nullable(numeric)` is the same trap.
 */
export function nakedNumericColumns(node: Pick<ModelNode, 'columns'>): string[] {
  const bare = (t: string) => ['numeric', 'decimal', 'number'].includes(t.trim().toLowerCase().replace(/^nullable\(\s*(.*?)\s*\)$/, '$1'));
  return Object.values(node.columns).flatMap((c) => (c.dataType !== undefined && bare(c.dataType) ? [c.name] : []));
}

/** dbt's words for nakedNumericColumns (a Python list of the names, as dbt prints it). */
export function nakedNumericWarning(columns: readonly string[]): string {
  return `Detected columns with numeric type and unspecified precision/scale, this can lead to unintended rounding: [${columns.map((c) => `'${c.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

/** A contracted column as the build creates it: the declared type (canonical), non-Nullable when a constraint says so. */
export interface ContractColumn {
  readonly name: string;
  /** The ClickHouse type of the built column. */
  readonly type: string;
  /** What the model's query produces for it. */
  readonly queryType: string;
}

/** dbt's ContractError: an enforced contract the model's query does not keep. */
export class ContractError extends ProjectError {}

interface Mismatch {
  readonly column_name: string;
  readonly definition_type: string;
  readonly contract_type: string;
  readonly mismatch_reason: string;
}

/**
 * dbt's assert_columns_equivalent: the query's columns (DESCRIBE, with the model's query_settings,
 * so join_use_nulls and friends type them as at build time) against the YAML `columns:` — same names
 * (order aside), same types. Types compare as ClickHouse types: each declared `data_type` is made
 * canonical by the server (aliases such as INTEGER, TEXT, DECIMAL(10,2) match), and `Nullable(…)` /
 * `LowCardinality(…)` wrappers are left out of the comparison at any depth — whether a column may
 * hold NULL and how it is stored are the declared type's business: the build casts the query's
 * columns to it, so a NULL reaching a non-Nullable declared column fails the build (dbt-clickhouse
 * fails the contract itself on every `Nullable` difference, which users hit with any LEFT JOIN).
 * A column the query leaves as `NULL` (type Nothing) fits any declared type that admits NULL.
 * Returns the columns in the YAML's order with the types the built relation takes.
 */
export async function checkContract(adapter: ClickHouseAdapter, node: ModelNode, sql: string, signal?: AbortSignal): Promise<ContractColumn[]> {
  const declared = Object.values(node.columns);
  if (declared.length === 0)
    throw new ContractError('contract', "This model has an enforced contract, and its 'columns' specification is missing", {
      file: node.originalFilePath,
      hint: `Describe the model's columns with their data_type under its entry in a schema YAML file, or remove contract: {enforced: true}.`,
    });
  const settings = node.config.query_settings;
  const queryColumns = await adapter.client.query<WarehouseColumn>(`DESCRIBE (\n${sql}\n)`, {
    signal,
    ...(settings && typeof settings === 'object' ? { settings: settings as Record<string, unknown> } : {}),
  });
  const canonical = await canonicalTypes(adapter.client, declared.flatMap((c) => (c.dataType ? [c.dataType] : [])));
  const keyColumns = contractKeyColumns(node);
  const yaml = declared.map((c) => {
    const t = c.dataType ? canonical.get(c.dataType) : undefined;
    const type = typeof t === 'string' ? (keyColumns.has(c.name) ? withoutNullable(t) : t) : undefined;
    return { name: c.name, written: c.dataType ?? '', type, unknown: typeof t === 'object' ? t.error : undefined };
  });
  const mismatches: Mismatch[] = [];
  const byName = new Map(yaml.map((y) => [y.name, y]));
  for (const q of queryColumns) {
    const y = byName.get(q.name);
    const actual = normalizeTypeText(q.type);
    if (!y) mismatches.push({ column_name: q.name, definition_type: actual, contract_type: '', mismatch_reason: 'missing in contract' });
    else if (y.unknown !== undefined) mismatches.push({ column_name: q.name, definition_type: actual, contract_type: y.written, mismatch_reason: unknownTypeReason(y.written, y.unknown) });
    else if (y.type === undefined) mismatches.push({ column_name: q.name, definition_type: actual, contract_type: '', mismatch_reason: 'no data_type in the contract' });
    else if (!sameType(y.type, actual)) mismatches.push({ column_name: q.name, definition_type: actual, contract_type: y.type, mismatch_reason: 'data type mismatch' });
  }
  const produced = new Set(queryColumns.map((q) => q.name));
  for (const y of yaml) if (!produced.has(y.name)) mismatches.push({ column_name: y.name, definition_type: '', contract_type: y.type ?? y.written, mismatch_reason: 'missing in definition' });
  if (mismatches.length) throw contractError(node, mismatches, yaml.filter((y) => y.unknown !== undefined).map((y) => y.name));
  const queryType = new Map(queryColumns.map((q) => [q.name, normalizeTypeText(q.type)]));
  return yaml.map((y) => ({ name: y.name, type: y.type!, queryType: queryType.get(y.name)! }));
}

/** Equal as ClickHouse types, wrappers aside (see checkContract); a NULL-only column fits a type that admits NULL. */
function sameType(declared: string, actual: string): boolean {
  const a = comparableType(actual);
  if (a === 'Nothing') return true;
  return comparableType(declared) === a;
}

/** dbt prints the mismatches as an agate table of four text columns, in full. */
const MISMATCH_COLUMNS = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'];
const NO_LIMITS = { maxRows: Infinity, maxColumns: Infinity, maxColumnWidth: Infinity, maxPrecision: Infinity };

/**
 * An unknown declared type: dbt compares data_type as the warehouse spells it (dbt-clickhouse refuses `string`
 * as dbt-postgres does), so the contract stays refused, saying how ClickHouse spells another warehouse's name
 * (adapter/type-spelling.ts: `string` → String, `int64` → Int64, `timestamp_ntz` → DateTime64(6)).
 */
function unknownTypeReason(written: string, error: string): string {
  const spelled = clickhouseTypeSpelling(written);
  return spelled !== written ? `unknown data type: ClickHouse spells it ${spelled}` : `unknown data type (${error})`;
}

function contractError(node: ModelNode, mismatches: Mismatch[], unknown: readonly string[] = []): ContractError {
  const rows = [...mismatches].sort((a, b) => (a.column_name < b.column_name ? -1 : a.column_name > b.column_name ? 1 : 0));
  const message =
    "This model has an enforced contract that failed.\nPlease ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n" +
    agatePrintTable(MISMATCH_COLUMNS, MISMATCH_COLUMNS.map(() => 'Text'), rows.map((r) => [r.column_name, r.definition_type, r.contract_type, r.mismatch_reason]), NO_LIMITS) +
    '\n';
  return new ContractError('contract', message, {
    file: node.patchPath ?? node.originalFilePath,
    hint:
      (unknown.length ? `Write ${unknown.length === 1 ? 'column' : 'columns'} ${unknown.join(', ')}'s data_type as a ClickHouse type (contract_type above is not one). ` : '') +
      'Make the YAML columns (name and data_type) match the query, or change the query; the previous relation is unchanged. Types compare as ClickHouse types, Nullable/LowCardinality aside.',
  });
}
