import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/** `package:shop` (globs allowed); `package:this` is the root project. */
export const packageMethod: SelectorMethod = {
  name: 'package',
  *search({ manifest }, value) {
    const pattern = value === 'this' ? manifest.projectName : value;
    for (const node of manifest.nodes.values()) if (fnmatch(node.packageName, pattern)) yield node.uniqueId;
  },
};
