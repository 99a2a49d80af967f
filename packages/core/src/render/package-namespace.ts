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

  /**
   * dbt's namespace is a dict, and packages test for a project's own macro with it
   * (`context.get(project_name, {}).get('get_audit_schema')`, dbt-event-logging). A macro named
   * `get` is an own property and shadows this.
   */
  get(name: unknown, fallback: unknown = null): unknown {
    return typeof name === 'string' && Object.hasOwn(this, name) ? (this as unknown as Record<string, unknown>)[name] : fallback;
  }
}
