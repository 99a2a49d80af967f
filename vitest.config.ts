import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.js';

// Each test file runs in its own forked process: chDB allows one data directory per process. Files
// are isolated (temp dirs, free loopback ports), so one per core: vitest's default leaves a core idle.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds packages/*/dist once (failing loudly): the CLI tests run the CLI built from this tree.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: Number(process.env.TSDBT_TEST_WORKERS) || availableParallelism(),
    sequence: { sequencer: LongestFirst },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
