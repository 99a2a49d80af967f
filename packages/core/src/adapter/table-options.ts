import type { ModelNode } from '../manifest/nodes.js';
import { quoteIdentifier } from '../render/placeholders.js';
import { ProjectError } from '../shared/errors.js';

/** A column as the table DDL needs it (name and ClickHouse type). */
interface ColumnLike {
  readonly name: string;
  readonly type: string;
}

/**
 * ClickHouse table options a model declares besides its engine: skip indexes and projections (config
 * `indexes`, `projections`), and per-column `codec` / `ttl` from its YAML columns. They are written into
 * the table's column list when it is created, on every build path (table, incremental, distributed, MV
 * targets), so a rebuilt table never loses them.
 */
export interface TableOptions {
  /** `INDEX name expr TYPE t GRANULARITY g` elements. */
  readonly indexes: readonly string[];
  /** `PROJECTION name (query)` elements. */
  readonly projections: readonly string[];
  /** ` CODEC(…) TTL …` after the type, by column name. */
  readonly columnSuffix: ReadonlyMap<string, string>;
}

export const NO_TABLE_OPTIONS: TableOptions = Object.freeze({ indexes: [], projections: [], columnSuffix: new Map() });

export function hasTableOptions(options: TableOptions): boolean {
  return options.indexes.length > 0 || options.projections.length > 0 || options.columnSuffix.size > 0;
}

type OptionsSource = Pick<ModelNode, 'name' | 'config' | 'columns' | 'originalFilePath'>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/**
 * The table options of a model, checked: each index needs a name and either a `definition`
 * (dbt-clickhouse: `col TYPE bloom_filter GRANULARITY 4`) or an `expression` and a `type`; each
 * projection a name and either a query or an index (its columns).
 */
export function tableOptionsOf(node: OptionsSource): TableOptions {
  const file = node.originalFilePath;
  const list = (key: 'indexes' | 'projections'): Record<string, unknown>[] => {
    const v = node.config[key];
    if (v === undefined || v === null) return [];
    const items = Array.isArray(v) ? v : [v];
    return items.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw new ProjectError('table_options', `Model ${node.name}: ${key}[${i}] must be a mapping`, { file, hint: HINTS[key] });
      return item as Record<string, unknown>;
    });
  };
  const indexes = list('indexes').map((ix, i) => {
    const name = text(ix.name);
    const definition = text(ix.definition);
    const expression = text(ix.expression);
    const type = text(ix.type);
    if (!name || !(definition || (expression && type)))
      throw new ProjectError('table_options', `Model ${node.name}: indexes[${i}] needs a name and either a definition or an expression and a type`, { file, hint: HINTS.indexes });
    const granularity = ix.granularity === undefined || ix.granularity === null ? '' : ` GRANULARITY ${Number(ix.granularity)}`;
    if (granularity && !Number.isInteger(Number(ix.granularity)))
      throw new ProjectError('table_options', `Model ${node.name}: indexes[${i}].granularity must be a whole number`, { file, hint: HINTS.indexes });
    return `INDEX ${quoteIdentifier(name)} ${definition ?? `${expression} TYPE ${type}${granularity}`}`;
  });
  const projections = list('projections').map((p, i) => {
    const name = text(p.name);
    const query = text(p.query);
    // dbt-clickhouse's `index` projection: the rows' positions ordered by the columns (a lightweight projection index).
    const index = (Array.isArray(p.index) ? p.index : p.index === undefined || p.index === null ? [] : [p.index]).map(text).filter((c): c is string => c !== undefined);
    if (!name) throw new ProjectError('table_options', `Model ${node.name}: projections[${i}] needs a name`, { file, hint: HINTS.projections });
    // dbt-clickhouse's validate_projection messages.
    if (query && index.length) throw new ProjectError('table_options', `Model ${node.name}: Projection '${name}' cannot specify both 'query' and 'index'.`, { file, hint: HINTS.projections });
    if (!query && !index.length) throw new ProjectError('table_options', `Model ${node.name}: Projection '${name}' must specify either 'query' or 'index'.`, { file, hint: HINTS.projections });
    return query ? `PROJECTION ${quoteIdentifier(name)} (${query.replace(/^\(([\s\S]*)\)$/, '$1')})` : `PROJECTION ${quoteIdentifier(name)} (SELECT _part_offset ORDER BY ${index.join(', ')})`;
  });
  const columnSuffix = new Map<string, string>();
  for (const c of Object.values(node.columns)) {
    const codec = text(c.codec);
    const ttl = text(c.ttl);
    if (!codec && !ttl) continue;
    const codecClause = codec ? ` CODEC(${codec.replace(/^CODEC\s*\(([\s\S]*)\)$/i, '$1')})` : '';
    columnSuffix.set(c.name, `${codecClause}${ttl ? ` TTL ${ttl}` : ''}`);
  }
  return { indexes, projections, columnSuffix };
}

const HINTS = {
  indexes: "Write indexes: [{name: 'ix_user', expression: 'user_id', type: 'bloom_filter', granularity: 4}] (or {name, definition: 'user_id TYPE bloom_filter GRANULARITY 4'}).",
  projections: "Write projections: [{name: 'by_day', query: 'SELECT day, count() GROUP BY day'}] or [{name: 'by_age', index: 'age'}] (an index: a column or a list).",
} as const;

/** `name Type [CODEC(…)] [TTL …], …` and then the index and projection elements, for a CREATE TABLE column list. */
export function columnsDdl(columns: readonly ColumnLike[], options: TableOptions = NO_TABLE_OPTIONS): string {
  const defs = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}${options.columnSuffix.get(c.name) ?? ''}`);
  return [...defs, ...options.indexes, ...options.projections].join(', ');
}

/** Column names the model's YAML gives a codec or ttl but its query does not produce: most likely a typo. */
export function unknownOptionColumns(options: TableOptions, columns: readonly ColumnLike[]): string[] {
  const names = new Set(columns.map((c) => c.name));
  return [...options.columnSuffix.keys()].filter((n) => !names.has(n));
}

/** The oldest ClickHouse that takes each option in CREATE TABLE, as [major, minor]. */
const SINCE = { indexes: [20, 1], projections: [21, 8], codec: [19, 10], ttl: [19, 6] } as const;

/** What the options need that a server of version `major.minor` lacks, e.g. `projections need ClickHouse 21.8 or newer`; undefined when all is fine. */
export function unsupportedTableOptions(options: TableOptions, major: number, minor: number): string | undefined {
  const older = ([ma, mi]: readonly [number, number]) => major < ma || (major === ma && minor < mi);
  const suffixes = [...options.columnSuffix.values()];
  const needs: [string, readonly [number, number]][] = [];
  if (options.indexes.length && older(SINCE.indexes)) needs.push(['skip indexes', SINCE.indexes]);
  if (options.projections.length && older(SINCE.projections)) needs.push(['projections', SINCE.projections]);
  if (suffixes.some((s) => s.includes(' CODEC(')) && older(SINCE.codec)) needs.push(['column codecs', SINCE.codec]);
  if (suffixes.some((s) => s.includes(' TTL ')) && older(SINCE.ttl)) needs.push(['column TTLs', SINCE.ttl]);
  return needs.length ? needs.map(([what, [ma, mi]]) => `${what} need ClickHouse ${ma}.${mi} or newer`).join('; ') : undefined;
}
