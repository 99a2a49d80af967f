import type { ManifestNode } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../render/placeholders.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';

/**
 * dbt's `persist_docs` (dbt-clickhouse's clickhouse__persist_docs): once a model, seed or snapshot
 * is built, its description becomes the relation's COMMENT (`persist_docs: {relation: true}`) and
 * its YAML column descriptions the columns' COMMENTs (`columns: true`) — for the columns the
 * relation has (a described column the query does not produce is skipped, as dbt does). One
 * `ALTER TABLE … MODIFY COMMENT …, COMMENT COLUMN …` per build; views take comments too.
 */
export async function persistDocs(adapter: ClickHouseAdapter, node: ManifestNode, signal?: AbortSignal): Promise<string[]> {
  const config = node.config.persist_docs;
  if (!config || typeof config !== 'object') return [];
  const { relation: forRelation, columns: forColumns } = config as { relation?: unknown; columns?: unknown };
  const described = Object.values(node.columns ?? {}).filter((c) => c.description);
  const relationComment = truthy(forRelation) && node.description ? node.description : undefined;
  if (!relationComment && !(truthy(forColumns) && described.length)) return [];

  const kind = await adapter.relationKind(node.relation);
  // A dictionary takes no ALTER; an ephemeral model or a failed build has no relation.
  if (kind === undefined || kind === 'dictionary') return [];
  if (!(await adapter.hasTableComments()))
    return [`persist_docs: ${node.name}'s comments were not written: this ClickHouse server has no table comments (ClickHouse 21.x or newer has them)`];

  const alters: string[] = [];
  if (relationComment) alters.push(`MODIFY COMMENT ${sqlString(relationComment)}`);
  if (truthy(forColumns) && described.length) {
    const existing = new Set((await adapter.columns(node.relation)).map((c) => c.name));
    for (const column of described) if (existing.has(column.name)) alters.push(`COMMENT COLUMN ${quoteIdentifier(column.name)} ${sqlString(column.description)}`);
  }
  if (alters.length) await adapter.ddl(`ALTER TABLE ${relationSql(node.relation.schema, node.relation.identifier)}${adapter.onCluster()} ${alters.join(', ')}`, { signal });
  return [];
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 'True' || v === 1;
}
