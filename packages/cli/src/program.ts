import { Command, Option } from 'commander';
import { addResourceTypeOptions } from './commands/resource-types.js';
import { parseVars, type GlobalFlags, type Io } from './commands/common.js';
import { registerDepsCommand } from './commands/deps-command.js';
import { registerFreshnessCommand } from './commands/freshness-command.js';
import { registerRetryCommand } from './commands/retry-command.js';
import { registerInitCommand } from './commands/init-command.js';
import { cleanCommand, parseCommand } from './commands/project-commands.js';
import { registerDocsCommands } from './commands/docs-command.js';
import { compileCommand, debugCommand, lsCommand, runOperationCommand, showCommand } from './commands/inspect-commands.js';
import { addRunFlags as runFlags, runCommand } from './commands/run-commands.js';
import { addStateFlags } from './commands/state-flags.js';
import { applyEnvironment, withGlobals as globalFlags } from './global-flags.js';

/** The command tree; `exitCode()` is the finished command's exit code. */
export interface CliProgram {
  readonly program: Command;
  exitCode(): number;
}

/**
 * Every command and flag of `tsdbt`, printing through `io`. Nothing runs until the program parses argv.
 * `only`: the command about to run (main.ts: the first argument): only it gets the flags every
 * command shares (globals, selection, run flags) — the others are named, for `tsdbt --help` and
 * did-you-mean. ~40 global flags on each of ~25 commands were a tenth of a warm `ls`'s main thread.
 */
