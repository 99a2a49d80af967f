import { compileSql } from '../compile/compile-sql.js';
import type { ManifestNode, ModelNode, TestNode } from '../manifest/nodes.js';
import { newRenderState, type RenderWarehouse } from '../render/render-state.js';
import { hasPlaceholders, quoteIdentifier } from '../render/placeholders.js';
import type { RunContext } from './run-context.js';

/**
 * The warehouse as templates see it during a run (blocking calls: nunjucks renders synchronously).
 * SQL and names handed in may hold ref()/source()/this placeholders: they are resolved first.
 */
export function renderWarehouse(ctx: RunContext, self?: ManifestNode): RenderWarehouse {
  const client = ctx.adapter.client;
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const resolve = (text: string) => (hasPlaceholders(text) ? compileSql(ctx.index, self, text) : text);
  const relationExists = (schema: string, identifier: string) =>
    client.querySync(`SELECT 1 FROM system.tables WHERE database = ${q(resolve(schema))} AND name = ${q(resolve(identifier))}`).rows.length > 0;
  return {
    runQuery: (sql) => client.querySync(resolve(sql)),
    relationExists,
    // DESCRIBE keeps table order on every server (old servers' system.columns has no `position`); a missing relation has no columns.
    columns: (schema, identifier) =>
      relationExists(schema, identifier)
        ? client
            .querySync(`DESCRIBE TABLE ${quoteIdentifier(resolve(schema))}.${quoteIdentifier(resolve(identifier))}`)
            .rows.map((r) => ({ name: String(r[0]), dataType: String(r[1]) }))
        : [],
  };
}

/** Compiled SQL of a model or test; models that read the warehouse while rendering are rendered again now. */
export function nodeSql(ctx: RunContext, node: ModelNode | TestNode, options: { isIncremental?: boolean } = {}): string {
  let rendered = node.renderedCode;
  if (node.resourceType === 'model' && (node.renderAtRuntime || options.isIncremental)) {
    const state = newRenderState({
      mode: 'execute',
      isIncremental: options.isIncremental ?? false,
      warehouse: renderWarehouse(ctx, node),
      node: { uniqueId: node.uniqueId, name: node.name, resourceType: 'model', packageName: node.packageName, originalFilePath: node.originalFilePath, fqn: node.fqn, baseConfig: node.config },
    });
    rendered = ctx.renderer.renderString(node.rawCode, node.originalFilePath, state).replace(/\s+$/, '');
  }
  return stripTrailingSemicolon(compileSql(ctx.index, node, rendered));
}

/** A model's hooks (rawHooks()) rendered now with its context (`{{ this }}`, `target`, …), as dbt does. */
export function hookStatements(ctx: RunContext, node: ModelNode, hooks: readonly string[], isIncremental = false): string[] {
  return hooks
    .map((text) => {
      const state = newRenderState({
        mode: 'execute',
        isIncremental,
        warehouse: renderWarehouse(ctx, node),
        node: { uniqueId: node.uniqueId, name: node.name, resourceType: 'model', packageName: node.packageName, originalFilePath: node.originalFilePath, fqn: node.fqn, baseConfig: node.config },
      });
      return stripTrailingSemicolon(compileSql(ctx.index, node, ctx.renderer.renderString(text, node.originalFilePath, state)).trim());
    })
    .filter((sql) => sql !== '');
}

/** A model's hooks as written (a string, a list, or dbt's `{sql: …}` form). */
export function rawHooks(node: ModelNode, which: 'pre_hook' | 'post_hook'): string[] {
  const raw = node.config[which];
  return (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map((h) =>
    typeof h === 'object' && h !== null && 'sql' in h ? String((h as { sql: unknown }).sql) : String(h),
  );
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

export { quoteIdentifier };
