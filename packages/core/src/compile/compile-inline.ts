import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import { refTarget, refText } from '../render/placeholders.js';
import type { Renderer } from '../render/renderer.js';
import { newRenderState } from '../render/render-state.js';
import { compileSql, type RelationIndex } from './compile-sql.js';

/** `compile --inline`: a piece of Jinja SQL rendered with the project's context, its refs as final relation names. */
export function compileInline(index: RelationIndex, renderer: Renderer, manifest: Manifest, sql: string): string {
  const state = newRenderState({
    mode: 'parse',
    relations: index.resolver(undefined),
    node: { uniqueId: 'sql_operation.inline', name: 'inline', resourceType: 'sql_operation', packageName: manifest.projectName, originalFilePath: '<inline>', fqn: [], baseConfig: {} },
  });
  const rendered = renderer.renderString(sql, '<inline>', state);
  const fake = { ...[...manifest.nodes.values()][0]!, uniqueId: 'sql_operation.inline', name: 'inline' } as ManifestNode;
  for (const ref of state.refs)
    if (!ref.function && !index.resolve(refTarget(ref), undefined))
      throw new ProjectError('unknown_ref', `Error parsing inline query: ${refText(ref)} in --inline does not name a model or seed`, { file: '<inline>' });
  return compileSql(index, fake, rendered).trim();
}
