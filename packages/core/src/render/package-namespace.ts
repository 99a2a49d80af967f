import type { MacroEntry } from './macro-registry.js';

/**
 * What `dbt_utils` (or `dbt`, or the root project's name) is in a template: its macros as
 * properties (`dbt_utils.star(...)`), compiled on first access. Not a plain dict, so Python dict
 * methods (`.get`, `.items`) never shadow a macro of that name.
 */
export class PackageNamespace {
  constructor(macros: ReadonlyMap<string, MacroEntry>) {
    for (const [name, entry] of macros) Object.defineProperty(this, name, { enumerable: true, get: () => entry.fn() });
  }
}
