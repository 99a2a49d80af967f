import { versionsCompatible } from './semver.js';

/**
 * The dbt-core version tsdbt declares itself compatible with: what `require-dbt-version` ranges
 * (of projects and packages) and the hub's `require_dbt_version` are checked against, and what
 * templates and query comments read as `dbt_version`. dbt 1.11: tsdbt has its functions (UDFs),
 * `config.meta_get`, generic tests' `arguments:`. The packages tsdbt is tested with ask for >=1.3
 * (dbt_utils), >=1.7,<2 (dbt_expectations) and >=1.10.5 (dbt_date).
 */
export const DBT_VERSION = '1.11.14';

/**
 * The dbt 1.10 release a project pinned below 1.11 (`require-dbt-version: [">=1.5.0", "<1.11.0"]`)
 * runs as. tsdbt reads such a project as dbt 1.10 did (no functions/ folder: see project-file.ts),
 * so a dbt 1.10 project moves over unmodified; dbt 1.11 itself refuses it.
 */
export const DBT_1_10_VERSION = '1.10.23';

/**
 * The dbt version a root project (and its packages, checked against it) runs as: DBT_VERSION,
 * unless its require-dbt-version excludes it and admits DBT_1_10_VERSION.
 */
export function dbtVersionFor(requireDbtVersion: readonly string[]): string {
  if (requireDbtVersion.length === 0 || versionsCompatible([`=${DBT_VERSION}`, ...requireDbtVersion])) return DBT_VERSION;
  return versionsCompatible([`=${DBT_1_10_VERSION}`, ...requireDbtVersion]) ? DBT_1_10_VERSION : DBT_VERSION;
}
