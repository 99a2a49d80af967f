import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { flagValue } from '../warehouse-commands.js';

/*
 * Where a project's resident process (`tsdbt daemon`, resident/daemon.ts) is found, and which command
 * lines go to it. Read by cli.ts before anything else loads (resident-client.ts), so this module
 * imports nothing of tsdbt but the raw command-line helpers: with no resident process the cost is
 * one missing file.
 */

/**
 * The commands a resident process runs; every other one (watch, serve, daemon, deps, init, clean, docs…) runs in its own process.
 * Not run-operation, nor retry (which may re-run one): its macro's run_query statements run synchronously in one
 * render, so a resident process hears no Ctrl-C until the macro ends — its writes landed after the client had exited
 * 130 (run again: twice). In its own process Ctrl-C ends it at once, as before.
 */
export const RESIDENT_COMMANDS = new Set(['run', 'build', 'test', 'seed', 'snapshot', 'show', 'clone', 'compile', 'ls', 'list', 'parse', 'source', 'freshness', 'debug', 'lineage']);

/**
 * The commands that may write the warehouse: one at a time in a resident process (a second waits its
 * turn). Others arriving while it is busy run in their own process, as without a resident process.
 */
export const WRITING_COMMANDS = new Set(['run', 'build', 'test', 'seed', 'snapshot', 'show', 'clone', 'source', 'freshness']);

/** What a resident process advertises in its file. */
export interface ResidentInfo {
  readonly pid: number;
  /** cliVersion() of the process: a client of another build (or Node) runs in its own process. */
  readonly version: string;
  readonly socket: string;
  readonly projectDir: string;
  readonly startedAt: string;
}

/** The folder of this user's resident processes' files: private to the user (0700). */
export function residentDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(env.TSDBT_RESIDENT_DIR || tmpdir(), `tsdbt-resident-${uid}`);
}

/** A short stable name for a path (cyrb53: no crypto module loaded for it). */
function pathKey(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** The project folder a command line is about (--project-dir, DBT_PROJECT_DIR, else the working folder), symlinks resolved. */
export function projectDirOf(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const dir = resolve(cwd, flagValue(argv, '--project-dir') ?? env.DBT_PROJECT_DIR ?? '.');
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/** The resident process's info file and socket for a project folder. */
export function residentFiles(projectDir: string, env: NodeJS.ProcessEnv = process.env): { readonly info: string; readonly socket: string } {
  const base = join(residentDir(env), pathKey(projectDir));
  return { info: `${base}.json`, socket: `${base}.sock` };
}

/** This build of the command line: its bundle's size and time, and Node's version (a rebuilt bundle is another version). */
export function cliVersion(bundle: string): string | undefined {
  try {
    const st = statSync(bundle);
    return `${process.version} ${st.size} ${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * The info file of `projectDir`'s resident process, if one is advertised: a regular file of this user
 * in a folder only this user can use (anything else could be planted to receive our command lines).
 */
export function readResidentInfo(projectDir: string, env: NodeJS.ProcessEnv = process.env): ResidentInfo | undefined {
  const { info } = residentFiles(projectDir, env);
  let text: string;
  try {
    text = readFileSync(info, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const dir = lstatSync(residentDir(env));
    const file = lstatSync(info);
    if (!dir.isDirectory() || (dir.mode & 0o077) !== 0 || !file.isFile() || (file.mode & 0o077) !== 0) return undefined;
    if (uid !== undefined && (dir.uid !== uid || file.uid !== uid)) return undefined;
    const parsed = JSON.parse(text) as ResidentInfo;
    return typeof parsed.pid === 'number' && typeof parsed.socket === 'string' && typeof parsed.version === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
