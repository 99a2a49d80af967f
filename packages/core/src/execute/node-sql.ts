import { compileSql } from '../compile/compile-sql.js';
import type { ManifestNode, ModelNode, TestNode } from '../manifest/nodes.js';
import { newRenderState, type RenderState, type RenderWarehouse } from '../render/render-state.js';
import { ProjectError } from '../shared/errors.js';
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
    assertParentsKnown(ctx, node, state);
  }
  return stripTrailingSemicolon(compileSql(ctx.index, node, rendered));
}

/** A model's hooks (hooksOf()) rendered now with its context (`{{ this }}`, `target`, …), as dbt does. */
export function hookStatements(ctx: RunContext, node: ModelNode, hooks: readonly string[], isIncremental = false): string[] {
  return hooks
    .map((text) => {
      const state = newRenderState({
        mode: 'execute',
        isIncremental,
        warehouse: renderWarehouse(ctx, node),
        node: { uniqueId: node.uniqueId, name: node.name, resourceType: 'model', packageName: node.packageName, originalFilePath: node.originalFilePath, fqn: node.fqn, baseConfig: node.config },
      });
      const sql = ctx.renderer.renderString(text, node.originalFilePath, state);
      assertParentsKnown(ctx, node, state);
      return stripTrailingSemicolon(compileSql(ctx.index, node, sql).trim());
    })
    .filter((sql) => sql !== '');
}

/**
 * A relation a run-time render reads must be a parent, or it may be read before it is built. Load
 * finds run-time refs (load/runtime-relations.ts); one it could not (a computed name in a branch
 * its probe did not take) fails here as in dbt, with dbt's fix: a `-- depends_on:` comment.
 */
function assertParentsKnown(ctx: RunContext, node: ModelNode, state: RenderState): void {
  const calls = [
    ...state.refs.map((r) => ({ target: { kind: 'ref', package: r.package ?? '', name: r.name } as const, text: `ref('${r.name}')` })),
    ...state.sources.map(([s, t]) => ({ target: { kind: 'source', source: s, table: t } as const, text: `source('${s}', '${t}')` })),
  ];
  for (const { target, text } of calls) {
    const found = ctx.index.resolve(target, node);
    if (!found) continue; // compileSql names it
    if (found.uniqueId === node.uniqueId || node.dependsOn.includes(found.uniqueId)) continue;
    throw new ProjectError('undeclared_dependency', `tsdbt was unable to infer all dependencies for the model "${node.name}": it reads ${text} only at run time`, {
      file: node.originalFilePath,
      hint: `Add this line at the top of ${node.originalFilePath} so ${found.name} is built first: -- depends_on: {{ ${text} }}`,
    });
  }
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

export { quoteIdentifier };
