import { UsageError } from '../../shared/errors.js';
import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/**
 * `unit_test:name`, `unit_test:package.name` or `unit_test:package.model.name` (globs allowed):
 * unit tests, as dbt's UnitTestSelectorMethod.
 */
export const unitTestMethod: SelectorMethod = {
  name: 'unit_test',
  *search({ manifest }, value) {
    const parts = value.split('.');
    if (parts.length > 3)
      throw new UsageError('selector-invalid-value', `Invalid unit test selector value '${value}'`, { hint: 'Write unit_test:<name>, unit_test:<package>.<name> or unit_test:<package>.<model>.<name>.' });
    const [pkg, model, name] = parts.length === 3 ? parts : parts.length === 2 ? [parts[0], '*', parts[1]] : ['*', '*', parts[0]];
    for (const node of manifest.nodes.values()) {
      if (node.resourceType !== 'unit_test') continue;
      if (fnmatch(node.packageName, pkg!) && fnmatch(node.model, model!) && fnmatch(node.name, name!)) yield node.uniqueId;
    }
  },
};
