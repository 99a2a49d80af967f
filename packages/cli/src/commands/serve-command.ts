import type { Command } from 'commander';
import { NUMERIC_RULES, startServer } from '@tsdbt/core';
import { numericFlag, openProject, untilInterrupted, type GlobalFlags, type Io } from './common.js';
import { serveAccess, withServeAccess, type ServeAccessFlags } from './serve-flags.js';
import { watchCommand } from './watch-command.js';

type ServeFlags = GlobalFlags & ServeAccessFlags & { port?: string; host?: string; watch?: boolean };

/** `tsdbt serve`: the target's embedded warehouse over ClickHouse's HTTP interface, until interrupted. */
export async function serveCommand(flags: ServeFlags, io: Io): Promise<number> {
  const port = numericFlag('--port', flags.port, NUMERIC_RULES.port) ?? 8123;
  // `serve --watch` is `watch --serve`: build what changes and serve the warehouse from one process.
  if (flags.watch) return watchCommand({ ...flags, serve: String(port) }, io, { command: 'build', test: false });
  const project = openProject(flags, io, {}, true);
  const server = await startServer(project, { port, host: flags.host ?? '127.0.0.1', ...serveAccess(flags) });
  const auth = project.target.password ? ` (user '${project.target.user}' with the profile's password)` : '';
  const access = flags.allowWrites ? 'clients may read and write' : 'clients may read (start with --allow-writes to let them write)';
  if (flags.logFormat === 'json') io.out(JSON.stringify({ url: server.url, path: server.path, version: server.version, pid: process.pid }));
  else {
    io.out(`Serving the embedded warehouse ${server.path} (ClickHouse ${server.version}) at ${server.url}${auth}; ${access}.`);
    io.out(`Try: curl '${server.url}/?query=SELECT+1'. Other tsdbt commands on this target use it automatically. Ctrl-C to stop.`);
  }
  await untilInterrupted(() => server.close());
  await project.close();
  return 0;
}

/** Adds `serve` to the program. */
export function registerServeCommand(
  program: Command,
  withGlobals: (cmd: Command) => Command,
  action: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>,
  io: Io,
): void {
  withServeAccess(
    withGlobals(program.command('serve').description("answer ClickHouse's HTTP interface on the target's embedded warehouse (curl, @clickhouse/client, BI tools, other tsdbt commands)"))
      .option('--port <port>', 'port to listen on', '8123')
      .option('--host <host>', 'address to bind (a non-loopback address needs a password in the profile)', '127.0.0.1')
      .option('--watch', 'also rebuild models as their files change (same as tsdbt watch --serve)'),
  ).action(action((flags: ServeFlags) => serveCommand(flags, io)));
}
