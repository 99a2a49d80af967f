import { chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TsdbtProject } from '@tsdbt/core';
import { endStatAhead, restartStatAhead, statAheadUsed } from '@tsdbt/core/stat-ahead';
import { setCommandInterrupts, setProjectOpened } from '../commands/common.js';
import { closeStdout, onStdoutClosed, useStdout, type StdoutState } from '../commands/stdout.js';
import { runCommandLine, type Terminal } from '../main.js';
import { commandOf } from '../warehouse-commands.js';
import { warmStartGuess } from '../warm-guess.js';
import { residentDir, residentFiles, RESIDENT_COMMANDS, WRITING_COMMANDS, type ResidentInfo } from './resident-paths.js';
import { messageReader, type ClientMessage, type CommandRequest, type ResidentMessage } from './resident-protocol.js';

/*
 * The resident process (`tsdbt daemon`): it keeps tsdbt's code loaded and the project's embedded
 * warehouse open, and runs the command lines its clients (resident-client.ts) send, one at a time,
 * through the very code of an in-process command (main.ts runCommandLine) with the client's
 * arguments, working folder and environment: the output and exit code are the same, byte for byte.
 * Each command loads the project as an in-process command does (the warm start re-checks every
 * input, so an edited file is seen), except that an unchanged project's load is the last command's,
 * kept in memory (load/warm-memory.ts: inputs stat'ed, nothing read or decoded again). Commands that may write the warehouse wait their turn; the
 * others, arriving while one runs, are declined and run in the client's own process (as they would
 * beside a `tsdbt serve`). A command whose target is not the warehouse held here is declined too,
 * before it wrote anything.
 */

/** What the log says of the stats another thread took (', 9998 inputs, 24999 compiled files found unchanged by another thread'). */
function aheadNote({ inputs, compiled }: { readonly inputs: number; readonly compiled: number }): string {
  const found = [inputs ? `${inputs} inputs` : '', compiled ? `${compiled} compiled files` : ''].filter(Boolean);
  return found.length ? `, ${found.join(', ')} found unchanged by another thread` : '';
}

/** Thrown from the project check to stop a declined command before it does anything. */
class Declined extends Error {}

interface Pending {
  readonly request: CommandRequest;
  readonly socket: Socket;
  readonly command: string;
}

export interface Resident {
  readonly info: ResidentInfo;
  /** Stops taking commands, stops the running one (as Ctrl-C) and waits for it; removes the socket and info file. */
  close(): Promise<void>;
}

/** How commander decides colours from the environment (its useColor), before asking the terminal. */
function colorByEnv(env: NodeJS.ProcessEnv): boolean | undefined {
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return undefined;
}

/** Replaces this process's environment by `env` (in place: modules holding process.env see it); returns the way back. */
function swapEnvironment(env: Readonly<Record<string, string | undefined>>): () => void {
  const saved = { ...process.env };
  const apply = (next: Readonly<Record<string, string | undefined>>) => {
    for (const key of Object.keys(process.env)) if (!(key in next) || next[key] === undefined) delete process.env[key];
    for (const [key, value] of Object.entries(next)) if (value !== undefined && process.env[key] !== value) process.env[key] = value;
  };
  apply(env);
  return () => apply(saved);
}

