import { statSync } from 'node:fs';
import { seedColumns } from '../adapter/seed-loader.js';
import { engineClause } from '../adapter/table-ddl.js';
import type { WarehouseClient } from '../adapter/warehouse-client.js';
import { querySystem } from '../adapter/system-reads.js';
import type { SeedNode, SourceNode } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../render/placeholders.js';
import { TsdbtError } from '../shared/errors.js';
import type { ValidationIssue } from './analysis.js';

/** A column of a source as the target describes it (DEFAULT / MATERIALIZED / ALIAS kept: `SELECT *` skips the last two). */
export interface InputColumn {
  readonly name: string;
  readonly type: string;
  readonly defaultKind?: string;
  readonly defaultExpression?: string;
}

/** A source table as found in the target: its columns and engine. */
export interface TargetTable {
  readonly columns: readonly InputColumn[];
  readonly engine: string;
  readonly engineFull: string;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const key = (schema: string, table: string) => `${schema}\u0001${table}`;

/**
 * The sources' tables as they are in the user's target, in two queries (columns, engines). Tables
 * missing there are absent from the map; the caller falls back to the YAML types.
 */
export async function readTargetTables(client: WarehouseClient, sources: readonly SourceNode[]): Promise<Map<string, TargetTable>> {
  const out = new Map<string, TargetTable>();
  if (sources.length === 0) return out;
  const pairs = [...new Set(sources.map((s) => `(${quote(s.relation.schema)}, ${quote(s.relation.identifier)})`))].join(', ');
  const databases = [...new Set(sources.map((s) => quote(s.relation.schema)))].join(', ');
  let columns: { database: string; table: string; name: string; type: string; default_kind: string; default_expression: string }[];
  let tables: { database: string; name: string; engine: string; engine_full: string }[];
  try {
    columns = await client.query(
      `SELECT database, table, name, type, default_kind, default_expression FROM system.columns WHERE database IN (${databases}) AND (database, table) IN (${pairs}) ORDER BY database, table, position`,
    );
    tables = await querySystem(client, `SELECT database, name, engine, engine_full FROM system.tables WHERE database IN (${databases}) AND (database, name) IN (${pairs})`);
  } catch (error) {
    // Servers without system.columns.position (before 19.x): DESCRIBE keeps the table's order.
    if (!(error instanceof TsdbtError) || !/position|engine_full/i.test(error.message)) throw error;
    columns = [];
    tables = [];
    for (const s of sources) {
      const exists = await client.query<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = ${quote(s.relation.schema)} AND name = ${quote(s.relation.identifier)}`);
      if (exists.length === 0) continue;
      tables.push({ database: s.relation.schema, name: s.relation.identifier, engine: exists[0]!.engine, engine_full: exists[0]!.engine });
      const described = await client.query<{ name: string; type: string; default_type: string; default_expression: string }>(`DESCRIBE TABLE ${relationSql(s.relation.schema, s.relation.identifier)}`);
      for (const c of described) columns.push({ database: s.relation.schema, table: s.relation.identifier, name: c.name, type: c.type, default_kind: c.default_type, default_expression: c.default_expression });
    }
  }
  const byTable = new Map<string, InputColumn[]>();
  for (const c of columns) {
    const list = byTable.get(key(c.database, c.table)) ?? byTable.set(key(c.database, c.table), []).get(key(c.database, c.table))!;
    list.push({ name: c.name, type: c.type, defaultKind: c.default_kind || undefined, defaultExpression: c.default_expression || undefined });
  }
  for (const t of tables) {
    const cols = byTable.get(key(t.database, t.name));
    if (cols?.length) out.set(key(t.database, t.name), { columns: cols, engine: t.engine, engineFull: t.engine_full });
  }
  return out;
}

export function targetTableOf(tables: ReadonlyMap<string, TargetTable>, source: SourceNode): TargetTable | undefined {
  return tables.get(key(source.relation.schema, source.relation.identifier));
}

/** Cuts `s` at the first top-level (outside quotes and parentheses) occurrence of one of `words`. */
function cutAtClause(s: string, words: RegExp): string {
  let depth = 0;
  let quoteChar = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoteChar) {
      if (ch === '\\') i++;
      else if (ch === quoteChar) quoteChar = '';
    } else if (ch === "'" || ch === '`' || ch === '"') quoteChar = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /\s/.test(ch) && words.test(s.slice(i + 1, i + 10))) return s.slice(0, i);
  }
  return s;
}

/**
 * The engine clause a source gets in the scratch warehouse: a MergeTree family engine keeps its kind
 * and keys (FINAL, SAMPLE and PREWHERE then analyse as on the target) without replication, TTL moves
 * or storage settings the scratch cannot have; other engines (Distributed, Kafka, S3, views…) become Memory.
 */
export function scratchEngine(table: TargetTable | undefined): string {
  if (!table || !/MergeTree$/.test(table.engine)) return table ? 'ENGINE = Memory' : 'ENGINE = MergeTree ORDER BY tuple()';
  let full = cutAtClause(table.engineFull, /^(TTL|SETTINGS)\b/);
  const replicated = /^Replicated(\w*MergeTree)\s*\(/.exec(full);
  if (replicated) {
    // Replicated…MergeTree('/path', 'replica'[, args]) → …MergeTree([args])
    const open = full.indexOf('(');
    let depth = 0;
    let close = open;
    for (let i = open; i < full.length; i++) {
      if (full[i] === '(') depth++;
      else if (full[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    const args = splitTopLevel(full.slice(open + 1, close)).slice(2);
    full = `${replicated[1]}(${args.join(', ')})${full.slice(close + 1)}`;
  }
  return `ENGINE = ${full}`;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoteChar = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoteChar) {
      if (ch === '\\') i++;
      else if (ch === quoteChar) quoteChar = '';
    } else if (ch === "'" || ch === '`' || ch === '"') quoteChar = ch;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (s.slice(start).trim()) parts.push(s.slice(start).trim());
  return parts;
}

function columnDdl(c: InputColumn, plain: boolean): string {
  const head = `${quoteIdentifier(c.name)} ${c.type}`;
  const kind = (c.defaultKind ?? '').toUpperCase();
  if (!kind || !c.defaultExpression) return head;
  // Plain: no expressions (they may call dictionaries or functions the scratch lacks), same visibility to SELECT *.
  if (plain) return kind === 'MATERIALIZED' || kind === 'ALIAS' ? `${head} MATERIALIZED defaultValueOfTypeName(${quote(c.type)})` : kind === 'EPHEMERAL' ? `${head} EPHEMERAL` : head;
  return `${head} ${kind} ${c.defaultExpression}`;
}

/** CREATE TABLE statements for a source in the scratch warehouse: as on the target, then plainer fallbacks. */
export function sourceStatements(source: SourceNode, table: TargetTable | undefined): string[] | ValidationIssue {
  const rel = relationSql(source.relation.schema, source.relation.identifier);
  if (table) {
    const full = `CREATE TABLE ${rel} (${table.columns.map((c) => columnDdl(c, false)).join(', ')}) ${scratchEngine(table)}`;
    const plain = `CREATE TABLE ${rel} (${table.columns.map((c) => columnDdl(c, true)).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`;
    return [full, plain];
  }
  const declared = Object.values(source.columns);
  const untyped = declared.filter((c) => !c.dataType);
  const name = `${source.sourceName}.${source.name}`;
  if (declared.length === 0 || untyped.length > 0)
    return {
      uniqueId: source.uniqueId,
      severity: 'error',
      code: 'source_types',
      message:
        declared.length === 0
          ? `Source ${name} (${source.relation.schema}.${source.relation.identifier}) is not in the target and declares no columns, so its shape is unknown`
          : `Source ${name} (${source.relation.schema}.${source.relation.identifier}) is not in the target and columns ${untyped.map((c) => c.name).join(', ')} have no data_type`,
      file: source.originalFilePath,
      line: source.line,
      hint:
        declared.length === 0
          ? `List its columns with a data_type under the table in ${source.originalFilePath} (e.g. "- name: id\\n  data_type: UInt64"), or create the table in the target.`
          : `Add data_type to ${untyped.map((c) => c.name).join(', ')} in ${source.originalFilePath}, or create the table in the target.`,
    };
  return [`CREATE TABLE ${rel} (${declared.map((c) => `${quoteIdentifier(c.name)} ${c.dataType}`).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`];
}

/** Seeds up to this size are loaded into the scratch warehouse (macros that query them then see their rows). */
const SEED_DATA_LIMIT = 1024 * 1024;

/**
 * A seed in the scratch warehouse: its table with the types `tsdbt seed` would give it (inferred, or
 * column_types) and its engine config, then — for a small file — its rows, read by the engine from
 * the CSV: a macro that queries a seed while rendering (dbt_utils.get_column_values…) gets its values.
 */
export function seedStatements(seed: SeedNode): { create: string; load?: string } {
  const columns = seedColumns(seed);
  const rel = relationSql(seed.relation.schema, seed.relation.identifier);
  const create = `CREATE TABLE ${rel} (${columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})\n${engineClause(seed.config)}`;
  if (statSync(seed.seedFile).size > SEED_DATA_LIMIT) return { create };
  const delimiter = typeof seed.config.delimiter === 'string' ? seed.config.delimiter : ',';
  const structure = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  const load = `INSERT INTO ${rel} SELECT * FROM file(${quote(seed.seedFile)}, 'CSVWithNames', ${quote(structure)}) SETTINGS format_csv_delimiter = ${quote(delimiter)}, input_format_csv_empty_as_default = 1`;
  return { create, load };
}
