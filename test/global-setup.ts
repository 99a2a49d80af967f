import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Builds the packages once before any test file runs, so the CLI tests (which spawn
 * packages/cli/dist/cli.js) run the code under test, never a stale dist/. A failed build
 * fails the whole run with the compiler's output: tests must not pass against an old CLI.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}); the tests would run a stale CLI:\n${r.stdout}\n${r.stderr}`);
}
