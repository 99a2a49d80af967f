import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll } from 'vitest';
import { freshTempPath, inlineProject, type InlineProject } from './inline-project.js';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The built CLI: test/global-setup.ts builds it from this tree before any test file runs. */
export const CLI = join(ROOT, 'packages/cli/dist/cli.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in a child process (no colours unless the test asks: NO_COLOR is cleared then). */
export function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number }): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd, encoding: 'utf8', env: { ...process.env, ...options.env }, input: options.input, timeout: options.timeout ?? 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Inline projects for CLI tests: each child process opens this file's own embedded warehouse (one
 * after another: chDB locks its folder per process), each project in its own schema. Folders and
 * the warehouse are removed after the file.
 */
export function cliProjects(prefix = 'tsdbt-cli-warehouse'): { warehouse: string; project: (files: Record<string, string>, profile?: string) => InlineProject } {
  const warehouse = freshTempPath(prefix);
  const projects: InlineProject[] = [];
  afterAll(() => {
    for (const p of projects) p.cleanup();
    rmSync(warehouse, { recursive: true, force: true });
  });
  return {
    warehouse,
    project(files, profile) {
      const p = inlineProject(files);
      p.write({ 'profiles.yml': profile ?? `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: ${p.schema}\n      threads: 2\n` });
      projects.push(p);
      return p;
    },
  };
}
