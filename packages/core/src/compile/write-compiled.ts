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

/**
 * Collects compiled-file writes made while running, off the critical path: a run awaits them once,
 * at its end, instead of blocking each node on a synchronous write (slow on some disks).
 */
export class CompiledWriter {
  private readonly pending: Promise<unknown>[] = [];
  private readonly dirs = new Map<string, Promise<unknown>>();

  constructor(private readonly targetDir: string) {}

  write(node: ManifestNode, sql: string): void {
    const path = compiledPath(this.targetDir, node);
    const dir = dirname(path);
    let made = this.dirs.get(dir);
    if (!made) this.dirs.set(dir, (made = mkdir(dir, { recursive: true })));
    // A failed write of a compiled file must not fail the run; the file is informational.
    this.pending.push(made.then(() => writeFile(path, withNewline(sql))).catch(() => {}));
  }

  async flush(): Promise<void> {
    await Promise.all(this.pending.splice(0));
  }
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
