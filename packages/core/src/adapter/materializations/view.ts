import { relationSql } from '../../render/placeholders.js';
import { settingsClause } from '../clickhouse-adapter.js';
import type { Materialization } from './types.js';

/** `CREATE OR REPLACE VIEW`; a table of the same name is dropped first; old servers get DROP + CREATE. */
export const materializeView: Materialization = async ({ adapter, node, sql, signal }) => {
  const rel = node.relation;
  await adapter.ensureDatabase(rel.schema);
  const existing = await adapter.relationKind(rel);
  if (existing === 'table') await adapter.drop(rel, 'table');
  const querySettings = settingsClause(node.config.query_settings);
  const body = `${sql}${querySettings ? `\n${querySettings}` : ''}`;
  try {
    await adapter.client.command(`CREATE OR REPLACE VIEW ${relationSql(rel.schema, rel.identifier)} AS ${body}`, { signal });
  } catch (error) {
    if (!/OR REPLACE|Syntax error/i.test(String((error as Error).message))) throw error;
    await adapter.drop(rel, 'view');
    await adapter.client.command(`CREATE VIEW ${relationSql(rel.schema, rel.identifier)} AS ${body}`, { signal });
  }
  return { message: 'CREATE VIEW', warnings: [] };
};
