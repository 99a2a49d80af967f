import type { SemanticResourceType } from '../../manifest/nodes.js';
import { UsageError } from '../../shared/errors.js';
import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/**
 * `exposure:name` / `exposure:package.name` (globs allowed), and the same for `metric:`,
 * `semantic_model:` and `saved_query:`, as dbt's ExposureSelectorMethod and its siblings.
 */
function byNameMethod(name: SemanticResourceType): SelectorMethod {
  return {
    name,
    *search({ manifest }, value) {
      const parts = value.split('.');
      if (parts.length > 2) throw new UsageError('selector-invalid-value', `Invalid ${name} selector value '${value}'`, { hint: `Write ${name}:<name> or ${name}:<package>.<name>.` });
      const [pkg, target] = parts.length === 2 ? parts : ['*', parts[0]];
      for (const node of manifest.nodes.values())
        if (node.resourceType === name && fnmatch(node.packageName, pkg!) && fnmatch(node.name, target!)) yield node.uniqueId;
    },
  };
}

export const exposureMethod = byNameMethod('exposure');
export const metricMethod = byNameMethod('metric');
export const semanticModelMethod = byNameMethod('semantic_model');
export const savedQueryMethod = byNameMethod('saved_query');
