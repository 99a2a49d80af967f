import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The commands that open the warehouse to send statements (their nodes, macros or previews run
 * there); `compile`, `ls`, `parse`, `docs`… open it rarely or never. Read from the raw command line,
 * before the program is built (cli.ts): the first argument that names a command is the command.
 */
const WAREHOUSE_COMMANDS = new Set(['run', 'build', 'test', 'seed', 'snapshot', 'show', 'run-operation', 'retry', 'clone', 'watch']);
const OTHER_COMMANDS = new Set(['compile', 'ls', 'list', 'parse', 'clean', 'debug', 'validate', 'lineage', 'docs', 'deps', 'init', 'serve', 'daemon', 'source', 'freshness', 'help']);

/** The command named on the raw command line (the first argument that names one). */
export function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => WAREHOUSE_COMMANDS.has(arg) || OTHER_COMMANDS.has(arg));
}

export function opensWarehouse(argv: readonly string[]): boolean {
  for (const arg of argv.slice(2)) {
    if (WAREHOUSE_COMMANDS.has(arg)) return true;
    if (OTHER_COMMANDS.has(arg)) return false;
  }
  return false;
}

/** The value of `--name x` / `--name=x` on the command line. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1);
  }
  return undefined;
}

/** Whether another live process holds a chDB data directory (ClickHouse writes its pid into `status` and keeps the file locked). */
function heldByAnother(dir: string): boolean {
  let pid: number;
  try {
    const m = /^PID:\s*(\d+)/m.exec(readFileSync(join(dir, 'status'), 'utf8'));
    if (!m) return false;
    pid = Number(m[1]);
  } catch {
    return false;
  }
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A guess, before anything is loaded, that the command's target is the embedded warehouse (chDB) and
 * that this process will open it, so that its native library is loaded on a thread right away: no
 * profiles.yml where the load looks for one (the embedded default, unless another process holds it),
 * or one that mentions chdb. With no profiles.yml the target is
 * tsdbt's default, whose data directory is known too (`<project>/.tsdbt/chdb`, load/profiles.ts
 * defaultTarget): `path`, when it exists and no other process holds it, is opened at once (held: nothing is loaded). Only
 * decides when chDB loads and opens (a wrong guess costs that thread's time, and a directory opened
 * for nothing is closed before another is opened); load/profiles.ts resolves the target.
 */
export function embeddedGuess(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { readonly embedded: boolean; readonly path?: string } {
  const profilesDir = flagValue(argv, '--profiles-dir') ?? env.DBT_PROFILES_DIR;
  const projectDir = resolve(flagValue(argv, '--project-dir') ?? env.DBT_PROJECT_DIR ?? '.');
  const dirs = profilesDir ? [resolve(profilesDir)] : [projectDir, join(env.HOME || homedir(), '.tsdbt')];
  for (const dir of dirs) {
    const file = join(dir, 'profiles.yml');
    if (!existsSync(file)) continue;
    try {
      return { embedded: /chdb/.test(readFileSync(file, 'utf8')) };
    } catch {
      return { embedded: false };
    }
  }
  const path = join(projectDir, '.tsdbt', 'chdb');
  if (!existsSync(path)) return { embedded: true };
  // Held by another live process (`tsdbt serve`, `watch`): statements go to that process's endpoint, so chDB's library
  // (~0.2 s of CPU to map and relocate, on a thread beside the load) is not loaded; if the holder ends before the open,
  // the open loads it then (warehouse-client.ts).
  return heldByAnother(path) ? { embedded: false } : { embedded: true, path };
}
