import type { Manifest } from '../manifest/manifest.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { hasGlob } from './glob.js';
import type { SelectionSpec } from './selector-spec.js';

/** What each method's value is matched against, for a did-you-mean on a criterion that matched nothing. */
function candidates(manifest: Manifest, method: string): string[] {
  const nodes = [...manifest.nodes.values()];
  switch (method) {
    case 'fqn':
      return nodes.filter((n) => n.resourceType !== 'source').map((n) => n.name);
    case 'source':
      return nodes.flatMap((n) => (n.resourceType === 'source' ? [n.sourceName, `${n.sourceName}.${n.name}`] : []));
    case 'tag':
      return nodes.flatMap((n) => n.tags);
    case 'file':
      return nodes.map((n) => n.originalFilePath.split('/').pop() ?? '');
    case 'path':
      return nodes.map((n) => n.originalFilePath);
    case 'package':
      return [manifest.projectName, ...(manifest.packages ?? []).map((p) => p.name)];
    case 'test_name':
      return nodes.flatMap((n) => (n.resourceType === 'test' && n.testMetadata ? [n.testMetadata.name] : []));
    default:
      return [];
  }
}

/**
 * ` Did you mean 'orders'?` for a selection that matched nothing: its one criterion's value against
 * the names that method matches (no suggestion for globs, intersections or several criteria).
 */
export function selectorSuggestion(spec: SelectionSpec, manifest: Manifest): string {
  let criterion = spec;
  while (criterion.kind !== 'criterion') {
    if (criterion.components.length !== 1) return '';
    criterion = criterion.components[0]!;
  }
  if (hasGlob(criterion.value)) return '';
  const guess = didYouMean(criterion.value, new Set(candidates(manifest, criterion.method)));
  if (guess === undefined || guess === criterion.value) return '';
  const method = /([\w.]+):/.exec(criterion.raw)?.[1];
  return ` Did you mean '${method ? `${method}:` : ''}${guess}'?`;
}
