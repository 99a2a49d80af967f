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
      else if (e.isFile() && extensions.some((x) => e.name.endsWith(x))) out.push(toPosix(relative(projectRoot, child)));
      else if (e.isSymbolicLink() && statSync(child).isFile() && extensions.some((x) => e.name.endsWith(x)))
        out.push(toPosix(relative(projectRoot, child)));
    }
  };
  walk(join(projectRoot, dir));
  return out.sort();
}

export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
