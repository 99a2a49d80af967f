import type { Command } from 'commander';

/** The access flags of `tsdbt serve` and `tsdbt watch --serve`. */
export interface ServeAccessFlags {
  allowWrites?: boolean;
  allowOrigin?: string[];
  allowHost?: string[];
}

/** The server options the access flags ask for. */
export function serveAccess(flags: ServeAccessFlags): { allowWrites: boolean; allowOrigins: string[]; allowHosts: string[] } {
  return { allowWrites: flags.allowWrites === true, allowOrigins: flags.allowOrigin ?? [], allowHosts: flags.allowHost ?? [] };
}

/** Adds the access flags of `serve` and `watch --serve` to a command. */
export function withServeAccess(cmd: Command): Command {
  const many = (value: string, previous: string[] = []) => [...previous, value];
  return cmd
    .option('--allow-writes', "let clients with the target's user and password change the warehouse (needs a password; they can then reach the serving process's files and network through ClickHouse table functions)")
    .option('--allow-origin <origin>', 'let web pages of this origin (e.g. http://localhost:3000) use the warehouse; repeatable', many)
    .option('--allow-host <name>', 'answer requests addressed to this host name (besides IP addresses, localhost and this machine); repeatable', many);
}
