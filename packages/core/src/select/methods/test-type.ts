import { UsageError } from '../../shared/errors.js';
import type { SelectorMethod } from './types.js';

/** `test_type:generic|singular`; `data` = both (dbt ≥ 1.8 calls every non-unit test a data test). */
export const testTypeMethod: SelectorMethod = {
  name: 'test_type',
  *search({ manifest }, value) {
    const types = TEST_TYPES[value];
    if (!types) {
      throw new UsageError('selector-invalid-value', `Invalid test type "${value}" in "test_type:${value}".`, {
        hint: 'Valid test types: generic, singular, data, unit.',
      });
    }
    for (const node of manifest.nodes.values()) {
      if (node.resourceType === 'test' && types.includes(node.testType)) yield node.uniqueId;
      else if (node.resourceType === 'unit_test' && types.includes('unit')) yield node.uniqueId;
    }
  },
};

// `schema` is dbt's old name of generic tests; `unit` selects unit tests (dbt 1.8).
const TEST_TYPES: Readonly<Record<string, readonly string[]>> = {
  generic: ['generic'],
  schema: ['generic'],
  singular: ['singular'],
  data: ['generic', 'singular'],
  unit: ['unit'],
};
