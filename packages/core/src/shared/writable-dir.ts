import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ProjectError, UsageError } from './errors.js';

/** Who chose a folder tsdbt writes to, for the error: a flag (usage) or a file of the project. */
export interface FolderOrigin {
  /** How the user wrote it, e.g. `--target-path`, `target-path in project.yml`, `path of target 'dev'`. */
  readonly what: string;
  /** The file that set it (a project error), or none (a flag: a usage error). */
  readonly file?: string;
  /** Its line there (a function: looked up only for an error — finding a line parses the file's YAML document). */
  readonly line?: number | (() => number | undefined);
}

/**
 * Checks that `dir` is (or can become) a folder tsdbt may write: the nearest existing path on the
 * way must be a folder, and (unless `writable: false`, for commands that may only read it) a writable one. Raises a clear error (exit 2) instead of the EEXIST,
 * ENOTDIR or EACCES a later mkdir or write would throw mid-run.
 */
export function assertWritableDir(dir: string, origin: FolderOrigin, options: { writable?: boolean } = {}): void {
  const abs = resolve(dir);
  let existing = abs;
  for (;;) {
    try {
      const stat = statSync(existing);
      if (!stat.isDirectory()) throw problem(abs, origin, existing === abs ? 'is a file, not a folder' : `cannot be created: ${existing} is a file`);
      break;
    } catch (error) {
      if (error instanceof ProjectError || error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw problem(abs, origin, `cannot be used (${code})`);
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  if (options.writable === false) return;
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw problem(abs, origin, existing === abs ? 'is not writable' : `cannot be created: ${existing} is not writable`);
  }
}

/** mkdir -p `dir`, raising the same clear errors as assertWritableDir. */
export function makeWritableDir(dir: string, origin: FolderOrigin): void {
  assertWritableDir(dir, origin);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw problem(resolve(dir), origin, `cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function problem(dir: string, origin: FolderOrigin, why: string): ProjectError | UsageError {
  const message = `${origin.what} ${dir} ${why}`;
  const hint = `Point ${origin.what} at a folder tsdbt can write (it is created if missing).`;
  const line = typeof origin.line === 'function' ? origin.line() : origin.line;
  return origin.file ? new ProjectError('folder', message, { file: origin.file, line, hint }) : new UsageError('folder', message, { hint });
}
