import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Renderer } from '../render/renderer.js';
import type { ProjectRoot } from './project-roots.js';
import { dbtVersionFor } from '../shared/dbt-version.js';

/*
 * The global inputs of the parse cache (load/parse-cache.ts): when one differs, no entry is used
 * (dbt's partial parsing also parses in full after a profile, project or version change). Each part
 * is named, so the load can say which one changed.
 */

let engine: string | undefined;

/** This tsdbt build: the core package's version and, in a development checkout, when it was last built. */
export function engineFingerprint(): string {
  if (engine !== undefined) return engine;
  const pkg = new URL('../../package.json', import.meta.url);
  let version = 'unknown';
  try {
    version = String((JSON.parse(readFileSync(pkg, 'utf8')) as { version?: unknown }).version);
  } catch {
    // an unusual install: the build stamp below still tells builds apart
  }
  let built = '';
  try {
    built = String(statSync(fileURLToPath(new URL('../../tsconfig.tsbuildinfo', import.meta.url))).mtimeMs);
  } catch {
    built = String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
  }
  return (engine = `${version}@${built}`);
}

const digest = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64');

export function parseCacheKey(input: {
  readonly roots: readonly ProjectRoot[];
  readonly target: Readonly<Record<string, unknown>>;
  readonly renderer: Renderer;
}): Record<string, string> {
  const root = input.roots[0]!;
  return {
    tsdbt: engineFingerprint(),
    // dbt_version, which templates read, follows the root's require-dbt-version (dbtVersionFor).
    project: digest([root.projectFile.name, root.projectFile.dispatch ?? null, dbtVersionFor(root.projectFile.requireDbtVersion)]),
    target: digest(input.target),
    // Installed packages by name and place (their macros' texts and configs are checked per node).
    packages: digest(input.roots.slice(1).map((r) => [r.name, r.relDir])),
    // Which macros exist (not their texts: a node depends on the texts of the macros it called).
    macros: digest(input.renderer.macros().map((m) => `${m.uniqueId}\0${m.originalFilePath}`)),
  };
}
