import { renderGenericTest } from '../load/build-tests.js';
import { snapshotSource } from '../load/load-snapshots.js';
import type { ModelNode, SqlNode } from '../manifest/nodes.js';
import { newRenderState, renderNodeInfo } from '../render/render-state.js';
import type { Renderer } from '../render/renderer.js';
import type { RelationIndex } from './compile-sql.js';
import { pythonCompiledCode } from './python-postfix.js';

/**
 * A node's rendered SQL with every relation name final. A model that used a name as text at parse
 * time (`ref('x').identifier`, `ref('x') | upper`) rendered a placeholder then: it is rendered
 * again now that every node's name is known. Others keep their parse-time render.
 */
export function renderedWithNames(rendererOf: Renderer | (() => Renderer), index: RelationIndex, node: SqlNode): string {
  // A Python model is not rendered: its code and dbt's py_script_postfix (python-postfix.ts).
  if (node.resourceType === 'model' && node.language === 'python') return pythonCompiledCode(index, node);
  if (!node.needsNames) return node.renderedCode;
  // Built only when a node needs it (a warm start builds the renderer lazily).
  const renderer = typeof rendererOf === 'function' ? rendererOf() : rendererOf;
  const state = newRenderState({ mode: 'parse', relations: index.resolver(node), node: renderNodeInfo(node) });
  if (node.resourceType === 'snapshot') return renderer.renderString(snapshotSource(node), node.originalFilePath, state).trim();
  const sql = node.resourceType === 'test' && node.genericCall
    ? renderGenericTest(renderer, node.genericCall, state, node.originalFilePath)
    : renderer.renderString(node.rawCode, node.originalFilePath, state);
  return sql.replace(/\s+$/, '');
}

/**
 * compileSql()'s `ephemeralSql` for a compile without the warehouse: an inlined ephemeral model that
 * used a name as text is rendered again with final names, as the node itself (renderedWithNames).
 * One that reads the warehouse while it renders (renderAtRuntime) is reported to `onRuntime`: its
 * parse-time text is not what runs, so the caller compiles the node again with the warehouse.
 */
export function ephemeralWithNames(rendererOf: Renderer | (() => Renderer), index: RelationIndex, onRuntime: () => void): (ephemeral: ModelNode) => string {
  return (ephemeral) => {
    if (!ephemeral.renderAtRuntime) return renderedWithNames(rendererOf, index, ephemeral);
    onRuntime();
    return ephemeral.renderedCode;
  };
}
