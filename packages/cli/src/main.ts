import { CommanderError, type Command } from 'commander';
import { isProjectLevelError, scrubSecrets, secretValues } from '@tsdbt/core';
import { varsOfArgv, type Io } from './commands/common.js';
import { stdoutClosed } from './commands/stdout.js';
import { formatError } from './printer/format-error.js';
import { hoistLeadingFlags } from './global-flags.js';
import { buildProgram } from './program.js';

/** Where a command line's output goes: this process's streams, or a resident process's client (resident/daemon.ts). */
export interface Terminal {
  readonly write: (stream: 'out' | 'err', text: string) => void;
  readonly outIsTty: boolean;
  readonly errIsTty: boolean;
  /** The width of the terminal stdout writes to, if one. */
  readonly columns?: number;
  /** Sends commander's own output (help, usage errors) here too (this process's streams need nothing). */
  readonly configure?: (program: Command) => void;
}

const processTerminal: Terminal = {
  write: (stream, text) => void (stream === 'out' ? process.stdout.write(text) : process.stderr.write(text)),
  get outIsTty() {
    return Boolean(process.stdout.isTTY);
  },
  get errIsTty() {
    return Boolean(process.stderr.isTTY);
  },
  get columns() {
    return process.stdout.columns;
  },
};

/** Runs the command of process.argv; its exit code in process.exitCode. */
export async function runCli(): Promise<void> {
  process.exitCode = await runCommandLine(process.argv, process.env, processTerminal);
}

/** Runs the command line `argv` (node, script, args…) printing to `terminal`; returns its exit code. */
export async function runCommandLine(rawArgv: readonly string[], env: NodeJS.ProcessEnv, terminal: Terminal): Promise<number> {
  // Every line the CLI prints, text or JSON, has DBT_ENV_SECRET_* values (env and --vars) scrubbed, as dbt's logs.
  const secrets = secretValues(env, varsOfArgv(rawArgv));
  const io: Io = {
    // Nothing more once the reader closed the pipe (stdout.ts: a run stops, a listing exits 0).
    out: (line) => void (stdoutClosed() || terminal.write('out', scrubSecrets(line, secrets) + '\n')),
    err: (line) => terminal.write('err', scrubSecrets(line, secrets) + '\n'),
    isTty: terminal.outIsTty,
    columns: terminal.columns,
  };
  // The command on the command line (its first argument, when no flag comes first) is the only one built with all its flags.
  const first = rawArgv[2];
  const only = first !== undefined && !first.startsWith('-') ? first : undefined;
  let built = await buildProgram(io, { only });
  // Not one of tsdbt's commands (`help`, a typo): the whole program, for commander's help and did-you-mean.
  if (only !== undefined && !built.program.commands.some((c) => c.name() === only || c.aliases().includes(only))) built = await buildProgram(io);
  const { program, exitCode } = built;
  terminal.configure?.(program);
  const argv = hoistLeadingFlags([...rawArgv], program);
  const debug = argv.includes('--debug') || argv.includes('-d');
  const projectIdx = argv.indexOf('--project-dir');
  const projectDir = projectIdx > 0 ? argv[projectIdx + 1]! : env.DBT_PROJECT_DIR || process.cwd();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; bad flags exit 2 (commander already printed why).
      return error.exitCode === 0 ? 0 : 2;
    }
    const noColor = argv.includes('--no-color') || argv.includes('--no-use-colors') || Boolean(env.NO_COLOR);
    io.err(formatError(error, { color: terminal.errIsTty && !noColor, debug, projectDir }));
    return isProjectLevelError(error) ? 2 : 1;
  }
  return exitCode();
}
