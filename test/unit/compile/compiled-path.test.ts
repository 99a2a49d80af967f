import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPath } from '../../../packages/core/src/compile/write-compiled.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

/* compiledPath joins without normalising when its parts are already normal: the same path join() gives, every time. */

const node = (originalFilePath: string, packageName = 'proj', name = 'm') => ({ originalFilePath, packageName, name }) as unknown as ManifestNode;

describe('compiledPath', () => {
  it("gives join()'s path for plain and odd paths alike", () => {
    const files = ['models/a.sql', 'models/x/../a.sql', 'models/./a.sql', 'models//a.sql', 'models/.hidden/a.sql', 'models/a..b.sql', 'models/..x/a.sql', '/abs/models/a.sql', 'models/schema.yml', 'models\\win.sql'];
    for (const target of ['/t/target', '/t/target/', '/t/./target', 'rel/target'])
      for (const file of files)
        for (const folder of ['compiled', 'run'] as const) {
          const expected = /\.ya?ml$/.test(file) ? join(target, folder, 'proj', file, 'm.sql') : join(target, folder, 'proj', file);
          expect(compiledPath(target, node(file), folder)).toBe(expected);
        }
  });
});
