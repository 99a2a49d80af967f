import { UsageError } from '../../shared/errors.js';
import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/** `group:finance` (globs allowed): the nodes whose config `group` names a matching group, as dbt's GroupSelectorMethod. */
export const groupMethod: SelectorMethod = {
  name: 'group',
  *search({ manifest }, value) {
    for (const node of manifest.nodes.values()) {
      const group = node.config.group;
      if (typeof group === 'string' && fnmatch(group, value)) yield node.uniqueId;
    }
  },
};

const ACCESS = ['public', 'protected', 'private'];

/** `access:public|protected|private`: models by their access (dbt's default: protected). */
export const accessMethod: SelectorMethod = {
  name: 'access',
  *search({ manifest }, value) {
    if (!ACCESS.includes(value)) throw new UsageError('selector-invalid-value', `Invalid access "${value}" in "access:${value}".`, { hint: `Use one of: ${ACCESS.join(', ')}.` });
    for (const node of manifest.nodes.values())
      if (node.resourceType === 'model' && (typeof node.config.access === 'string' ? node.config.access : 'protected') === value) yield node.uniqueId;
  },
};
