import { afterEach, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TsdbtProject, type OpenOptions, type RunEvent } from '../../packages/core/src/index.js';

/**
 * A fresh folder name under the temp dir for this test file. Not keyed by the pid alone: pids are
 * reused, and a folder left by an earlier process with the same pid would hand this file its
 * databases (schemas are named after the pid too). Removed when the process exits.
 */
export function freshTempPath(prefix: string): string {
  const path = join(tmpdir(), `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`);
  process.once('exit', () => rmSync(path, { recursive: true, force: true }));
  return path;
}

/**
 * chDB binds one data directory per process, and vitest runs each test file in its own fork:
 * every project a test file opens shares this file's warehouse, each in its own database.
 */
export const WAREHOUSE_DIR = freshTempPath('tsdbt-test-warehouse');

let counter = 0;
/** Test files can share a worker process (and its warehouse): this module's schemas must not collide with another file's. */
const FILE_TOKEN = Math.random().toString(36).slice(2, 6);

export interface InlineProject {
  readonly dir: string;
  /** The target database this project's models land in. */
  readonly schema: string;
  readonly events: RunEvent[];
  write(files: Record<string, string>): void;
  remove(path: string): void;
  open(options?: Partial<OpenOptions>): TsdbtProject;
  cleanup(): void;
}

/**
 * A project declared inline as `{ 'models/a.sql': '…' }` in a temp dir, with a profiles.yml that
 * points at this test file's embedded warehouse and a schema of its own.
 */
export function inlineProject(files: Record<string, string>, options: { name?: string; projectYml?: string } = {}): InlineProject {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-project-'));
  const name = options.name ?? 'proj';
  const schema = `t${process.pid}_${FILE_TOKEN}_${++counter}`;
  const events: RunEvent[] = [];
  const write = (more: Record<string, string>) => {
    for (const [path, text] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  write({
    'project.yml': options.projectYml ?? `name: ${name}\nprofile: ${name}\n`,
    'profiles.yml': `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${schema}\n      threads: 4\n`,
    ...files,
  });
  return {
    dir,
    schema,
    events,
    write,
    remove: (path) => rmSync(join(dir, path), { force: true }),
    open: (o = {}) => TsdbtProject.open({ projectDir: dir, onEvent: (e) => events.push(e), ...o }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Rows of a query on the shared warehouse, through a project's connection. */
export async function queryRows<T = Record<string, unknown>>(project: TsdbtProject, sql: string): Promise<T[]> {
  return (await project.adapter()).client.query<T>(sql);
}

/** The status of each node in a run result, by node name. */
export function statuses(result: { results: readonly { node: { name: string }; status: string }[] }): Record<string, string> {
  return Object.fromEntries(result.results.map((r) => [r.node.name, r.status]));
}

/**
 * `setup(files, ...args)` opens an inline project; every project opened this way is closed and its
 * folder removed after each test. `prepare(p, ...args)` runs before opening (e.g. to write a
 * profiles.yml for a server). Call once at the top of a test file or describe block.
 */
export interface PerTestProjects<A extends unknown[] = []> {
  (files: Record<string, string>, ...args: A): { p: InlineProject; project: TsdbtProject };
  /** Opens `p` again (after editing its files): same folder, same warehouse; closed after the test. */
  reopen(p: InlineProject): TsdbtProject;
  /** Closes `project` and removes `p` after the test, like the ones `setup` opened. */
  track(p: InlineProject, project: TsdbtProject): void;
}

export function openedPerTest<A extends unknown[] = []>(prepare?: (p: InlineProject, ...args: A) => void): PerTestProjects<A> {
  let open: { p: InlineProject; project: TsdbtProject }[] = [];
  afterEach(async () => {
    for (const { p, project } of open) {
      await project.close().catch(() => {}); // a test may have killed the server it talked to
      p.cleanup();
    }
    open = [];
  });
  const setup = (files: Record<string, string>, ...args: A) => {
    const p = inlineProject(files);
    let project: TsdbtProject;
    try {
      prepare?.(p, ...args);
      project = p.open();
    } catch (error) {
      p.cleanup();
      throw error;
    }
    open.push({ p, project });
    return { p, project };
  };
  return Object.assign(setup, {
    reopen(p: InlineProject) {
      const project = p.open();
      open.push({ p: { ...p, cleanup: () => {} }, project });
      return project;
    },
    track(p: InlineProject, project: TsdbtProject) {
      open.push({ p, project });
    },
  });
}

/** statuses(result) with each node's message in the assertion text, so a failure says why. */
export function expectStatuses(result: { results: readonly { node: { name: string }; status: string; message: string }[] }, expected: Record<string, string>): void {
  const messages = result.results.map((r) => `${r.node.name}: ${r.status}: ${r.message}`).join('\n');
  expect(statuses(result), messages).toEqual(expected);
}

/** Runs `work` while recording the SQL of every query the project's warehouse client sends. */
export async function recordQueries<T>(project: TsdbtProject, work: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
  const client = (await project.adapter()).client as { query: (sql: string, ...rest: never[]) => Promise<unknown> };
  const original = client.query;
  const sent: string[] = [];
  client.query = (sql: string, ...rest: never[]) => (sent.push(sql), original.call(client, sql, ...rest));
  try {
    return { result: await work(), sent };
  } finally {
    client.query = original;
  }
}
