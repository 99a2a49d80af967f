import { CommanderError } from 'commander';
import { isProjectLevelError, scrubSecrets, secretValues } from '@tsdbt/core';
import { varsOfArgv, type Io } from './commands/common.js';
import { stdoutClosed } from './commands/stdout.js';
import { formatError } from './printer/format-error.js';
import { hoistLeadingFlags } from './global-flags.js';
import { buildProgram } from './program.js';

// Every line the CLI prints, text or JSON, has DBT_ENV_SECRET_* values (env and --vars) scrubbed, as dbt's logs.
const secrets = secretValues(process.env, varsOfArgv(process.argv));
const io: Io = {
  // Nothing more once the reader closed the pipe (stdout.ts: a run stops, a listing exits 0).
  out: (line) => void (stdoutClosed() || process.stdout.write(scrubSecrets(line, secrets) + '\n')),
  err: (line) => process.stderr.write(scrubSecrets(line, secrets) + '\n'),
  isTty: Boolean(process.stdout.isTTY),
};

/** Runs the command of process.argv; its exit code in process.exitCode. */
export async function runCli(): Promise<void> {
  // The command on the command line (its first argument, when no flag comes first) is the only one built with all its flags.
  const first = process.argv[2];
  const only = first !== undefined && !first.startsWith('-') ? first : undefined;
  let built = await buildProgram(io, { only });
  // Not one of tsdbt's commands (`help`, a typo): the whole program, for commander's help and did-you-mean.
  if (only !== undefined && !built.program.commands.some((c) => c.name() === only || c.aliases().includes(only))) built = await buildProgram(io);
  const { program, exitCode } = built;
  const argv = hoistLeadingFlags(process.argv, program);
  const debug = argv.includes('--debug') || argv.includes('-d');
  const projectIdx = argv.indexOf('--project-dir');
  const projectDir = projectIdx > 0 ? argv[projectIdx + 1]! : process.env.DBT_PROJECT_DIR || process.cwd();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; bad flags exit 2 (commander already printed why).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const noColor = argv.includes('--no-color') || argv.includes('--no-use-colors') || Boolean(process.env.NO_COLOR);
    io.err(formatError(error, { color: Boolean(process.stderr.isTTY) && !noColor, debug, projectDir }));
    process.exitCode = isProjectLevelError(error) ? 2 : 1;
    return;
  }
  process.exitCode = exitCode();
}
