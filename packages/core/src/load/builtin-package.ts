import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACKAGE } from '../render/macro-registry.js';
import type { MacroFile } from '../render/renderer.js';
import { discoverFiles } from './discover-files.js';

/** packages/core/macros: the same folder from src/load (tests) and dist/load (the npm package). */
export const BUILTIN_MACROS_DIR = fileURLToPath(new URL('../../macros', import.meta.url));

let cached: readonly MacroFile[] | undefined;

/**
 * The macro files of the built-in `dbt` package (read once per process: they ship with tsdbt and
 * never change under it). Paths are absolute, so errors and code frames find them; they compile
 * only when first used.
 */
export function builtinMacroFiles(): readonly MacroFile[] {
  cached ??= discoverFiles(BUILTIN_MACROS_DIR, '.', ['.sql']).map((path) => {
    const abs = join(BUILTIN_MACROS_DIR, path);
    return { path: abs, source: readFileSync(abs, 'utf8'), packageName: BUILTIN_PACKAGE, lazy: true };
  });
  return cached;
}
