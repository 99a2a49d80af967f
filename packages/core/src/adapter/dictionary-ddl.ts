import type { NodeConfig } from '../manifest/config.js';
import type { Relation } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../render/placeholders.js';
import { ProjectError } from '../shared/errors.js';

/** An attribute of the dictionary: a column of the model's query. */
export interface DictionaryColumn {
  readonly name: string;
  readonly type: string;
}

/** Credentials for a ClickHouse source on the same server (the profile's user, when not `default`). */
export interface LocalCredentials {
  readonly user?: string;
  readonly password?: string;
}

export interface DictionarySpec {
  readonly columns: readonly DictionaryColumn[];
  readonly primaryKey: readonly string[];
  readonly source: string;
  readonly layout: string;
  /** Undefined for the DIRECT layouts, which read the source on every lookup and refuse a LIFETIME. */
  readonly lifetime?: string;
  readonly range?: string;
}

type Where = { readonly name: string; readonly file: string; readonly schema: string };

const fail = (where: Where, message: string, hint: string): never => {
  throw new ProjectError('dictionary', `Dictionary ${where.name}: ${message}`, { file: where.file, hint });
};

const keysOf = (v: unknown): string[] =>
  v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v.map(String) : String(v).split(',').map((s) => s.trim()).filter(Boolean);

const INTEGER = /^(U?Int(8|16|32|64))$/;

/**
 * What `CREATE DICTIONARY` needs, from the model's config and the columns of its query:
 * - attributes: the query's columns (or dbt-clickhouse's `fields: [[name, type], …]`);
 * - `primary_key` (default: the first column); a single integer key is declared UInt64 for the
 *   simple-key layouts, which need it;
 * - `layout` (default `HASHED()` for a single integer key, `COMPLEX_KEY_HASHED()` otherwise; a bare
 *   name like `flat` gets its parentheses);
 * - `lifetime` (seconds, `'MIN 0 MAX 600'` or `{min, max}`; default `MIN 0 MAX 3600`, none for the
 *   DIRECT layouts, as dbt-clickhouse writes none unless configured), `range`;
 * - the source: the model's SQL as a `CLICKHOUSE(QUERY …)` on the same server by default (or
 *   `table`), dbt-clickhouse's `source_type: http` with `url` and `format`, or any other source as
 *   `dict_source: {type: postgresql, host: …, table: …}`.
 */
export function dictionarySpec(config: NodeConfig, queryColumns: readonly DictionaryColumn[], sql: string, where: Where, credentials: LocalCredentials = {}): DictionarySpec {
  const fields = config.fields;
  const columns: DictionaryColumn[] = Array.isArray(fields)
    ? fields.map((f, i) => {
        const [name, type] = Array.isArray(f) ? f : typeof f === 'object' && f ? [(f as Record<string, unknown>).name, (f as Record<string, unknown>).type] : [];
        if (typeof name !== 'string' || typeof type !== 'string') fail(where, `fields[${i}] must be [name, type]`, "Write fields: [['id', 'UInt64'], ['name', 'String']], or leave fields out to take the query's columns.");
        return { name: name as string, type: type as string };
      })
    : [...queryColumns];
  if (columns.length === 0) fail(where, 'has no columns', 'Select the key and attribute columns in the model.');
  const primaryKey = keysOf(config.primary_key);
  if (primaryKey.length === 0) primaryKey.push(columns[0]!.name);
  for (const k of primaryKey)
    if (!columns.some((c) => c.name === k)) fail(where, `primary_key '${k}' is not one of its columns (${columns.map((c) => c.name).join(', ')})`, 'Set primary_key to the key column(s) of the query.');
  const simpleKey = primaryKey.length === 1 && INTEGER.test(columns.find((c) => c.name === primaryKey[0])!.type);
  const layout = layoutOf(config.layout, simpleKey);
  const complex = /^complex_key_|^ip_trie/i.test(layout);
  if (!complex && !simpleKey)
    fail(where, `layout ${layout} needs a single integer key, and the key is ${primaryKey.map((k) => `${k} ${columns.find((c) => c.name === k)!.type}`).join(', ')}`, `Use a complex_key_ layout (e.g. complex_key_hashed), or an integer primary_key.`);
  // Simple-key layouts read the key as UInt64.
  const declared = columns.map((c) => (!complex && c.name === primaryKey[0] ? { name: c.name, type: 'UInt64' } : c));
  return {
    columns: declared,
    primaryKey,
    source: sourceOf(config, sql, where, credentials),
    layout,
    lifetime: /^(complex_key_)?direct\b/i.test(layout) && (config.lifetime === undefined || config.lifetime === null || config.lifetime === '') ? undefined : lifetimeOf(config.lifetime, where),
    range: rangeOf(config.range),
  };
}

function layoutOf(raw: unknown, simpleKey: boolean): string {
  if (raw === undefined || raw === null || raw === '') return simpleKey ? 'HASHED()' : 'COMPLEX_KEY_HASHED()';
  const text = String(raw).trim();
  return /\)\s*$/.test(text) ? text : `${text}()`;
}

