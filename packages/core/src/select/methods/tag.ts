import { fnmatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/** `tag:nightly`, globs allowed. */
export const tagMethod: SelectorMethod = {
  name: 'tag',
  *search({ manifest }, value) {
    for (const node of manifest.nodes.values()) {
      const configTags = Array.isArray(node.config.tags) ? node.config.tags : [];
      if ([...node.tags, ...configTags].some((tag) => fnmatch(tag, value))) yield node.uniqueId;
    }
  },
};
