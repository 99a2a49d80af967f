import type { ColumnInfo, ManifestNode } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../render/placeholders.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';

/**
 * dbt's `persist_docs` (dbt-clickhouse's clickhouse__persist_docs): once a model, seed or snapshot
 * is built, its description becomes the relation's COMMENT (`persist_docs: {relation: true}`) and
 * its YAML column descriptions the columns' COMMENTs (`columns: true`). One `ALTER TABLE … MODIFY
 * COMMENT …, COMMENT COLUMN …` per build; views take comments too. The YAML's columns are matched
 * to the relation's as dbt's validate_doc_columns does: by exact name with `quote: true`, else
 * without regard to case; those the relation lacks are named in a warning and skipped.
 */
export async function persistDocs(adapter: ClickHouseAdapter, node: ManifestNode, signal?: AbortSignal): Promise<string[]> {
  const config = node.config.persist_docs;
  if (!config || typeof config !== 'object') return [];
  const { relation: forRelation, columns: forColumns } = config as { relation?: unknown; columns?: unknown };
  const documented = truthy(forColumns) ? Object.values(node.columns ?? {}) : [];
  const relationComment = truthy(forRelation) && node.description ? node.description : undefined;
  if (!relationComment && !documented.length) return [];

  const kind = await adapter.relationKind(node.relation);
  // A dictionary takes no ALTER; an ephemeral model or a failed build has no relation.
  if (kind === undefined || kind === 'dictionary') return [];
  if (!(await adapter.hasTableComments()))
    return [`persist_docs: ${node.name}'s comments were not written: this ClickHouse server has no table comments (ClickHouse 21.x or newer has them)`];

  const alters: string[] = [];
  const warnings: string[] = [];
  if (relationComment) alters.push(`MODIFY COMMENT ${sqlString(relationComment)}`);
  if (documented.length) {
    const existing = (await adapter.columns(node.relation)).map((c) => c.name);
    const missing: string[] = [];
    for (const column of documented) {
      const physical = physicalColumn(column, existing);
      if (physical === undefined) missing.push(column.name);
      else if (column.description) alters.push(`COMMENT COLUMN ${quoteIdentifier(physical)} ${sqlString(column.description)}`);
    }
    // dbt's wording (validate_doc_columns), a warning: the build stands.
    if (missing.length)
      warnings.push(`In relation ${relationSql(node.relation.schema, node.relation.identifier)}: The following columns are specified in the schema but are not present in the database: ${missing.join(', ')}`);
  }
  if (alters.length) await adapter.ddl(`ALTER TABLE ${relationSql(node.relation.schema, node.relation.identifier)}${adapter.onCluster()} ${alters.join(', ')}`, { signal });
  return warnings;
}

/** The relation's column a YAML column documents: its exact name, or (unless quoted) the one equal to it without regard to case. */
function physicalColumn(column: ColumnInfo, existing: readonly string[]): string | undefined {
  if (existing.includes(column.name)) return column.name;
  if (column.quote === true) return undefined;
  const lower = column.name.toLowerCase();
  return existing.find((name) => name.toLowerCase() === lower);
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 'True' || v === 1;
}
