import { metadataEnv, writeJson } from '../report/artifacts.js';
import { invocationStartedAt } from '../shared/invocation-started.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { TsdbtProject } from '../tsdbt.js';

/** One row of the catalog query: a column of a relation, with the relation's facts repeated. */
export interface CatalogRow {
  readonly database: string;
  readonly table: string;
  readonly engine: string;
  readonly table_comment: string;
  readonly total_rows: string | number | null;
  readonly total_bytes: string | number | null;
  readonly column_name: string;
  readonly column_type: string;
  readonly position: string | number;
  readonly column_comment: string;
}

export interface CatalogStat {
  readonly id: string;
  readonly label: string;
  readonly value: string | number | boolean | null;
  readonly include: boolean;
  readonly description: string;
}

export interface CatalogTable {
  readonly metadata: { type: string; schema: string; name: string; database: string; comment: string | null; owner: null };
  readonly columns: Record<string, { type: string; index: number; name: string; comment: string | null }>;
  readonly stats: Record<string, CatalogStat>;
  readonly unique_id: string;
}

/** target/catalog.json in dbt's catalog v1 shape. */
export interface Catalog {
  readonly metadata: { dbt_schema_version: string; dbt_version: string; generated_at: string; invocation_id: string; invocation_started_at: string; env: Record<string, string> };
  readonly nodes: Record<string, CatalogTable>;
  readonly sources: Record<string, CatalogTable>;
  readonly errors: string[] | null;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The nodes that have a relation in the warehouse: models (not ephemeral), seeds, snapshots and sources. */
export function catalogNodes(nodes: Iterable<ManifestNode>): ManifestNode[] {
  return [...nodes].filter(
    (n) => n.resourceType === 'source' || n.resourceType === 'seed' || n.resourceType === 'snapshot' || (n.resourceType === 'model' && n.config.materialized !== 'ephemeral'),
  );
}

/**
 * The optional columns of system.tables / system.columns the catalog reads. Old servers (18.16) have
 * no table comment, total_rows/total_bytes or column position: the catalog then takes the sizes
 * from system.parts and the positions from the order system.columns lists them in.
 */
export interface CatalogColumns {
  readonly tableComment: boolean;
  readonly tableTotals: boolean;
  readonly columnPosition: boolean;
  readonly columnComment: boolean;
}

/** A current server: every column is there. */
export const CURRENT_SERVER: CatalogColumns = { tableComment: true, tableTotals: true, columnPosition: true, columnComment: true };

/** Asks the server which of the catalog's optional columns it has (one small query). */
export async function catalogColumns(query: (sql: string) => Promise<{ table: string; name: string }[]>): Promise<CatalogColumns> {
  const rows = await query("SELECT table, name FROM system.columns WHERE database = 'system' AND table IN ('tables', 'columns')");
  const has = (table: string, name: string) => rows.some((r) => r.table === table && r.name === name);
  return {
    tableComment: has('tables', 'comment'),
    tableTotals: has('tables', 'total_rows') && has('tables', 'total_bytes'),
    columnPosition: has('columns', 'position'),
    columnComment: has('columns', 'comment'),
  };
}

/**
 * ONE query for the whole catalog: every column of every relation of the manifest, with its table's
 * engine and sizes, from system.columns joined with system.tables (and system.parts for the sizes
 * where system.tables has none). Joins one at a time, with USING: old servers know no more.
 */
export function catalogQuery(nodes: readonly ManifestNode[], has: CatalogColumns = CURRENT_SERVER): string | undefined {
  const pairs = [...new Set(nodes.map((n) => `(${quote(n.relation.schema)}, ${quote(n.relation.identifier)})`))].sort();
  if (pairs.length === 0) return undefined;
  const databases = [...new Set(nodes.map((n) => quote(n.relation.schema)))].sort().join(', ');
  const relations = pairs.join(', ');
  const joined = `SELECT database, table, engine, table_comment,${has.tableTotals ? ' total_rows, total_bytes,' : ''} column_name, column_type, position, column_comment
    FROM (
        SELECT database, table, name AS column_name, type AS column_type,
            ${has.columnPosition ? 'position' : 'toUInt64(0)'} AS position, ${has.columnComment ? 'comment' : "''"} AS column_comment
        FROM system.columns
        WHERE database IN (${databases}) AND (database, table) IN (${relations})
    ) AS c ALL INNER JOIN (
        SELECT database, name AS table, engine, ${has.tableComment ? 'comment' : "''"} AS table_comment${has.tableTotals ? ', total_rows, total_bytes' : ''}
        FROM system.tables
        WHERE database IN (${databases}) AND (database, name) IN (${relations})
    ) AS t USING (database, table)`;
  const body = has.tableTotals
    ? joined
    : `SELECT database, table, engine, table_comment, total_rows, total_bytes, column_name, column_type, position, column_comment
FROM (
    ${joined}
) AS ct ANY LEFT JOIN (
    SELECT database, table, sum(rows) AS total_rows, sum(bytes_on_disk) AS total_bytes
    FROM system.parts
    WHERE active AND database IN (${databases}) AND (database, table) IN (${relations})
    GROUP BY database, table
) AS p USING (database, table)`;
  // Without a position, the order system.columns lists a table's columns in is their order: keep it.
  return has.columnPosition ? `${body}
ORDER BY database, table, position` : body;
}

const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

function relationType(engine: string): string {
  if (engine === 'View') return 'view';
  if (engine === 'MaterializedView') return 'materialized_view';
  if (engine === 'Dictionary') return 'dictionary';
  return 'table';
}

/**
 * Rows of a server without some catalog columns, as a current server answers: positions numbered
 * 1, 2… per table in the order listed, and no sizes for views (system.parts has none: the join gave 0).
 */
function fromOldServer(rows: readonly CatalogRow[], has: CatalogColumns): CatalogRow[] {
  const next = new Map<string, number>();
  return rows.map((r) => {
    const key = `${r.database}\u0001${r.table}`;
    const position = has.columnPosition ? r.position : (next.get(key) ?? 0) + 1;
    next.set(key, Number(position));
    const sized = has.tableTotals || relationType(r.engine) !== 'view';
    return { ...r, position, ...(sized ? {} : { total_rows: null, total_bytes: null }) };
  });
}

/** Builds the catalog from the query's rows (pure: no warehouse). Relations not found are left out. */
export function buildCatalog(nodes: readonly ManifestNode[], rows: readonly CatalogRow[], invocationId: string, version = '0.1.0'): Catalog {
  const byRelation = new Map<string, CatalogRow[]>();
  for (const r of rows) {
    const key = `${r.database}\u0001${r.table}`;
    if (!byRelation.has(key)) byRelation.set(key, []);
    byRelation.get(key)!.push(r);
  }
  const out = { nodes: {} as Record<string, CatalogTable>, sources: {} as Record<string, CatalogTable> };
  for (const node of nodes) {
    const cols = byRelation.get(`${node.relation.schema}\u0001${node.relation.identifier}`);
    if (!cols || cols.length === 0) continue;
    const first = cols[0]!;
    const rowCount = num(first.total_rows);
    const bytes = num(first.total_bytes);
    const stats: Record<string, CatalogStat> = {
      has_stats: { id: 'has_stats', label: 'Has Stats?', value: rowCount !== null || bytes !== null, include: false, description: 'Indicates whether there are statistics for this table' },
    };
    if (rowCount !== null) stats.row_count = { id: 'row_count', label: 'Row Count', value: rowCount, include: true, description: 'Rows in the table (system.tables.total_rows)' };
    if (bytes !== null) stats.bytes = { id: 'bytes', label: 'Approximate Size', value: bytes, include: true, description: 'Bytes on disk (system.tables.total_bytes)' };
    stats.engine = { id: 'engine', label: 'Engine', value: first.engine, include: true, description: 'ClickHouse table engine' };
    const entry: CatalogTable = {
      // database '': a dbt "database" has no ClickHouse counterpart (dbt-clickhouse's catalog and manifests say '').
      metadata: { type: relationType(first.engine), schema: first.database, name: first.table, database: '', comment: first.table_comment || null, owner: null },
      columns: Object.fromEntries(
        [...cols].sort((a, b) => Number(a.position) - Number(b.position)).map((c) => [c.column_name, { type: c.column_type, index: Number(c.position), name: c.column_name, comment: c.column_comment || null }]),
      ),
      stats,
      unique_id: node.uniqueId,
    };
    (node.resourceType === 'source' ? out.sources : out.nodes)[node.uniqueId] = entry;
  }
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json',
      dbt_version: `tsdbt-${version}`,
      generated_at: new Date().toISOString(),
      invocation_id: invocationId,
      invocation_started_at: invocationStartedAt(invocationId),
      env: metadataEnv(),
    },
    nodes: out.nodes,
    sources: out.sources,
    errors: null,
  };
}

/** Queries the warehouse once and writes target/catalog.json (only the `only` nodes when given); returns the catalog. */
export async function generateCatalog(project: TsdbtProject, only?: ReadonlySet<string>): Promise<Catalog> {
  // `only`: the nodes a --select/--exclude/--selector picked (dbt 1.7's docs generate --select).
  const nodes = catalogNodes(project.manifest.nodes.values()).filter((n) => !only || only.has(n.uniqueId));
  let rows: CatalogRow[] = [];
  if (nodes.length) {
    const client = (await project.adapter()).client;
    const has = await catalogColumns((q) => client.query(q));
    rows = fromOldServer(await client.query<CatalogRow>(catalogQuery(nodes, has)!), has);
  }
  const catalog = buildCatalog(nodes, rows, project.invocationId);
  writeJson(project.targetDir, 'catalog.json', catalog, project.secrets, 2);
  return catalog;
}
