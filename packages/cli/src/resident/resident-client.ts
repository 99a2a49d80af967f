import { alive, cliVersion, projectDirOf, readResidentInfo, RESIDENT_COMMANDS } from './resident-paths.js';
import { messageReader, type CommandRequest, type ResidentMessage } from './resident-protocol.js';
import { commandOf } from '../warehouse-commands.js';

/*
 * The thin client: cli.ts asks here, before tsdbt's bundle loads, whether the project's resident
 * process (`tsdbt daemon`) runs the command line. It does when one is advertised for the project, alive,
 * of this very build, and accepts; then its output is written here as it comes and its exit code is
 * this process's. Anything else — no resident process, a stale or foreign one, a refused connection,
 * TSDBT_RESIDENT=0, a decline — returns undefined before anything ran: the command runs in this process.
 */

/** The exit code of the command run by the resident process, or undefined to run it here. */
export async function runInResident(argv: readonly string[], bundle: string, env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  if (env.TSDBT_RESIDENT === '0') return undefined;
  try {
    return await throughResident(argv, bundle, env);
  } catch {
    // Anything unexpected before the command was handed over (a working folder deleted meanwhile…): it runs here, as without a resident process.
    return undefined;
  }
}

async function throughResident(argv: readonly string[], bundle: string, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const command = commandOf(argv);
  if (command === undefined || !RESIDENT_COMMANDS.has(command)) return undefined;
  const info = readResidentInfo(projectDirOf(argv, env), env);
  if (!info || !alive(info.pid)) return undefined;
  const version = cliVersion(bundle);
  if (version === undefined || version !== info.version) return undefined;
  const { connect } = await import('node:net');
  const request: CommandRequest = {
    argv,
    cwd: process.cwd(),
    env,
    version,
    outIsTty: Boolean(process.stdout.isTTY),
    errIsTty: Boolean(process.stderr.isTTY),
    columns: process.stdout.columns,
    errColumns: process.stderr.columns,
    outColors: Boolean(process.stdout.isTTY && process.stdout.hasColors?.()),
    errColors: Boolean(process.stderr.isTTY && process.stderr.hasColors?.()),
  };
  return new Promise((done) => {
    const socket = connect(info.socket);
    socket.setEncoding('utf8');
    /** Whether the resident process began the command (it said so, or wrote output): from then on it is never run here too. */
    let begun = false;
    let finished = false;
    let signals = 0;
    const finish = (code: number | undefined) => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      socket.end();
      done(code);
    };
    const send = (message: object) => void (socket.writable && socket.write(JSON.stringify(message) + '\n'));
    // Ctrl-C and SIGTERM go to the command (it stops as it would here: statements cancelled, clean-up, exit 2); a second one ends this client at once, as it ends the process of an in-process command.
    const onSignal = (signal: 'SIGINT' | 'SIGTERM', code: number) => () => {
      if (++signals > 1) process.exit(code);
      send({ signal });
    };
    const onInt = onSignal('SIGINT', 130);
    const onTerm = onSignal('SIGTERM', 143);
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') send({ stdoutClosed: true });
    });
    socket.on('data', messageReader<ResidentMessage>((m) => {
      if ('out' in m) {
        begun = true;
        process.stdout.write(m.out);
      } else if ('err' in m) {
        begun = true;
        process.stderr.write(m.err);
      } else if ('begun' in m) begun = true;
      else if ('queued' in m) {
        if (process.stderr.isTTY) process.stderr.write(`tsdbt: waiting for the resident process (pid ${info.pid}) to finish its \`${m.queued}\` (one command at a time may write the warehouse)\n`);
      } else if ('decline' in m) finish(undefined);
      else if ('exit' in m) finish(m.exit);
    }));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (finished) return;
      // Gone before it began: nothing ran there, the command runs here. Gone after: it may have written, so it is not run again.
      if (!begun) return finish(undefined);
      process.stderr.write(`tsdbt: the resident process (pid ${info.pid}) ended before the command finished; see its output, and run the command again\n`);
      finish(1);
    });
    socket.on('connect', () => send(request));
  });
}
