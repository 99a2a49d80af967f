import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TsdbtProject, type OpenOptions } from '../../packages/core/src/index.js';

/** The repository root: the Instacart reference project. */
export const ROOT = resolve(__dirname, '../..');

/** The project's own files (a copy is built, so target/ of the repository is never written by these suites). */
export const PROJECT_FILES = ['project.yml', 'sources.yml', 'models', 'macros', 'tests'];

export interface InstacartProject {
  readonly project: TsdbtProject;
  /** The copy of the project. */
  readonly dir: string;
  /** This test file's own chDB data directory (chDB binds one per process; models land in fixed databases). */
  readonly warehouse: string;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A copy of the Instacart project in a temp dir, with a profiles.yml (profile `instacart`) pointing at a
 * warehouse directory of its own: databases raw / clean / mart have fixed names, so two test files must
 * never share a warehouse.
 */
export function openInstacart(name: string, options: Partial<OpenOptions> = {}): InstacartProject {
  const base = mkdtempSync(join(tmpdir(), `tsdbt-instacart-${name}-`));
  const dir = join(base, 'project');
  const profilesDir = join(base, 'profiles');
  const warehouse = join(base, 'warehouse');
  mkdirSync(dir);
  mkdirSync(profilesDir);
  for (const f of PROJECT_FILES) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  writeFileSync(
    join(profilesDir, 'profiles.yml'),
    `instacart:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: default\n      threads: 4\n`,
  );
  const project = TsdbtProject.open({ projectDir: dir, profilesDir, ...options });
  return {
    project,
    dir,
    warehouse,
    query: async <T>(sql: string) => (await project.adapter()).client.query<T>(sql),
    close: async () => {
      await project.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Statuses that are not a success, as `name: status: message` lines (empty when the run is clean). */
export function problems(result: { results: readonly { node: { name: string }; status: string; message: string }[] }): string[] {
  return result.results
    .filter((r) => !['success', 'pass'].includes(r.status))
    .map((r) => `${r.node.name}: ${r.status}: ${r.message.split('\n')[0]}`);
}

/** Number from a ClickHouse JSON value (64-bit integers come back as strings). */
export const num = (v: unknown): number => (v === null || v === undefined ? NaN : Number(v));
