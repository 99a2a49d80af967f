import { pathMatch } from '../glob.js';
import type { SelectorMethod } from './types.js';

/**
 * `path:models/mart` (a folder: every node below it), `path:models/mart/orders.sql`,
 * globs per segment (`models/clean/stg_*.sql`, `models/**`). Relative to the project root.
 */
export const pathMethod: SelectorMethod = {
  name: 'path',
  *search({ manifest }, value) {
    const pattern = normalizeSelectorPath(value, manifest.projectRoot);
    for (const node of manifest.nodes.values()) {
      const file = normalize(node.originalFilePath);
      const candidates = [file, ...parentDirs(file)];
      // A model is also selected by the schema YAML file that documents it, as in dbt.
      if ((node.resourceType === 'model' || node.resourceType === 'snapshot') && node.patchPath) candidates.push(normalize(node.patchPath.split('://').pop()!));
      if (candidates.some((c) => pathMatch(c, pattern))) yield node.uniqueId;
    }
  },
};

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

function normalizeSelectorPath(value: string, projectRoot: string): string {
  let path = normalize(value);
  const root = normalize(projectRoot);
  if (root && path.startsWith(`${root}/`)) path = path.slice(root.length + 1);
  return path;
}

/** `models/mart/orders.sql` → `models/mart`, `models`. */
function parentDirs(file: string): string[] {
  const parts = file.split('/');
  const dirs: string[] = [];
  for (let i = parts.length - 1; i > 0; i--) dirs.push(parts.slice(0, i).join('/'));
  return dirs;
}
