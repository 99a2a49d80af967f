import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { UsageError } from '../shared/errors.js';

/**
 * `model.column`, `seed.column` or `source_name.table.column` → the node and the column (the
 * longest leading part that names a node wins, so a column name may hold dots).
 */
export function parseColumnSpec(manifest: Manifest, spec: string): { node: ManifestNode; column: string } {
  const byName = new Map<string, ManifestNode>();
  for (const n of manifest.nodes.values()) {
    if (n.resourceType === 'model' || n.resourceType === 'seed') byName.set(n.name, n);
    else if (n.resourceType === 'source') byName.set(`${n.sourceName}.${n.name}`, n);
  }
  const parts = spec.split('.');
  for (let k = parts.length - 1; k >= 1; k--) {
    const node = byName.get(parts.slice(0, k).join('.'));
    if (node) return { node, column: parts.slice(k).join('.') };
  }
  const guess = didYouMean(parts.slice(0, -1).join('.') || spec, byName.keys());
  throw new UsageError('lineage_column', `'${spec}' does not name a column of a model, seed or source`, {
    hint: `Write <model>.<column> (or <source>.<table>.<column>)${guess ? `; did you mean ${guess}.${parts[parts.length - 1]}?` : '.'}`,
  });
}
