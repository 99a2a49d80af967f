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
