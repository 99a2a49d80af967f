import { Option, type Command } from 'commander';
import { NUMERIC_RULES, startServer, watch, type RunEvent, type WarehouseServer, type WatchEvent } from '@tsdbt/core';
import { formatError } from '../printer/format-error.js';
import { numericFlag, parseVars, printerFor, runOptions, selection, type Io, type RunFlags } from './common.js';
import { serveAccess, withServeAccess, type ServeAccessFlags } from './serve-flags.js';

interface WatchFlags extends RunFlags, ServeAccessFlags {
  test?: boolean;
  watch?: boolean;
  initial?: boolean;
  debounce?: string;
  /** Also answer ClickHouse's HTTP interface on the warehouse (`--serve [port]`). */
  serve?: boolean | string;
  host?: string;
}

const short = (id: string) => id.split('.').slice(2).join('.') || id;
const list = (ids: readonly string[], max = 8) => (ids.length > max ? `${ids.slice(0, max).map(short).join(', ')} and ${ids.length - max} more` : ids.map(short).join(', '));

/**
 * `tsdbt watch`, `tsdbt run --watch`, `tsdbt build --watch`: run once, then re-run what changed on
 * every save until Ctrl-C. Errors in files are printed and watching goes on.
 */
export async function watchCommand(flags: WatchFlags, io: Io, mode: { command: 'run' | 'build'; test: boolean }): Promise<number> {
  // Flags are checked before anything starts (a bad --serve port must not leave a watcher running).
  const debounceMs = numericFlag('--debounce', flags.debounce, NUMERIC_RULES.debounce);
  const servePort = flags.serve === undefined || flags.serve === false ? undefined : flags.serve === true ? 8123 : numericFlag('--serve', flags.serve, NUMERIC_RULES.port)!;
  const run = runOptions(flags);
  const vars = parseVars(flags.vars);
  const printer = printerFor(flags, io);
  const color = flags.color !== false && io.isTty;
  const projectDir = flags.projectDir ?? process.cwd();
  const time = () => new Date().toTimeString().slice(0, 8);
  const say = (line: string) => (flags.logFormat === 'json' ? undefined : io.out(`${time()}  ${line}`));
  let ready = false;
  const onEvent = (event: RunEvent | WatchEvent) => {
    if (!event.type.startsWith('watch_')) return printer(event as RunEvent);
    const e = event as WatchEvent;
    if (flags.logFormat === 'json') {
      const { error: _error, ...rest } = e as WatchEvent & { error?: unknown; result?: unknown };
      if (e.type === 'watch_run_finished') io.out(JSON.stringify({ ts: new Date().toISOString(), event: e.type, success: e.result.success, elapsed: e.result.elapsed }));
      else io.out(JSON.stringify({ ts: new Date().toISOString(), event: e.type, ...rest, type: undefined }));
      return;
    }
    switch (e.type) {
      case 'watch_ready':
        ready = true;
        say(`Watching ${e.projectRoot} (${e.paths.join(', ')}) for changes. Press Ctrl-C to stop.`);
        break;
      case 'watch_change':
        say('');
        say(`Change detected: ${e.files.map((f) => `${f.path}${f.kind === 'change' ? '' : f.kind === 'add' ? ' (new)' : ' (deleted)'}`).join(', ')}`);
        break;
      case 'watch_reloaded': {
        const d = e.diff;
        const parts = [
          d.changed.length && `changed: ${list(d.changed)}`,
          d.added.length && `new: ${list(d.added)}`,
          d.removed.length && `removed: ${list(d.removed)}`,
          ...d.renamed.map((r) => `renamed: ${short(r.from)} -> ${short(r.to)}`),
        ].filter(Boolean);
        say(`Re-parsed (${e.mode}${e.fullReason ? `: ${e.fullReason}` : ''}) in ${e.parseMs.toFixed(0)} ms${parts.length ? `; ${parts.join('; ')}` : '; no node changed'}`);
        say(e.rebuild.length ? `Re-running ${e.rebuild.length} node${e.rebuild.length === 1 ? '' : 's'}: ${list(e.rebuild)}` : 'Nothing to re-run.');
        if (!e.rebuild.length) say('Waiting for changes...');
        break;
      }
      case 'watch_run_finished':
        if (ready) say('Waiting for changes...');
        break;
      case 'watch_error':
        io.err(formatError(e.error, { color, debug: Boolean(flags.debug), projectDir }));
        say('Fix the file and save: watching goes on.');
        break;
      case 'watch_stopped':
        say('Stopped watching.');
        break;
    }
  };

  const watcher = await watch({
    projectDir: flags.projectDir,
    profilesDir: flags.profilesDir,
    target: flags.target,
    targetPath: flags.targetPath,
    vars,
    ...(flags.partialParse === false ? { partialParse: false } : {}),
    ...selection(flags),
    test: mode.test,
    command: mode.command,
    initialRun: flags.initial !== false,
    debounceMs,
    ...run,
    onEvent,
  });
  // The same process serves the warehouse it builds: other terminals, curl and BI tools query it
  // while models are edited (chDB lets one process hold the data directory).
  let server: WarehouseServer | undefined;
  if (servePort !== undefined) {
    if (watcher.project) {
      try {
        server = await startServer(watcher.project, { port: servePort, host: flags.host ?? '127.0.0.1', ...serveAccess(flags) });
      } catch (error) {
        await watcher.close();
        throw error;
      }
      say(`Serving the warehouse at ${server.url} (other tsdbt commands on this target use it).`);
    } else say('Not serving: the project did not load (fix the error above and restart with --serve).');
  }
  await new Promise<void>((stopped) => {
    let count = 0;
    const stop = () => {
      // A second Ctrl-C while stopping exits at once.
      if (++count > 1) process.exit(130);
      void Promise.all([watcher.close(), server?.close()]).then(() => stopped(), () => stopped());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/**
 * Registers `tsdbt watch` and `--watch` on `run` and `build`. Called from cli.ts with its helpers, so
 * the flags stay the same as the other commands'.
 */
export function registerWatchCommands(
  program: Command,
  helpers: {
    withGlobals: (cmd: Command) => Command;
    withSelect: (cmd: Command) => Command;
    addRunFlags: (cmd: Command, verb: string) => Command;
    action: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>;
    runCommand: (verb: 'run' | 'build', flags: never, io: Io) => Promise<number>;
    io: Io;
  },
): void {
  const { withGlobals, withSelect, addRunFlags, action, runCommand, io } = helpers;
  const watchOptions = (cmd: Command) =>
    withServeAccess(
      cmd
        .option('--no-initial', 'do not run the selection once before watching')
        .addOption(new Option('--debounce <ms>', 'quiet period that groups a burst of saves').default('50').hideHelp())
        .option('--serve [port]', "also answer ClickHouse's HTTP interface on the warehouse (default port 8123)")
        .option('--host <host>', 'address for --serve (a non-loopback address needs a password in the profile)'),
    );

  watchOptions(
    addRunFlags(withSelect(withGlobals(program.command('watch').description('re-run changed models (and their descendants) on every save'))), 'build'),
  )
    .option('--test', 'also run the tests of what is re-run')
    .action(action((flags: WatchFlags) => watchCommand(flags, io, { command: 'build', test: Boolean(flags.test) })));

  for (const verb of ['run', 'build'] as const) {
    const cmd = program.commands.find((c) => c.name() === verb);
    if (!cmd) continue;
    watchOptions(cmd.option('-w, --watch', 'keep running: re-run what changed on every save'));
    cmd.action(
      action((flags: WatchFlags) =>
        flags.watch ? watchCommand(flags, io, { command: verb, test: verb === 'build' }) : runCommand(verb, flags as never, io),
      ),
    );
  }
}
