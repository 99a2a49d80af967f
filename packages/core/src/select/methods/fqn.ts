import { fnmatch, hasGlob } from '../glob.js';
import type { SelectorMethod } from './types.js';

/** `fqn:` and the default method: a node name, or a dotted prefix of the fqn (`mart` = all of models/mart/). */
export const fqnMethod: SelectorMethod = {
  name: 'fqn',
  *search({ manifest }, value) {
    for (const node of manifest.nodes.values()) {
      // As in dbt, sources are selected with `source:`, not by name.
      if (node.resourceType === 'source') continue;
      // `.version`, not `'version' in node`: a warm start's lazy node answers the field from its index, an `in` test decodes it.
      if (fqnMatches(node.fqn, value, (node as { readonly version?: unknown }).version != null)) yield node.uniqueId;
    }
  },
};

/**
 * With the project segment (`shop.mart.orders`) or without it (`mart.orders`), so packages match too.
 * A versioned model's fqn ends with its version (`…, 'dim', 'v2'`): as dbt's is_selected_node, its
 * name selects every version, and `dim_v2` / `dim.v2` the one.
 */
export function fqnMatches(fqn: readonly string[], selector: string, versioned = false): boolean {
  if (versioned && fqn.length >= 2) {
    if (fqn[fqn.length - 2] === selector) return true;
    if (fqn.slice(-2).join('_') === selector.split('.').slice(-2).join('_')) return true;
  }
  return matchesFrom(fqn, selector) || matchesFrom(fqn.slice(1), selector);
}

function matchesFrom(fqn: readonly string[], selector: string): boolean {
  if (fqn.length === 0) return false;
  const leaf = fqn[fqn.length - 1]!;
  // A glob also matches the node name alone, so `stg_*` finds models in any folder (dbt would not).
  if (leaf === selector || (hasGlob(selector) && !selector.includes('.') && fnmatch(leaf, selector))) return true;
  // Dots in node names act as namespace separators.
  const flat = fqn.flatMap((segment) => segment.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // From the first glob on, the rest of the fqn is matched as one string.
    if (hasGlob(part)) return fnmatch(flat.slice(i).join('.'), parts.slice(i).join('.'));
    if (flat[i] !== part) return false;
  }
  return true;
}
