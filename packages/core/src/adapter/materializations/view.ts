import { relationSql } from '../../render/placeholders.js';
import { settingsClause, type RelationKind } from '../clickhouse-adapter.js';
import type { Materialization } from './types.js';

/**
 * `CREATE OR REPLACE VIEW`. When that cannot be used (a table of the same name, or an old server),
 * the view is created under a temporary name first and renamed into place, so a broken query
 * leaves the previous relation untouched.
 */
export const materializeView: Materialization = async ({ adapter, node, sql, signal }) => {
  const rel = node.relation;
  await adapter.ensureDatabase(rel.schema);
  const existing = await adapter.relationKind(rel);
  const querySettings = settingsClause(node.config.query_settings);
  const body = `${sql}${querySettings ? `\n${querySettings}` : ''}`;
  const replaceViaStaged = async (kind: RelationKind | undefined) => {
    await adapter.dropLeftovers(rel);
    const staged = adapter.tempRelation(rel);
    try {
      await adapter.ddl(`CREATE VIEW ${relationSql(staged.schema, staged.identifier)}${adapter.onCluster()} AS ${body}`, { signal });
    } catch (error) {
      await adapter.drop(staged, 'view').catch(() => {});
      throw error;
    }
    if (kind) await adapter.drop(rel, kind);
    await adapter.rename([[staged, rel]], signal);
  };
  if (existing !== undefined && existing !== 'view') {
    // A table, materialized view or dictionary in the way (the model changed materialization).
    await replaceViaStaged(existing);
    return { message: 'CREATE VIEW', warnings: [] };
  }
  try {
    await adapter.ddl(`CREATE OR REPLACE VIEW ${relationSql(rel.schema, rel.identifier)}${adapter.onCluster()} AS ${body}`, { signal });
  } catch (error) {
    // A server without OR REPLACE reports a syntax error, and so does a broken model: the staged create tells them apart.
    if (!/OR REPLACE|Syntax error/i.test(String((error as Error).message))) throw error;
    await replaceViaStaged(existing);
  }
  return { message: 'CREATE VIEW', warnings: [] };
};
