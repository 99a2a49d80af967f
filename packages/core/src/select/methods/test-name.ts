import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/** `test_name:not_null` (globs allowed): generic tests by the generic test they instantiate, unit tests by their name (dbt 1.8). */
export const testNameMethod: SelectorMethod = {
  name: 'test_name',
  *search({ manifest }, value) {
    for (const node of manifest.nodes.values()) {
      if (node.resourceType === 'unit_test' && fnmatch(node.name, value)) yield node.uniqueId;
      if (node.resourceType !== 'test' || !node.testMetadata) continue;
      const { name, namespace } = node.testMetadata;
      if (fnmatch(name, value) || (namespace !== undefined && fnmatch(`${namespace}.${name}`, value))) {
        yield node.uniqueId;
      }
    }
  },
};
