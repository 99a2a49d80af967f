import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ManifestNode } from '../manifest/nodes.js';

/** Where dbt puts a node's compiled SQL: target/compiled/<project>/<original path>. */
export function compiledPath(targetDir: string, node: ManifestNode): string {
  const file = node.resourceType === 'test' && node.originalFilePath.endsWith('.yml')
    ? join(node.originalFilePath, `${node.name}.sql`)
    : node.originalFilePath;
  return join(targetDir, 'compiled', node.packageName, file);
}

const madeDirs = new Set<string>();

export function writeCompiled(targetDir: string, node: ManifestNode, sql: string): string {
  const path = compiledPath(targetDir, node);
  const dir = dirname(path);
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  writeFileSync(path, sql.endsWith('\n') ? sql : sql + '\n');
  return path;
}
