#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { isProjectLevelError, scrubSecrets, secretValues } from '@tsdbt/core';
import { parseVars, varsOfArgv, type GlobalFlags, type Io } from './commands/common.js';
import { registerDepsCommand } from './commands/deps-command.js';
import { registerDocsCommands } from './commands/docs-command.js';
import { registerFreshnessCommand } from './commands/freshness-command.js';
import { registerRetryCommand } from './commands/retry-command.js';
import { compileCommand, debugCommand, lsCommand, runOperationCommand, showCommand } from './commands/inspect-commands.js';
import { addRunFlags, runCommand } from './commands/run-commands.js';
import { addStateFlags } from './commands/state-flags.js';
import { stdoutClosed } from './commands/stdout.js';
import { formatError } from './printer/format-error.js';


// Every line the CLI prints, text or JSON, has DBT_ENV_SECRET_* values (env and --vars) scrubbed, as dbt's logs.
const secrets = secretValues(process.env, varsOfArgv(process.argv));
const io: Io = {
  // Nothing more once the reader closed the pipe (stdout.ts: a run stops, a listing exits 0).
  out: (line) => void (stdoutClosed() || process.stdout.write(scrubSecrets(line, secrets) + '\n')),
  err: (line) => process.stderr.write(scrubSecrets(line, secrets) + '\n'),
  isTty: Boolean(process.stdout.isTTY),
};

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(/\s+/).filter(Boolean)];

function withGlobals(cmd: Command): Command {
  return cmd
    .option('--project-dir <dir>', 'the project folder (holds project.yml or dbt_project.yml)')
    .option('--profiles-dir <dir>', 'where profiles.yml is (default: the project, then ~/.tsdbt)')
    .option('-t, --target <name>', 'the profile target to use')
    .option('--target-path <dir>', 'where artifacts and compiled SQL go (default: target-path in project.yml, else target)')
    .option('--vars <yaml>', "project vars as YAML, e.g. '{my_var: 1}'")
    .option('--debug', 'show stack traces and debug logs')
    .addOption(new Option('--log-format <format>', 'console output').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no colours even on a terminal')
    .option('--no-version-check', "do not check packages' require-dbt-version against the dbt version tsdbt supports")
    .option('--no-partial-parse', 'parse every file again: neither read nor write the parse cache target/partial_parse.bin (also DBT_PARTIAL_PARSE=false)');
}

function withSelect(cmd: Command): Command {
  return addStateFlags(cmd)
    .option('-s, --select <selectors...>', 'nodes to include (dbt selector syntax)', collect)
    .option('--exclude <selectors...>', 'nodes to leave out', collect)
    .option('--selector <name>', 'a named selector from selectors.yml')
    .addOption(new Option('--indirect-selection <mode>', 'how tests follow selected models').choices(['eager', 'cautious', 'buildable', 'empty']));
}

let exitCode = 0;
const action = <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    exitCode = await fn(...args);
  };

const program = new Command('tsdbt')
  .description('dbt-style SQL models for ClickHouse, in TypeScript')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

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

const source = program.command('source').description('work with sources');
addRunFlags(withSelect(withGlobals(source.command('load').description('load sources that declare external files into tables'))), 'source').action(
  action((flags: GlobalFlags) => runCommand('source load', flags as never, io)),
);
registerFreshnessCommand(source, (cmd) => withSelect(withGlobals(cmd)), action, io);

withSelect(withGlobals(program.command('compile').description('render models and tests to target/compiled (no database needed)')))
  .option('--inline <sql>', 'render this Jinja SQL and print it')
  .option('--empty', 'compile every ref() and source() to a zero-row subquery (as run --empty)')
  .action(action((flags: GlobalFlags) => compileCommand(flags, io)));

withSelect(withGlobals(program.command('ls').alias('list').description('list the selected nodes')))
  .option('--resource-type <types...>', 'model, seed, snapshot, source, test, unit_test', collect)
  .addOption(new Option('--output <format>', 'what to print').choices(['name', 'path', 'json']).default('name'))
  .action(action((flags: GlobalFlags) => lsCommand(flags, io)));

withGlobals(program.command('show').description('preview the rows of a model or of inline SQL'))
  .option('-s, --select <model...>', 'the model to preview')
  .option('--inline <sql>', 'SQL to run (Jinja allowed)')
  .option('--limit <n>', 'rows to show (-1 for all)', '5')
  .addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'))
  .action(action((flags: GlobalFlags) => showCommand(flags, io)));

withGlobals(program.command('debug').description('show the resolved project and target and check the connection')).action(
  action((flags: GlobalFlags) => debugCommand(flags, io)),
);

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

registerDocsCommands(program, withGlobals, action, io);
registerDepsCommand(program, withGlobals, action, io);
registerRetryCommand(program, withGlobals, action, io);

// Watch mode: `tsdbt watch`, `run --watch`, `build --watch`.
{
  const { registerWatchCommands } = await import('./commands/watch-command.js');
  registerWatchCommands(program, { withGlobals, withSelect, addRunFlags, action, runCommand, io });
}

const { registerServeCommand } = await import('./commands/serve-command.js');
registerServeCommand(program, withGlobals, action, io);

async function main(): Promise<void> {
  const debug = process.argv.includes('--debug');
  const projectIdx = process.argv.indexOf('--project-dir');
  const projectDir = projectIdx > 0 ? process.argv[projectIdx + 1]! : process.cwd();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; bad flags exit 2 (commander already printed why).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    io.err(formatError(error, { color: Boolean(process.stderr.isTTY) && !process.argv.includes('--no-color'), debug, projectDir }));
    process.exitCode = isProjectLevelError(error) ? 2 : 1;
    return;
  }
  process.exitCode = exitCode;
}

await main();
