import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PACKAGE } from '../render/macro-registry.js';
import type { MacroFile } from '../render/renderer.js';
import { discoverFiles } from './discover-files.js';

/** packages/core/macros: the same folder from src/load (tests) and dist/load (the npm package). */
export const BUILTIN_MACROS_DIR = fileURLToPath(new URL('../../macros', import.meta.url));

/** packages/core/package-macros/<package>: ClickHouse versions of installed packages' macros. */
export const PACKAGE_MACROS_DIR = fileURLToPath(new URL('../../package-macros', import.meta.url));

let cached: readonly MacroFile[] | undefined;
const supplements = new Map<string, readonly MacroFile[]>();

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

/**
 * tsdbt's `clickhouse__` versions of dispatched macros that installed packages ship without one
 * (dbt_utils reads `<database>.information_schema.tables`, its window tests expect lag()/lead() to
 * give NULL…), for the packages among `packageNames`. They load into the package's own
 * namespace after its files, so `adapter.dispatch(x, 'dbt_utils')` finds them where dbt would
 * find a `clickhouse__x` of the package: the root project's overrides still come first, and a
 * macro the package defines itself wins (MacroFile.supplement).
 */
export function packageMacroFiles(packageNames: readonly string[]): MacroFile[] {
  return packageNames.flatMap((name) => {
    let files = supplements.get(name);
    if (!files) {
      const dir = join(PACKAGE_MACROS_DIR, name);
      files = !/^\w+$/.test(name) || !existsSync(dir) ? [] : discoverFiles(dir, '.', ['.sql']).map((path) => {
        const abs = join(dir, path);
        return { path: abs, source: readFileSync(abs, 'utf8'), packageName: name, lazy: true, supplement: true };
      });
      supplements.set(name, files);
    }
    return files;
  });
}
