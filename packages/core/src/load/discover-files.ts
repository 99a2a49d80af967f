import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Files below `dir` whose names end with one of `extensions`, as project-relative POSIX paths, sorted. */
export function discoverFiles(projectRoot: string, dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return; // a configured path that does not exist holds no files
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const child = join(abs, e.name);
      if (e.isDirectory()) walk(child);
      else if (!extensions.some((x) => e.name.endsWith(x))) continue; // never looked at, as dbt (a broken README link is no error)
      else if (e.isFile()) out.push(toPosix(relative(projectRoot, child)));
      else if (e.isSymbolicLink() && linksToFile(child)) out.push(toPosix(relative(projectRoot, child)));
    }
  };
  walk(join(projectRoot, dir));
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
