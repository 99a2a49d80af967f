import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandOf, flagValue } from './warehouse-commands.js';

/*
 * A guess, before anything is loaded, of the warm start a command will read (load/warm-load.ts:
 * <project>/<target-path>/warm_start.bin), so that its inputs are stat'ed on a thread while tsdbt's
 * modules load (@tsdbt/core/stat-ahead). Only decides what that thread reads: the load takes its answer
 * only for the file it reads itself (a project whose target-path is Jinja, or a wrong guess, costs the
 * thread's time and nothing else).
 */

/** The commands that load a project and so read its warm start. */
const LOADING_COMMANDS = new Set(['run', 'build', 'test', 'seed', 'snapshot', 'show', 'run-operation', 'retry', 'clone', 'compile', 'ls', 'list', 'parse', 'validate', 'lineage', 'docs', 'source', 'freshness']);

/** The project file's target-path when written as a plain value (undefined: none, or one that needs rendering). */
function literalTargetPath(projectDir: string): string | undefined {
  for (const name of ['dbt_project.yml', 'project.yml']) {
    let text: string;
    try {
      text = readFileSync(join(projectDir, name), 'utf8');
    } catch {
      continue;
    }
    const m = /^target-path:[ \t]*(.*?)[ \t]*(?:#.*)?$/m.exec(text);
    if (!m) return undefined;
    const value = m[1]!.replace(/^(['"])(.*)\1$/, '$2');
    return value === '' || /[{}%]/.test(value) ? undefined : value;
  }
  return undefined;
}

/** The warm start (and, for `compile`, the compiled-file index) the command on `argv` will read, if it loads a project. */
export function warmStartGuess(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { readonly warmStart: string; readonly compiledIndex?: string } | undefined {
  const command = commandOf(argv);
  if (command === undefined || !LOADING_COMMANDS.has(command) || argv.includes('--help') || argv.includes('-h')) return undefined;
  const projectDir = resolve(flagValue(argv, '--project-dir') ?? env.DBT_PROJECT_DIR ?? '.');
  const target = resolve(projectDir, flagValue(argv, '--target-path') ?? env.DBT_TARGET_PATH ?? literalTargetPath(projectDir) ?? 'target');
  return { warmStart: join(target, 'warm_start.bin'), ...(command === 'compile' ? { compiledIndex: join(target, 'compiled', '.tsdbt-written') } : {}) };
}