/** Writes `text` to `file` atomically, 0600 from creation on. */
function writePrivate(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** The folder of the resident files, made private to this user (refused when it is someone else's or open to others). */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) throw new Error(`${dir} is not a folder of this user`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/**
 * Starts answering on the project's socket. `heldPath`: the embedded warehouse this process holds
 * open (commands on another chdb directory are declined); `version`: cliVersion() of this build.
 */
export async function startResident(options: {
  readonly projectDir: string;
  readonly version: string;
  readonly heldPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** One line per command line received (its command, and its exit code or why it went back to the client): the daemon's own log. */
  readonly log?: (line: string) => void;
}): Promise<Resident> {
  const env = options.env ?? process.env;
  privateDir(residentDir(env));
  const files = residentFiles(options.projectDir, env);
  rmSync(files.socket, { force: true });
  const home = process.cwd();
  const queue: Pending[] = [];
  let running: { readonly command: string; readonly stop: () => void; readonly done: Promise<void> } | undefined;
  let closing = false;

  const note = (command: string | undefined, what: string) => options.log?.(`${new Date().toTimeString().slice(0, 8)}  ${command ?? '(no command)'}: ${what}`);
  const send = (socket: Socket, message: ResidentMessage) => void (socket.writable && socket.write(JSON.stringify(message) + '\n'));

  /** Runs one client's command line here, as runCommandLine in its own process would. */
  const runOne = async ({ request, socket, command }: Pending): Promise<void> => {
    const started = performance.now();
    let detached = false;
    let confirmed = false;
    let declined: string | undefined;
    let interruptsTaken = false;
    /** Whether the command's project was the load kept in memory from an earlier command (load/warm-memory.ts): said in the log. */
    let keptLoad: boolean | undefined;
    const pending: ResidentMessage[] = [];
    const emit = (message: ResidentMessage) => {
      if (detached) return;
      if (confirmed) send(socket, message);
      else pending.push(message);
    };
    /** Ends the client's wait with `code` while the command may still finish here (its output dropped), as a process that exited. */
    const detach = (code: number) => {
      if (detached) return;
      if (!confirmed) for (const m of pending) send(socket, m);
      send(socket, { exit: code });
      detached = true;
      socket.end();
    };
    const controller = new AbortController();
    const stdout: StdoutState = { closed: false, listeners: new Set(), whenUnheard: () => detach(0) };
    socket.removeAllListeners('data');
    socket.on('data', messageReader<ClientMessage>((m) => {
      if ('stdoutClosed' in m) closeStdout(stdout);
      else if ('signal' in m) {
        // Before the command listens for interrupts (loading, listing…), a signal ends a process: the client's wait ends so; the command, if it goes on to run nodes, finds itself stopped.
        if (!interruptsTaken) detach(m.signal === 'SIGINT' ? 130 : 143);
        controller.abort();
      }
    }));
    socket.on('close', () => {
      // The client went away: stop the command as a closed stdout and Ctrl-C would.
      detached = true;
      closeStdout(stdout);
      controller.abort();
    });
    const terminal: Terminal = {
      write: (stream, text) => emit(stream === 'out' ? { out: text } : { err: text }),
      outIsTty: request.outIsTty,
      errIsTty: request.errIsTty,
      columns: request.columns,
      configure: (program: Command) => {
        const config = {
          writeOut: (text: string) => emit({ out: text }),
          writeErr: (text: string) => emit({ err: text }),
          // commander's defaults read as here: the terminal's width, undefined (its default) when not a terminal.
          getOutHelpWidth: () => (request.outIsTty ? request.columns : undefined) as number,
          getErrHelpWidth: () => (request.errIsTty ? request.errColumns : undefined) as number,
          getOutHasColors: () => colorByEnv(process.env) ?? request.outColors,
          getErrHasColors: () => colorByEnv(process.env) ?? request.errColors,
        };
        const walk = (cmd: Command) => {
          cmd.configureOutput(config);
          for (const sub of cmd.commands) walk(sub);
        };
        walk(program);
      },
    };
    setCommandInterrupts(() => {
      interruptsTaken = true;
      onStdoutClosed(() => controller.abort());
      return controller.signal;
    });
    setProjectOpened((project: TsdbtProject) => {
      keptLoad ??= project.loaded.partialParse.warmKept === true;
      if (confirmed) return;
      const target = project.target;
      if (target.type === 'chdb' && (options.heldPath === undefined || resolve(target.path ?? '') !== options.heldPath)) {
        declined = `its target's warehouse (${target.path}) is not the one this process holds`;
        void project.close();
        throw new Declined(declined);
      }
      confirmed = true;
      send(socket, { begun: true });
      for (const m of pending.splice(0)) send(socket, m);
    });
    useStdout(stdout);
    const restoreEnv = swapEnvironment(request.env);
    let code: number;
    /** Inputs and compiled files the command found unchanged by the stats of another thread (load/stat-ahead.ts): said in the log. */
    let statedAhead = { inputs: 0, compiled: 0 };
    try {
      process.chdir(request.cwd);
      // The inputs of the load kept in memory and `compile`'s compiled files stat'ed on another thread while this one loads and selects.
      const guess = warmStartGuess(request.argv, process.env);
      if (guess) restartStatAhead(guess);
      code = await runCommandLine(request.argv, process.env, terminal);
      statedAhead = statAheadUsed() ?? statedAhead;
    } catch (error) {
      // chdir failed (the folder is gone): the client's own process says what it says.
      declined ??= `cannot run there: ${(error as Error).message}`;
      code = 1;
    } finally {
      endStatAhead();
      restoreEnv();
      try {
        process.chdir(home);
      } catch {
        // stays where it is
      }
      useStdout(undefined);
      setCommandInterrupts(undefined);
      setProjectOpened(undefined);
    }
    note(command, declined !== undefined ? `ran in the client's process (${declined})` : `exit ${code} (${((performance.now() - started) / 1000).toFixed(2)}s${keptLoad ? ', the load kept in memory' : ''}${aheadNote(statedAhead)})${detached ? ', the client left before the end' : ''}`);
    if (detached) return;
    if (declined !== undefined) {
      send(socket, { decline: declined });
      socket.end();
      return;
    }
    confirmed = true;
    for (const m of pending.splice(0)) send(socket, m);
    send(socket, { exit: code });
    socket.end();
  };

  const next = () => {
    if (running || closing) return;
    const item = queue.shift();
    if (!item) return;
    const done = runOne(item)
      .catch((error: unknown) => {
        send(item.socket, { err: `tsdbt: the resident process failed: ${(error as Error)?.stack ?? String(error)}\n` });
        send(item.socket, { exit: 1 });
        item.socket.end();
      })
      .finally(() => {
        running = undefined;
        next();
      });
    running = { command: item.command, stop: () => item.socket.emit('data', JSON.stringify({ signal: 'SIGTERM' }) + '\n'), done };
  };

  const accept = (socket: Socket, request: CommandRequest) => {
    const command = commandOf(request.argv);
    const decline = (why: string) => {
      note(command, `ran in the client's process (${why})`);
      send(socket, { decline: why });
      socket.end();
    };
    if (closing) return decline('the resident process is stopping');
    if (request.version !== options.version) return decline('another build of tsdbt');
    if (command === undefined || !RESIDENT_COMMANDS.has(command)) return decline(`\`${command}\` runs in its own process`);
    if (running) {
      if (!WRITING_COMMANDS.has(command)) return decline(`busy with \`${running.command}\``);
      send(socket, { queued: running.command });
    }
    queue.push({ request, socket, command });
    // A client gone while waiting is not run.
    socket.once('close', () => {
      const i = queue.findIndex((p) => p.socket === socket);
      if (i >= 0) queue.splice(i, 1);
    });
    next();
  };

  const server: Server = createServer((socket) => {
    socket.setEncoding('utf8');
    let asked = false;
    socket.on('error', () => undefined);
    socket.on('data', messageReader<CommandRequest | ClientMessage>((m) => {
      if (asked) {
        // A signal while queued: the command is dropped, the client ends as a killed process would.
        if ('signal' in m && queue.some((p) => p.socket === socket)) {
          queue.splice(queue.findIndex((p) => p.socket === socket), 1);
          send(socket, { exit: m.signal === 'SIGINT' ? 130 : 143 });
          socket.end();
        }
        return;
      }
      asked = true;
      accept(socket, m as CommandRequest);
    }));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(files.socket, () => done());
  });
  chmodSync(files.socket, 0o600);
  const info: ResidentInfo = { pid: process.pid, version: options.version, socket: files.socket, projectDir: options.projectDir, startedAt: new Date().toISOString() };
  writePrivate(files.info, JSON.stringify(info, null, 2) + '\n');
  const removeFiles = () => {
    rmSync(files.info, { force: true });
    rmSync(files.socket, { force: true });
  };
  process.once('exit', removeFiles);

  let closed: Promise<void> | undefined;
  return {
    info,
    close() {
      closed ??= (async () => {
        closing = true;
        removeFiles();
        for (const p of queue.splice(0)) {
          send(p.socket, { decline: 'the resident process is stopping' });
          p.socket.end();
        }
        running?.stop();
        await running?.done;
        await new Promise<void>((done) => server.close(() => done()));
      })();
      return closed;
    },
  };
}
