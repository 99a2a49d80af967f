import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { aheadCompiledMarks, countUsed, SAME } from '../load/stat-ahead.js';
import { keepingWarmStarts, statIdentity } from '../load/warm-memory.js';
import { fileIdentity } from '../load/warm-start-file.js';
import type { CompiledCode, ManifestNode } from '../manifest/nodes.js';
import type { CompiledWithCtes } from './compile-sql.js';
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
  /** Each node's compiled SQL as last written, and what its compile last inlined (dbt's manifest after a run). */
  private readonly sqls = new Map<string, string>();
  private readonly inlinedBy = new Map<string, CompiledCode>();
  /** When each node's SQL was first compiled in this run (ISO): its result's compile timing ends there. */
  private readonly compiledAt = new Map<string, string>();

  constructor(
    private readonly targetDir: string,
    private readonly secrets: readonly string[] = [],
  ) {}

  write(node: ManifestNode, sql: string): void {
    const path = compiledPath(this.targetDir, node);
    this.written.set(node.uniqueId, path);
    this.sqls.set(node.uniqueId, sql);
    this.compiled(node);
    this.writeFile(path, sql);
  }

  /** Notes that `node`'s SQL is compiled now (the first time counts). */
  compiled(node: ManifestNode): void {
    if (!this.compiledAt.has(node.uniqueId)) this.compiledAt.set(node.uniqueId, new Date().toISOString());
  }

  /** When `uniqueId`'s SQL was first compiled in this run (ISO), if it was. */
  compiledTime(uniqueId: string): string | undefined {
    return this.compiledAt.get(uniqueId);
  }

  /** Forgets when `uniqueId` was compiled: its run starts (a unit test may have compiled a model's SQL before the model runs). */
  compiling(uniqueId: string): void {
    this.compiledAt.delete(uniqueId);
  }

  /**
   * What compiling `node` inlined (compile-sql.ts compileSqlWithCtes): its extra_ctes, and each
   * ephemeral model compiled by the way, whose file is written as dbt's compile of it writes it.
   */
  inlined(node: ManifestNode, compiled: CompiledWithCtes): void {
    if (compiled.extraCtes.length === 0 && !this.inlinedBy.has(node.uniqueId)) return;
    this.inlinedBy.set(node.uniqueId, compiled);
    for (const e of compiled.ephemerals)
      if (!this.sqls.has(e.node.uniqueId)) {
        this.write(e.node, e.compiled.sql);
        this.inlinedBy.set(e.node.uniqueId, e.compiled);
      }
  }

  /** The compiled code of a node written in this run, with the ephemeral models it inlined (undefined: not compiled). */
  codeOf(uniqueId: string): CompiledCode | undefined {
    const sql = this.sqls.get(uniqueId);
    if (sql === undefined) return undefined;
    const inlined = this.inlinedBy.get(uniqueId);
    return { sql, extraCtes: inlined?.extraCtes ?? [], extraCtesInjected: inlined?.extraCtesInjected ?? true };
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
 * Saved as columns (paths and hashes each one text, sizes and mtimes one Float64Array): a compile of
 * the same files in the same order — every warm one — compares two texts and 50,000 numbers, where
 * a map of 25,000 entries took longer to read back than the rest of its check.
 */
const WRITTEN_INDEX = '.tsdbt-written';
const WRITTEN_FORMAT = 2;

interface WrittenIndex {
  /** The files, in the order written (absolute paths joined by newlines: a path holds none). */
  readonly paths: string;
  readonly hashes: string;
  /** Size and mtime (ms) of each file, as its stat gave them after it was written or checked. */
  readonly stats: Float64Array;
}

const textHash = (text: string) => createHash('sha1').update(text).digest('base64');

/**
 * The index a resident process (`tsdbt daemon`, load/warm-memory.ts keepingWarmStarts) read or wrote last, with the
 * identity of the file that holds it: its next compile stats the file instead of reading and decoding 25,000 paths
 * and hashes again (~3 MB; the index is replaced by rename, never written in place, so the same identity is the same bytes).
 */
let keptIndex: { readonly file: string; readonly identity: string; readonly index: WrittenIndex } | undefined;
let indexReads = 0;
/** How many compiled-file indexes this process read from their file (tests check a resident process's warm compile reads none). */
export function compiledIndexReads(): number {
  return indexReads;
}

/** The index and which file it was read from (load/warm-start-file.ts fileIdentity: the stat-ahead worker's answer must be of the same). */
function readIndex(file: string): { index: WrittenIndex; identity: string } | undefined {
  if (!keepingWarmStarts()) keptIndex = undefined;
  else if (keptIndex?.file === file) {
    const identity = statIdentity(file);
    if (identity === keptIndex.identity) return keptIndex;
    keptIndex = undefined;
  }
  const read = readIndexFile(file);
  if (read && keepingWarmStarts()) keptIndex = { file, ...read };
  return read;
}

function readIndexFile(file: string): { index: WrittenIndex; identity: string } | undefined {
  indexReads++;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const bytes = Buffer.allocUnsafe(st.size);
    if (readSync(fd, bytes, 0, st.size, 0) !== st.size) return undefined;
    const index = deserialize(bytes) as Partial<WrittenIndex & { format: number }> | null;
    if (index?.format !== WRITTEN_FORMAT || typeof index.paths !== 'string' || typeof index.hashes !== 'string' || !(index.stats instanceof Float64Array)) return undefined;
    return { index: index as WrittenIndex, identity: fileIdentity(st) };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The record of each path (its position in the index), from an index written for other files or another order. */
function recordsOf(index: WrittenIndex): { at: Map<string, number>; hashes: string[] } {
  const paths = index.paths === '' ? [] : index.paths.split('\n');
  const hashes = index.hashes === '' ? [] : index.hashes.split('\n');
  return paths.length === hashes.length && index.stats.length === 2 * paths.length ? { at: new Map(paths.map((p, k) => [p, k])), hashes } : { at: new Map(), hashes: [] };
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
  /** Each item's file when known (the compile memo's: compiledPath reads fields of nodes a warm compile does not decode otherwise). */
  knownPaths?: readonly (string | undefined)[],
): { paths: string[]; hashes: string[] } {
  const paths = items.map((item, i) => knownPaths?.[i] ?? compiledPath(targetDir, item.node));
  // A first compile has nothing to compare with: skip the reads.
  const mayExist = existsSync(join(targetDir, 'compiled'));
  const indexFile = join(targetDir, 'compiled', WRITTEN_INDEX);
  const read = mayExist ? readIndex(indexFile) : undefined;
  const index = read?.index;
  // The recorded files another thread found with their recorded stats meanwhile (load/stat-ahead.ts), by record.
  const ahead = read && aheadCompiledMarks(indexFile, read.identity);
  let skipped = 0;
  const hashes = items.map((item, i) => known?.[i] ?? textHash(withNewline(scrubSecrets(item.sql, secrets))));
  // The same files in the same order (a warm compile, or one after an edit): record k is item k; with the same texts, all are.
  const joinedPaths = paths.join('\n');
  const joinedHashes = hashes.join('\n');
  const samePaths = index !== undefined && index.stats.length === 2 * paths.length && index.paths === joinedPaths;
  const aligned = samePaths && index.hashes === joinedHashes;
  // Same files, some texts changed: each compared in place (a map of 25,000 paths cost more than the rest of the check).
  const savedHashes = samePaths && !aligned ? index.hashes.split('\n') : undefined;
  const records = index && !samePaths ? recordsOf(index) : undefined;
  const stats = new Float64Array(2 * paths.length);
  let changed = !aligned;
  const made = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const path = paths[i]!;
    // The recorded stat of this file with this text.
    const k = samePaths ? i : records?.at.get(path);
    const sameText = aligned || (savedHashes ? savedHashes[i] === hashes[i] : k !== undefined && records!.hashes[k] === hashes[i]);
    if (ahead && k !== undefined) {
      if (samePaths) Atomics.store(ahead.mainAt, 0, k);
      // Stat'ed on the other thread as recorded: the same file with the same text.
      if (sameText && ahead.marks[k] === SAME) {
        stats[2 * i] = index!.stats[2 * k]!;
        stats[2 * i + 1] = index!.stats[2 * k + 1]!;
        skipped++;
        continue;
      }
    }
    const s = mayExist ? statSync(path, { throwIfNoEntry: false }) : undefined;
    if (s && k !== undefined && sameText && index!.stats[2 * k] === s.size && index!.stats[2 * k + 1] === s.mtimeMs) {
      stats[2 * i] = s.size;
      stats[2 * i + 1] = s.mtimeMs;
      continue;
    }
    changed = true;
    const text = withNewline(scrubSecrets(items[i]!.sql, secrets));
    if (!(s && unchanged(path, text))) {
      const dir = dirname(path);
      if (!made.has(dir)) {
        makeDir(dir);
        made.add(dir);
      }
      writeFileSync(path, text);
    }
    const now = statSync(path, { throwIfNoEntry: false });
    // NaN: never equal to a stat, so a file that cannot be stat'ed is compared again next time.
    stats[2 * i] = now ? now.size : NaN;
    stats[2 * i + 1] = now ? now.mtimeMs : NaN;
  }
  countUsed('compiled', skipped);
  if (changed)
    try {
      let saved = { paths: joinedPaths, hashes: joinedHashes, stats };
      // Files of other nodes the index knows (a compile of a selection): kept for the next compile of them —
      // only this target's (a project folder copied or moved brings the old folder's records along: kept, they
      // made every later compile compare path by path, and the index grew with each move).
      if (records && records.at.size) {
        const current = new Set(paths);
        const root = folderOf(targetDir, 'compiled');
        const inTarget = (p: string) => p.startsWith(root) && (p[root.length] === '/' || p[root.length] === '\\');
        const others = [...records.at].filter(([p]) => !current.has(p) && inTarget(p));
        if (others.length) {
          const more = new Float64Array(2 * others.length);
          others.forEach(([, k], j) => more.set(index!.stats.subarray(2 * k, 2 * k + 2), 2 * j));
          const all = new Float64Array(stats.length + more.length);
          all.set(stats);
          all.set(more, stats.length);
          saved = { paths: [...paths, ...others.map(([p]) => p)].join('\n'), hashes: [...hashes, ...others.map(([, k]) => records.hashes[k]!)].join('\n'), stats: all };
        }
      }
      // Replaced by rename, never rewritten in place: a reader (load/stat-ahead.ts's thread) that opened the old one keeps reading it whole.
      const tmp = `${indexFile}.${process.pid}.tmp`;
      keptIndex = undefined;
      try {
        // The paths as a one-byte string when all ASCII (a cold compile's are two-byte: twice the bytes read by every warm compile).
        const bytes = serialize({ format: WRITTEN_FORMAT, ...saved, paths: Buffer.from(saved.paths).toString('utf8') });
        const fd = openSync(tmp, 'w');
        let ino: number;
        try {
          writeFileSync(fd, bytes);
          ino = fstatSync(fd).ino;
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, indexFile);
        // Kept for the next compile of a resident process as the file now holding it: ours (our inode, our size), stat'ed
        // after the rename (which sets its ctime). Another writer's file in its place has its own inode: read next time.
        if (keepingWarmStarts()) {
          const st = statSync(indexFile, { throwIfNoEntry: false });
          if (st?.ino === ino && st.size === bytes.length) keptIndex = { file: indexFile, identity: fileIdentity(st), index: saved };
        }
      } finally {
        rmSync(tmp, { force: true });
      }
    } catch {
      // only a shortcut for the next compile
    }
  return { paths, hashes };
}
