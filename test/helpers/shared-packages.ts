import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from './cli.js';
import { startTestHub, type TestHub } from './hub-server.js';

/**
 * The public dbt packages in ../shared/third_party/dbt-packages (unmodified; never copied into
 * the repo). shared/ sits beside the checkout (CI, /work/main) or beside its parent (a worktree
 * in /work/wt/<name>); '' when neither has them (the tests that need them skip).
 */
export const SHARED_PACKAGES =
  [resolve(ROOT, '../shared'), resolve(ROOT, '../../shared')].map((d) => join(d, 'third_party/dbt-packages')).find((d) => existsSync(join(d, 'dbt_utils/dbt_project.yml'))) ?? '';

/** Files of a package's integration_tests that a run writes or that are another warehouse's settings. */
const LOCAL_FILES = new Set(['dbt_packages', 'target', 'package-lock.yml', 'profiles.yml', 'logs']);

/**
 * A writable mirror of a shared package made of symlinks, under `work`: the package's files, and
 * integration_tests' files (their packages.yml say `local: ../`; shared/ is read-only, so deps
 * writes dbt_packages/ and package-lock.yml into the mirror). Returns the integration_tests folder.
 */
export function mirrorSharedPackage(work: string, name: string): string {
  const src = join(SHARED_PACKAGES, name);
  const dest = join(work, name);
  mkdirSync(join(dest, 'integration_tests'), { recursive: true });
  for (const entry of readdirSync(src)) if (entry !== 'integration_tests') symlinkSync(join(src, entry), join(dest, entry));
  for (const entry of readdirSync(join(src, 'integration_tests')))
    if (!LOCAL_FILES.has(entry)) symlinkSync(join(src, 'integration_tests', entry), join(dest, 'integration_tests', entry));
  return join(dest, 'integration_tests');
}

/** A test hub serving the shared copies of the packages the others get from the dbt Hub (dbt_utils, dbt_date). */
export function startSharedPackagesHub(): Promise<TestHub> {
  return startTestHub({
    'dbt-labs/dbt_utils': { '1.4.1': { dir: join(SHARED_PACKAGES, 'dbt_utils'), requireDbtVersion: ['>=1.3.0', '<3.0.0'] } },
    'godatadriven/dbt_date': { '0.21.0': { dir: join(SHARED_PACKAGES, 'dbt_date'), requireDbtVersion: ['>=1.10.5', '<3.0.0'] } },
  });
}
