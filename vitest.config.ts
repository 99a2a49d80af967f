import { defineConfig } from 'vitest/config';

// Each test file runs in its own forked process: chDB allows one data directory per process.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds packages/*/dist once (failing loudly): the CLI tests run the CLI built from this tree.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
