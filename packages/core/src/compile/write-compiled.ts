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
 * Writes many compiled files one after the other, synchronously. On ext4 here, creating files from
 * several threads at once (libuv's pool, even 1–4 writes in flight) measured 5–15× slower than
 * sequential synchronous writes: 25,000 files took 6–18 s in flight vs 0.6–3 s in a row.
 */
export function writeCompiledFiles(targetDir: string, items: readonly { node: ManifestNode; sql: string }[]): string[] {
  const paths = items.map((i) => compiledPath(targetDir, i.node));
  const made = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const dir = dirname(paths[i]!);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(paths[i]!, withNewline(items[i]!.sql));
  }
  return paths;
}
