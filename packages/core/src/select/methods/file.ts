import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/** `file:orders.sql` or `file:orders`: the defining file's name, with or without extension; globs allowed. */
export const fileMethod: SelectorMethod = {
  name: 'file',
  *search({ manifest }, value) {
    for (const node of manifest.nodes.values()) {
      const name = node.originalFilePath.replace(/\\/g, '/').split('/').pop() ?? '';
      const dot = name.lastIndexOf('.');
      const stem = dot > 0 ? name.slice(0, dot) : name;
      if (fnmatch(name, value) || fnmatch(stem, value)) yield node.uniqueId;
    }
  },
};
