import { UsageError } from '../../shared/errors.js';
import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/** `source:raw`, `source:raw.orders`, `source:package.raw.orders`; each part may be a glob. */
export const sourceMethod: SelectorMethod = {
  name: 'source',
  *search({ manifest }, value) {
    const parts = value.split('.');
    if (parts.length > 3) {
      throw new UsageError('selector-invalid-value', `Invalid source selector "source:${value}".`, {
        hint: 'Use source:<source_name>, source:<source_name>.<table_name> or source:<package>.<source_name>.<table_name>.',
      });
    }
    const [pkg, source, table] =
      parts.length === 3 ? parts : parts.length === 2 ? ['*', ...parts] : ['*', parts[0]!, '*'];
    for (const node of manifest.nodes.values()) {
      if (node.resourceType !== 'source') continue;
      if (fnmatch(node.packageName, pkg!) && fnmatch(node.sourceName, source!) && fnmatch(node.name, table!)) {
        yield node.uniqueId;
      }
    }
  },
};
