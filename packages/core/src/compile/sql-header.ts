import type { ManifestNode } from '../manifest/nodes.js';

/**
 * dbt's `sql_header` (config, or `{% call set_sql_header(config) %}`): SQL put before the model's
 * query, as dbt-clickhouse puts it before its statement. On ClickHouse that is one statement only
 * when the header continues the query (a `WITH …` clause); a `SET …;` header makes two, which
 * fails as dbt-clickhouse's does (ClickHouse: "Multi-statements are not allowed"): settings go in
 * the model's `query_settings` config instead.
 */
export function withSqlHeader(node: ManifestNode, rendered: string): string {
  const header = node.resourceType === 'model' || node.resourceType === 'snapshot' ? node.config.sql_header : undefined;
  return typeof header === 'string' && header.trim() !== '' ? `${header.trim()}\n${rendered}` : rendered;
}
