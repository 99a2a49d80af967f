import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ManifestNode } from '../manifest/nodes.js';
import { scrubSecrets } from '../shared/secrets.js';

/**
 * Where dbt puts a node's compiled SQL: target/compiled/<project>/<original path>, or, for the many
 * nodes of one YAML file (generic tests, unit tests, YAML snapshots), <original path>/<name>.sql.
 */
export function compiledPath(targetDir: string, node: ManifestNode, folder: 'compiled' | 'run' = 'compiled'): string {
  // A generic test's file is its short name (dbt's compiled_name: a 64+ character name hashed).
  const file = /\.ya?ml$/.test(node.originalFilePath)
    ? join(node.originalFilePath, `${node.resourceType === 'test' && node.relation.identifier ? node.relation.identifier : node.name}.sql`)
    : node.originalFilePath;
  // join() normalises every part: for 25,000 nodes that is most of a warm compile's path work. Parts
  // already normal (no `.`/`..` segment, no empty one, no backslash) give the same text joined as they are.
  const head = folderOf(targetDir, folder);
  const tail = `${node.packageName}/${file}`;
  return ABNORMAL.test(tail) ? join(head, tail) : `${head}/${tail}`;
}

const ABNORMAL = /(^|\/)\.{0,2}(\/|$)|\\/;
let lastFolder: { targetDir: string; folder: string; path: string } | undefined;
/** join(targetDir, folder), the last one remembered. */
function folderOf(targetDir: string, folder: string): string {
  if (lastFolder?.targetDir !== targetDir || lastFolder.folder !== folder) lastFolder = { targetDir, folder, path: join(targetDir, folder) };
  return lastFolder.path;
}

/**
 * mkdir -p that replaces a file standing where a folder must be: target/compiled of an older
 * tsdbt wrote a unit test to `<file>.yml` itself, where its generic tests now need a folder.
 */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    for (let d = dir; d !== dirname(d); d = dirname(d))
      if (existsSync(d) && !statSync(d).isDirectory()) {
        rmSync(d);
        break;
      }
    mkdirSync(dir, { recursive: true });
  }
}

const withNewline = (sql: string) => (sql.endsWith('\n') ? sql : sql + '\n');

/*
 * Compiled files are rewritten only when their text changed. On ext4 (this project's machines) a
 * rewrite is a truncate that frees and re-allocates the file's blocks and flushes it on close:
 * re-compiling 25,000 unchanged files took 6 s that way, against a read and compare of each.
 */
function unchanged(path: string, text: string): boolean {
  try {
    return readFileSync(path, 'utf8') === text;
  } catch {
    return false;
  }
}

/**
 * Collects compiled-file writes made while running, off the critical path: a run awaits them once,
 * at its end, instead of blocking each node on a synchronous write (slow on some disks).
 */
export class CompiledWriter {
  private readonly pending: Promise<unknown>[] = [];
  private readonly dirs = new Map<string, Promise<unknown>>();
  private readonly written = new Map<string, string>();

  constructor(
    private readonly targetDir: string,
    private readonly secrets: readonly string[] = [],
  ) {}

  write(node: ManifestNode, sql: string): void {
    const path = compiledPath(this.targetDir, node);
    this.written.set(node.uniqueId, path);
    this.writeFile(path, sql);
  }

  /** dbt's target/run/<project>/<path>: the statements the node's run sent (statement-log.ts runFileText). */
  writeRun(node: ManifestNode, sql: string): void {
    if (sql.trim() !== '') this.writeFile(compiledPath(this.targetDir, node, 'run'), sql);
  }

  private writeFile(path: string, sql: string): void {
    const dir = dirname(path);
    const text = withNewline(scrubSecrets(sql, this.secrets));
    let made = this.dirs.get(dir);
    if (!made) this.dirs.set(dir, (made = mkdir(dir, { recursive: true }).catch(() => makeDir(dir))));
    const write = () => writeFile(path, text);
    // A failed write of a compiled file must not fail the run; the file is informational.
    this.pending.push(
      made
        .then(() => readFile(path, 'utf8').then((old) => (old === text ? undefined : write()), write))
        .catch(() => {}),
    );
  }

  /** Where a node's compiled SQL was written in this run (a failing test's message points there). */
  pathOf(uniqueId: string): string | undefined {
    return this.written.get(uniqueId);
  }

  async flush(): Promise<void> {
    await Promise.all(this.pending.splice(0));
  }
}

/**
 * What the last writeCompiledFiles wrote (target/compiled/.tsdbt-written): each file's size, mtime
 * and a hash of its text. A file whose stat is as recorded holds the recorded text, so an unchanged
 * file is known without reading it (25,000 reads cost more than the compile); any other is read and
 * compared (files written by a run, edited or removed by hand).
 */
const WRITTEN_INDEX = '.tsdbt-written';

type WrittenIndex = Map<string, string>;

const textHash = (text: string) => createHash('sha1').update(text).digest('base64');
const statKey = (path: string) => {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeMs}` : undefined;
};

function readIndex(file: string): WrittenIndex {
  try {
    const index = deserialize(readFileSync(file)) as unknown;
    return index instanceof Map ? (index as WrittenIndex) : new Map();
  } catch {
    return new Map();
  }
}

/**
 * Writes many compiled files one after the other, synchronously: with several writes in flight
 * (libuv's pool) file creation measured up to 5× slower here — the threads contend in ext4's
 * inode allocator —, and never faster. Files that already hold the same text are left alone.
 */
export function writeCompiledFiles(
  targetDir: string,
  items: readonly { node: ManifestNode; sql: string }[],
  secrets: readonly string[] = [],
  /** Each text's hash when known (compile/compile-memo.ts): then unchanged files are known without hashing. */
  known?: readonly (string | undefined)[],
): { paths: string[]; hashes: string[] } {
  const paths = items.map((i) => compiledPath(targetDir, i.node));
  // A first compile has nothing to compare with: skip the reads.
  const mayExist = existsSync(join(targetDir, 'compiled'));
  const indexFile = join(targetDir, 'compiled', WRITTEN_INDEX);
  const index = mayExist ? readIndex(indexFile) : new Map<string, string>();
  let changed = false;
  const made = new Set<string>();
  const hashes: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const path = paths[i]!;
    let text: string | undefined;
    const textOf = () => (text ??= withNewline(scrubSecrets(items[i]!.sql, secrets)));
    const hash = known?.[i] ?? textHash(textOf());
    hashes.push(hash);
    const recorded = index.get(path);
    if (mayExist && recorded !== undefined && recorded === `${statKey(path)}:${hash}`) continue;
    text = textOf();
    if (!(mayExist && unchanged(path, text))) {
      const dir = dirname(path);
      if (!made.has(dir)) {
        makeDir(dir);
        made.add(dir);
      }
      writeFileSync(path, text);
    }
    const now = statKey(path);
    if (now !== undefined) index.set(path, `${now}:${hash}`);
    changed = true;
  }
  if (changed)
    try {
      writeFileSync(indexFile, serialize(index));
    } catch {
      // only a shortcut for the next compile
    }
  return { paths, hashes };
}
