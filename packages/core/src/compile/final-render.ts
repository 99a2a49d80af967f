import type { ModelNode, TestNode } from '../manifest/nodes.js';
import { newRenderState, renderNodeInfo } from '../render/render-state.js';
import type { Renderer } from '../render/renderer.js';
import type { RelationIndex } from './compile-sql.js';

/**
 * A node's rendered SQL with every relation name final. A model that used a name as text at parse
 * time (`ref('x').identifier`, `ref('x') | upper`) rendered a placeholder then: it is rendered
 * again now that every node's name is known. Others keep their parse-time render.
 */
export function renderedWithNames(renderer: Renderer, index: RelationIndex, node: ModelNode | TestNode): string {
  if (node.resourceType !== 'model' || !node.needsNames) return node.renderedCode;
  const state = newRenderState({ mode: 'parse', relations: index.resolver(node), node: renderNodeInfo(node) });
  return renderer.renderString(node.rawCode, node.originalFilePath, state).replace(/\s+$/, '');
}
