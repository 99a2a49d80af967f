import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Folder listings shared within one load (withSharedListings): a load walks the same folders once
 * per kind of file — models' .sql, .py, schema .yml, docs' .md — and a 10,000-model project's
 * folders hold as many entries, each walk listing all of them again. undefined: none shared.
 */
let listings: Map<string, Dirent[] | Error> | undefined;

/** Runs `fn` (synchronous) with each folder listed once by discoverFiles; the listings are dropped after it. */
export function withSharedListings<T>(fn: () => T): T {
  if (listings) return fn();
  listings = new Map();
  try {
    return fn();
  } finally {
    listings = undefined;
  }
}

function listFolder(abs: string): Dirent[] {
  const known = listings?.get(abs);
  if (known instanceof Error) throw known;
  if (known) return known;
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (error) {
    listings?.set(abs, error as Error);
    throw error;
  }
  listings?.set(abs, entries);
  return entries;
}

/** Files below `dir` whose names end with one of `extensions`, as project-relative POSIX paths, sorted. */
export function discoverFiles(projectRoot: string, dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  // `rel`: `abs` relative to the project, POSIX; a child's is `rel/name` (entry names are never '.' or
  // '..'), so no join/relative per file (a 10,000-model project has as many).
  const walk = (abs: string, rel: string) => {
    let entries;
    try {
      entries = listFolder(abs);
    } catch {
      return; // a configured path that does not exist holds no files
    }
    for (const e of entries) {
      const name = e.name;
      if (name.startsWith('.')) continue;
      if (e.isDirectory()) walk(join(abs, name), rel ? `${rel}/${name}` : name);
      else if (!extensions.some((x) => name.endsWith(x))) continue; // never looked at, as dbt (a broken README link is no error)
      else if (e.isFile() || (e.isSymbolicLink() && linksToFile(join(abs, name)))) out.push(rel ? `${rel}/${name}` : name);
    }
  };
  const start = join(projectRoot, dir);
  walk(start, toPosix(relative(projectRoot, start)));
  return out.sort();
}

/**
 * A symlink among the project's files: kept when it leads to a file, and when it leads nowhere
 * (dangling, or a loop) so that reading it reports which link is broken (shared/text-file.ts).
 * Links to folders are not followed, as dbt's os.walk does not follow them.
 */
function linksToFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
