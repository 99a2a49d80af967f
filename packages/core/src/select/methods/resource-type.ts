import type { ResourceType } from '../../manifest/nodes.js';
import { UsageError } from '../../shared/errors.js';
import type { SelectorMethod } from './types.js';

const TSDBT_TYPES: readonly ResourceType[] = ['model', 'seed', 'source', 'test', 'snapshot', 'unit_test', 'exposure', 'metric', 'semantic_model', 'saved_query', 'function'];

/** dbt resource types tsdbt has no nodes of: accepted (a ported selectors.yml keeps working), match nothing. */
const DBT_ONLY_TYPES = new Set([
  'analysis', 'operation',
  'sql_operation', 'group', 'macro', 'doc',
]);

/** `resource_type:model`. */
export const resourceTypeMethod: SelectorMethod = {
  name: 'resource_type',
  *search({ manifest }, value) {
    if (DBT_ONLY_TYPES.has(value)) return;
    if (!(TSDBT_TYPES as readonly string[]).includes(value)) {
      throw new UsageError('selector-invalid-value', `Invalid resource type "${value}" in "resource_type:${value}".`, {
        hint: `Valid resource types: ${TSDBT_TYPES.join(', ')}.`,
      });
    }
    for (const node of manifest.nodes.values()) if (node.resourceType === value) yield node.uniqueId;
  },
};