function lifetimeOf(raw: unknown, where: Where): string {
  if (raw === undefined || raw === null || raw === '') return 'MIN 0 MAX 3600';
  if (typeof raw === 'number') return String(raw);
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const { min, max } = raw as Record<string, unknown>;
    if (Number.isFinite(Number(min)) && Number.isFinite(Number(max))) return `MIN ${Number(min)} MAX ${Number(max)}`;
    return fail(where, 'lifetime {min, max} needs two numbers', 'Write lifetime: {min: 0, max: 600}, or lifetime: 600.');
  }
  const text = String(raw).trim();
  if (/^\d+$/.test(text) || /^MIN\s+\d+\s+MAX\s+\d+$/i.test(text)) return text;
  return fail(where, `lifetime '${text}' is not seconds or 'MIN a MAX b'`, 'Write lifetime: 600, or lifetime: "MIN 0 MAX 600".');
}

function rangeOf(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const { min, max } = raw as Record<string, unknown>;
    return `MIN ${quoteIdentifier(String(min))} MAX ${quoteIdentifier(String(max))}`;
  }
  return String(raw);
}

/** `KEY value` pairs of a source clause: strings quoted, numbers and booleans bare. */
function pairs(entries: Record<string, unknown>, where: Where): string {
  return Object.entries(entries)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => {
      if (typeof v === 'object') fail(where, `dict_source.${k} must be a string or a number`, 'Nested source settings are not supported; write them flat.');
      return `${k.toUpperCase()} ${typeof v === 'number' || typeof v === 'boolean' ? String(typeof v === 'boolean' ? Number(v) : v) : sqlString(String(v))}`;
    })
    .join(' ');
}

function sourceOf(config: NodeConfig, sql: string, where: Where, credentials: LocalCredentials): string {
  const custom = config.dict_source;
  if (custom !== undefined && custom !== null) {
    if (typeof custom !== 'object' || Array.isArray(custom) || typeof (custom as Record<string, unknown>).type !== 'string')
      fail(where, 'dict_source needs a type', "Write dict_source: {type: 'http', url: 'https://…', format: 'CSVWithNames'} (any ClickHouse dictionary source).");
    const { type, ...rest } = custom as Record<string, unknown>;
    return `${String(type).toUpperCase()}(${pairs(rest, where)})`;
  }
  if (String(config.source_type ?? 'clickhouse').toLowerCase() === 'http') {
    if (!config.url || !config.format) fail(where, "source_type 'http' needs url and format", "Set url: 'https://…' and format: 'CSVWithNames'.");
    return `HTTP(URL ${sqlString(String(config.url))} FORMAT ${sqlString(String(config.format))})`;
  }
  const auth = { user: credentials.user, password: credentials.password };
  const overrides = typeof config.connection_overrides === 'object' && config.connection_overrides ? (config.connection_overrides as Record<string, unknown>) : {};
  // dbt-clickhouse's `table`: read a table (`db.table` or a name in the dictionary's database) instead of the query.
  const named = typeof config.table === 'string' && config.table ? config.table.split('.') : undefined;
  const table = named ? (named.length > 1 ? { db: named[0], table: named.slice(1).join('.') } : { db: where.schema, table: named[0] }) : { query: sql };
  // dbt-clickhouse's update_field / update_lag: a reload reads only the rows changed since the last one.
  const updates = {
    update_field: typeof config.update_field === 'string' && config.update_field ? config.update_field : undefined,
    update_lag: config.update_lag === undefined || config.update_lag === null || config.update_lag === '' ? undefined : Number(config.update_lag),
  };
  if (updates.update_lag !== undefined && !Number.isInteger(updates.update_lag)) fail(where, 'update_lag must be a whole number of seconds', 'Write update_lag: 120.');
  return `CLICKHOUSE(${pairs({ ...auth, ...overrides, ...table, ...updates }, where)})`;
}

/** `CREATE [OR REPLACE] DICTIONARY rel [ON CLUSTER c] (…) PRIMARY KEY … SOURCE(…) LAYOUT(…) LIFETIME(…) [RANGE(…)]`. */
export function createDictionarySql(rel: Relation, spec: DictionarySpec, options: { orReplace?: boolean; onCluster?: string } = {}): string {
  const columns = spec.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  return [
    `CREATE ${options.orReplace ? 'OR REPLACE ' : ''}DICTIONARY ${relationSql(rel.schema, rel.identifier)}${options.onCluster ?? ''} (${columns})`,
    `PRIMARY KEY ${spec.primaryKey.map(quoteIdentifier).join(', ')}`,
    `SOURCE(${spec.source})`,
    `LAYOUT(${spec.layout})`,
    ...(spec.lifetime ? [`LIFETIME(${spec.lifetime})`] : []),
    ...(spec.range ? [`RANGE(${spec.range})`] : []),
  ].join('\n');
}
