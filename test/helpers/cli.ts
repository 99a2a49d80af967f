import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The built CLI: test/global-setup.ts builds it from this tree before any test file runs. */
export const CLI = join(ROOT, 'packages/cli/dist/cli.js');
