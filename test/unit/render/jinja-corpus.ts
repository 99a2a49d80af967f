import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { SHARED_PACKAGES } from '../../helpers/shared-packages.js';
import { expected } from './jinja-fixture-env.js';

/**
 * Real Jinja to check a fast path against the path it replaces: the Jinja2 fixtures, dbt's built-in
 * macros (packages/core/macros, package-macros), the reference project's models and macros, and
 * every .sql file of the shared dbt packages (their macros and integration_tests), when present.
 */
/** A lower bound for a count over the corpus: smaller without the shared packages (a clone with no ../shared beside it). */
export const atLeast = (withSharedPackages: number, without: number): number => (SHARED_PACKAGES ? withSharedPackages : without);

export function jinjaCorpus(): { readonly name: string; readonly src: string }[] {
  const sql = (dir: string): string[] => {
    try {
      return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sql') && !f.includes('dbt_packages') && !f.includes('target/'));
    } catch {
      return [];
    }
  };
  const dirs = [join(ROOT, 'packages/core/macros'), join(ROOT, 'packages/core/package-macros'), join(ROOT, 'models'), join(ROOT, 'macros')];
  if (SHARED_PACKAGES) dirs.push(SHARED_PACKAGES);
  const files = dirs.flatMap((dir) => sql(dir).map((f) => ({ name: join(dir, f), src: readFileSync(join(dir, f), 'utf8') })));
  return [...expected.map((fx) => ({ name: fx.name, src: fx.src })), ...files];
}
