import type { TestNode } from './nodes.js';

/**
 * Whether a test stores its failing rows (dbt's should_store_failures, with TestConfig's
 * finalize_and_validate): store_failures_as, when set, decides ('ephemeral' stores nothing; any
 * other value stores, an invalid one failing at run time); else store_failures, else `flag`
 * (--store-failures, or false where no command is known, as at parse).
 */
export function shouldStoreFailures(test: Pick<TestNode, 'config'>, flag: boolean): boolean {
  const as = test.config.store_failures_as;
  if (as !== undefined && as !== null) return as !== 'ephemeral';
  const own = test.config.store_failures;
  return own === undefined || own === null ? flag : own === true;
}
