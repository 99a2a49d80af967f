import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The built CLI (npm ci builds it through `prepare`). */
export const CLI = join(ROOT, 'packages/cli/dist/cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the CLI when its dist is missing or older than the sources. */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = Math.min(statSync(CLI).mtimeMs, statSync(join(ROOT, 'packages/core/dist/index.js')).mtimeMs);
  } catch {
    built = 0;
  }
  const sources = Math.max(newestMtime(join(ROOT, 'packages/core/src')), newestMtime(join(ROOT, 'packages/cli/src')));
  if (built >= sources) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  // tsc -b still emits on type errors; a half-done edit elsewhere should not block CLI tests.
  if (r.status !== 0 && !existsSync(CLI)) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}
