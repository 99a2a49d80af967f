import { compileSql } from '../compile/compile-sql.js';
import type { ModelNode, TestNode } from '../manifest/nodes.js';
import { newRenderState, type RenderWarehouse } from '../render/render-state.js';
import { quoteIdentifier } from '../render/placeholders.js';
import type { RunContext } from './run-context.js';

/** The warehouse as templates see it during a run (blocking calls: nunjucks renders synchronously). */
export function renderWarehouse(ctx: RunContext): RenderWarehouse {
  const client = ctx.adapter.client;
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return {
    runQuery: (sql) => client.querySync(sql),
    relationExists: (schema, identifier) =>
      client.querySync(`SELECT 1 FROM system.tables WHERE database = ${q(schema)} AND name = ${q(identifier)}`).rows.length > 0,
    columns: (schema, identifier) =>
      client
        .querySync(`SELECT name, type FROM system.columns WHERE database = ${q(schema)} AND table = ${q(identifier)} ORDER BY position`)
        .rows.map((r) => ({ name: String(r[0]), dataType: String(r[1]) })),
  };
}

/** Compiled SQL of a model or test; models that read the warehouse while rendering are rendered again now. */
export function nodeSql(ctx: RunContext, node: ModelNode | TestNode, options: { isIncremental?: boolean } = {}): string {
  let rendered = node.renderedCode;
  if (node.resourceType === 'model' && (node.renderAtRuntime || options.isIncremental)) {
    const state = newRenderState({
      mode: 'execute',
      isIncremental: options.isIncremental ?? false,
      warehouse: renderWarehouse(ctx),
      node: { uniqueId: node.uniqueId, name: node.name, resourceType: 'model', packageName: node.packageName, originalFilePath: node.originalFilePath, fqn: node.fqn, baseConfig: node.config },
    });
    rendered = ctx.renderer.renderString(node.rawCode, node.originalFilePath, state).replace(/\s+$/, '');
  }
  return stripTrailingSemicolon(compileSql(ctx.index, node, rendered));
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

export { quoteIdentifier };
