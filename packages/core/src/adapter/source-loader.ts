import { createReadStream, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SourceNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import { quoteIdentifier, relationSql } from '../render/placeholders.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';

/**
 * dbt-external-tables style loading: a source that declares `external: { location, format }`
 * becomes a table (columns from `data_type` in YAML) and the file is streamed into it from the
 * client side, so it works for the embedded engine and for a remote server alike.
 */
export async function loadExternalSource(adapter: ClickHouseAdapter, node: SourceNode, projectRoot: string, location: string, signal?: AbortSignal): Promise<number> {
  const columns = Object.values(node.columns);
  const untyped = columns.filter((c) => !c.dataType);
  if (columns.length === 0 || untyped.length)
    throw new ProjectError('source_columns', `Source ${node.sourceName}.${node.name} needs a data_type for every column to be loaded (${untyped.map((c) => c.name).join(', ') || 'no columns declared'})`, {
      file: node.originalFilePath,
      line: node.line,
      hint: 'Add columns with data_type (ClickHouse types) under the table in YAML.',
    });
  const file = isAbsolute(location) ? location : join(projectRoot, location);
  if (!existsSync(file))
    throw new ProjectError('source_file', `Source ${node.sourceName}.${node.name}: file not found: ${file}`, {
      file: node.originalFilePath,
      line: node.line,
      hint: 'Check external.location (and the env vars it uses, e.g. INSTACART_CSV_DIR).',
    });
  const rel = node.relation;
  await adapter.ensureDatabase(rel.schema);
  await adapter.dropLeftovers(rel);
  const staged = adapter.tempRelation(rel);
  const ddl = columns.map((c) => `${quoteIdentifier(c.name)} ${c.dataType}`).join(', ');
  try {
    await adapter.client.command(`CREATE TABLE ${relationSql(staged.schema, staged.identifier)} (${ddl}) ENGINE = MergeTree ORDER BY tuple()`, { signal });
    await adapter.client.insertStream(relationSql(staged.schema, staged.identifier), createReadStream(file), node.external?.format ?? 'CSVWithNames', {
      signal,
      settings: { input_format_csv_empty_as_default: 1 },
    });
    await adapter.swapIn(staged, rel, await adapter.relationKind(rel));
  } catch (error) {
    await adapter.drop(staged, 'table').catch(() => {});
    throw error;
  }
  return adapter.rowCount(rel);
}
