import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ManifestNode } from '../manifest/nodes.js';

/** Where dbt puts a node's compiled SQL: target/compiled/<project>/<original path>. */
export function compiledPath(targetDir: string, node: ManifestNode): string {
  const file = node.resourceType === 'test' && node.originalFilePath.endsWith('.yml')
    ? join(node.originalFilePath, `${node.name}.sql`)
    : node.originalFilePath;
  return join(targetDir, 'compiled', node.packageName, file);
}

const withNewline = (sql: string) => (sql.endsWith('\n') ? sql : sql + '\n');

/** Writes one node's compiled SQL (used while running, one node at a time). */
export function writeCompiled(targetDir: string, node: ManifestNode, sql: string): string {
  const path = compiledPath(targetDir, node);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, withNewline(sql));
  return path;
}

/**
 * Writes many compiled files with several writes in flight: on a 25,000-node project this is
 * the largest part of `compile`, and sequential synchronous writes leave the disk idle between files.
 */
export async function writeCompiledFiles(targetDir: string, items: readonly { node: ManifestNode; sql: string }[], inFlight = 64): Promise<string[]> {
  const paths = items.map((i) => compiledPath(targetDir, i.node));
  await Promise.all([...new Set(paths.map((p) => dirname(p)))].map((d) => mkdir(d, { recursive: true })));
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await writeFile(paths[i]!, withNewline(items[i]!.sql));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
  return paths;
}
