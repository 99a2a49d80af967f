import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The commands that open the warehouse to send statements (their nodes, macros or previews run
 * there); `compile`, `ls`, `parse`, `docs`… open it rarely or never. Read from the raw command line,
 * before the program is built (cli.ts): the first argument that names a command is the command.
 */
const WAREHOUSE_COMMANDS = new Set(['run', 'build', 'test', 'seed', 'snapshot', 'show', 'run-operation', 'retry', 'clone', 'watch']);
const OTHER_COMMANDS = new Set(['compile', 'ls', 'list', 'parse', 'clean', 'debug', 'validate', 'lineage', 'docs', 'deps', 'init', 'serve', 'source', 'freshness', 'help']);

export function opensWarehouse(argv: readonly string[]): boolean {
  for (const arg of argv.slice(2)) {
    if (WAREHOUSE_COMMANDS.has(arg)) return true;
    if (OTHER_COMMANDS.has(arg)) return false;
  }
  return false;
}

/** The value of `--name x` / `--name=x` on the command line. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1);
  }
  return undefined;
}

/**
 * A guess, before anything is loaded, that the command's target is the embedded warehouse (chDB),
 * whose native library is then loaded on a thread right away: no profiles.yml where the load looks
 * for one (the embedded default), or one that mentions chdb. Only decides when chDB's library loads
 * (a wrong guess costs that thread's time); load/profiles.ts resolves the target.
 */
export function likelyEmbedded(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const profilesDir = flagValue(argv, '--profiles-dir') ?? env.DBT_PROFILES_DIR;
  const projectDir = resolve(flagValue(argv, '--project-dir') ?? env.DBT_PROJECT_DIR ?? '.');
  const dirs = profilesDir ? [resolve(profilesDir)] : [projectDir, join(env.HOME || homedir(), '.tsdbt')];
  for (const dir of dirs) {
    const file = join(dir, 'profiles.yml');
    if (!existsSync(file)) continue;
    try {
      return /chdb/.test(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
  }
  return true;
}