export async function buildProgram(io: Io, options: { readonly only?: string } = {}): Promise<CliProgram> {
  const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/\s+/).filter(Boolean)];
  /** Whether `cmd` (or the top-level command it is under) is the one to run, or every command is built. */
  const wanted = (cmd: Command): boolean => {
    if (options.only === undefined) return true;
    let top = cmd;
    while (top.parent?.parent) top = top.parent;
    return top.name() === options.only || top.aliases().includes(options.only);
  };
  const withGlobals = (cmd: Command): Command => (wanted(cmd) ? globalFlags(cmd) : cmd);
  const addRunFlags = (cmd: Command, verb: string): Command => (wanted(cmd) ? runFlags(cmd, verb) : cmd);

  function withSelect(cmd: Command): Command {
    if (!wanted(cmd)) return cmd;
    return addStateFlags(cmd)
      .option('-s, --select <selectors...>', 'nodes to include (dbt selector syntax)', collect)
      .option('--exclude <selectors...>', 'nodes to leave out', collect)
      .option('--selector <name>', 'a named selector from selectors.yml')
      .addOption(new Option('--indirect-selection <mode>', 'how tests follow selected models').choices(['eager', 'cautious', 'buildable', 'empty']))
      // dbt still accepts its older spelling of --select (`dbt run -m a`, `--models a`).
      .option('-m, --models <selectors...>', 'the same as --select (dbt\'s older flag)', collect)
      .addOption(new Option('--model <selectors...>', 'the same as --models').argParser(collect).hideHelp())
      .hook('preAction', (_cmd, action) => {
        const { models, model, select } = action.opts<{ models?: string[]; model?: string[]; select?: string[] }>();
        if (models || model) action.setOptionValue('select', [...(select ?? []), ...(models ?? []), ...(model ?? [])]);
      });
  }

  let exitCode = 0;
  const action = <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      exitCode = await fn(...args);
    };

  const program = new Command('tsdbt')
    .description('dbt-style SQL models for ClickHouse, in TypeScript')
    .version('0.1.0')
    // One line after a usage error (with commander's did-you-mean), not the whole help.
    .showHelpAfterError('(tsdbt --help lists the commands; tsdbt <command> --help its flags)')
    .exitOverride()
    // dbt's environment variables fill the flags the command line left unset.
    .hook('preAction', (_program, actionCommand) => {
      applyEnvironment(actionCommand);
      // dbt's flags.WHICH while the project parses: the command's name (`ls` is dbt's `list`).
      actionCommand.setOptionValue('which', actionCommand.name() === 'ls' ? 'list' : actionCommand.name());
    });

  for (const verb of ['run', 'test', 'build', 'seed', 'snapshot'] as const) {
    const desc = {
      run: 'build the selected models',
      test: 'run the data tests of the selection',
      build: 'seeds, snapshots, models and tests in one DAG',
      seed: 'load CSV seeds into tables',
      snapshot: 'record changes of the selected snapshots (SCD type 2 history tables)',
    }[verb];
    addRunFlags(withSelect(withGlobals(program.command(verb).description(desc))), verb).action(
      action((flags: GlobalFlags) => runCommand(verb, flags as never, io)),
    );
  }

  // dbt clone: the selected relations of the --state manifest's environment, cloned into this target.
  addRunFlags(withSelect(withGlobals(program.command('clone').description('clone the selected models, seeds and snapshots from the --state environment into the target'))), 'clone').action(
    action((flags: GlobalFlags) => runCommand('clone', flags as never, io)),
  );

  const source = program.command('source').description('work with sources');
  addRunFlags(withSelect(withGlobals(source.command('load').description('load sources that declare external files into tables'))), 'source').action(
    action((flags: GlobalFlags) => runCommand('source load', flags as never, io)),
  );
  registerFreshnessCommand(source, (cmd) => withSelect(withGlobals(cmd)), action, io);

  withSelect(withGlobals(program.command('compile').description('render models and tests to target/compiled (the database only for nodes that query it while rendering)')))
    .option('--inline <sql>', 'render this Jinja SQL and print it')
    .option('--empty', 'compile every ref() and source() to a zero-row subquery (as run --empty)')
    .option('--no-inject-ephemeral-ctes', 'leave ephemeral models as __dbt__cte__<name> names, without their CTEs (as dbt)')
    .addOption(new Option('--output <format>', 'how the SQL of the selected node is printed').choices(['text', 'json']).default('text'))
    .action(action((flags: GlobalFlags) => compileCommand(flags, io)));

  addResourceTypeOptions(withSelect(withGlobals(program.command('ls').alias('list').description('list the selected nodes'))), 'model, seed, snapshot, source, test, unit_test (or all, default)')
    .addOption(new Option('--output <format>', 'selector (as dbt), name, path or json').choices(['selector', 'name', 'path', 'json']).default('selector'))
    .option('--output-keys <keys...>', 'the keys of --output json (default: dbt\'s list)', collect)
    .action(action((flags: GlobalFlags) => lsCommand(flags, io)));

  withGlobals(program.command('show').description('preview the rows of a model or of inline SQL'))
    .option('-s, --select <model...>', 'the models to preview (each one named in the selection)')
    .option('--inline <sql>', 'SQL to run (Jinja allowed)')
    .option('--inline-direct <sql>', 'SQL to run as written (no Jinja, no project macros)')
    .option('--limit <n>', 'rows to show (-1 for all)', '5')
    .addOption(new Option('--output <format>', 'table (dbt: text) or json').choices(['table', 'text', 'json']).default('table'))
    .action(action((flags: GlobalFlags) => showCommand(flags, io)));

  withGlobals(program.command('parse').description('load the project and write target/manifest.json and target/perf_info.json (load timings); no warehouse')).action(
    action((flags: GlobalFlags) => parseCommand(flags, io)),
  );

  withGlobals(program.command('clean').description("delete the folders of clean-targets in dbt_project.yml (default: the target path)"))
    .option('--clean-project-files-only', 'refuse clean-targets outside the project folder (the default)')
    .option('--no-clean-project-files-only', 'delete clean-targets outside the project folder too')
    .action(action((flags: GlobalFlags) => cleanCommand(flags, io)));

  withGlobals(program.command('debug').description('show the resolved project and target and check the connection'))
    .option('--connection', 'only check the connection (dbt debug --connection)')
    .action(action((flags: GlobalFlags & { connection?: boolean }) => debugCommand(flags, io)));

  withGlobals(program.command('run-operation').description('run a macro against the warehouse').argument('<macro>'))
    .option('--args <yaml>', "macro arguments as YAML, e.g. '{scale: 0.1}'")
    .action(action((macro: string, flags: GlobalFlags) => runOperationCommand(macro, flags, io, parseVars)));

  withSelect(withGlobals(program.command('validate').description('check the selected models, tests, seeds and sources against ClickHouse with no data (a scratch warehouse)'))).action(
    action(async (flags: GlobalFlags) => (await import('./commands/validate-command.js')).validateCommand(flags, io)),
  );

  withGlobals(program.command('lineage').description('column lineage: the columns a column is computed from and the ones computed from it').argument('<column>', 'model.column, seed.column or source.table.column'))
    .addOption(new Option('--direction <direction>', 'which way to walk').choices(['upstream', 'downstream', 'both']).default('both'))
    .option('--depth <n>', 'hops to follow (default: all)')
    .option('--keys', 'also the columns used as join, group-by and filter keys')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(action(async (spec: string, flags: GlobalFlags) => (await import('./commands/lineage-command.js')).lineageCommand(spec, flags, io)));

  registerDocsCommands(program, withGlobals, withSelect, action, io);
  registerDepsCommand(program, withGlobals, action, io);
  registerRetryCommand(program, withGlobals, action, io);
  registerInitCommand(program, withGlobals, action, io);

  // Watch mode: `tsdbt watch`, `run --watch`, `build --watch`.
  {
    const { registerWatchCommands } = await import('./commands/watch-command.js');
    registerWatchCommands(program, { withGlobals, withSelect, addRunFlags, action, runCommand, io });
  }

  const { registerServeCommand } = await import('./commands/serve-command.js');
  registerServeCommand(program, withGlobals, action, io);
  // The resident process (resident/): its code loads only for `tsdbt daemon` itself.
  withGlobals(program.command('daemon').description("keep the project loaded and its embedded warehouse open: the project's tsdbt commands then run in this process (until Ctrl-C)"))
    .option('--stop', 'stop the resident process of the project')
    .action(action(async (flags: GlobalFlags & { stop?: boolean }) => (await import('./commands/daemon-command.js')).daemonCommand(flags, io)));

  return { program, exitCode: () => exitCode };
}
