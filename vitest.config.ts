import { defineConfig } from 'vitest/config';

// Each test file runs in its own forked process: chDB allows one data directory per process.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
