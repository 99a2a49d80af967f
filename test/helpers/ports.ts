import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/*
 * Loopback ports for the servers the suites start (clickhouse-server 18.16, ZooKeeper). Test files run
 * two at a time, so a port chosen here may be taken by the time the server binds it: the server then
 * fails to start (a retry with new ports) — or, worse, another file's server answers on it. So the
 * ports come from below the kernel's ephemeral range (no connect() or listen(0) of any process gets
 * them), and a server counts as started only once the port is bound by its own process (listensOn).
 */

/** Below Linux's default ephemeral range (32768–60999), above the usual fixed service ports. */
const LOW = 20_000;
const HIGH = 32_767;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A loopback port nothing listens on right now, outside the ephemeral range; never one of `avoid`. */
export async function freePort(avoid: ReadonlySet<number> = new Set()): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (!avoid.has(port) && (await bindable(port))) return port;
  }
  throw new Error(`no free loopback port in ${LOW}-${HIGH} after 200 tries`);
}

/** Inodes of the sockets listening on `port` (any address), from /proc/net/tcp{,6}; undefined without /proc. */
function listeningInodes(port: number): Set<string> | undefined {
  const inodes = new Set<string>();
  let read = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    read = true;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] = local address:port (hex), f[3] = state (0A = LISTEN), f[9] = inode
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1]!.split(':')[1]!, 16) === port) inodes.add(f[9]!);
    }
  }
  return read ? inodes : undefined;
}

/**
 * Whether `port` is listened on by process `pid` (its own socket, not another test file's server
 * that took the port). True where /proc cannot tell (not Linux).
 */
export function listensOn(pid: number, port: number): boolean {
  const inodes = listeningInodes(port);
  if (!inodes) return true;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1]!)) return true;
    } catch {}
  }
  return false;
}

/** A server start that failed because another process holds one of its ports: start again on new ports. */
export class PortTakenError extends Error {}

/** Output or log of a server that could not bind its port. */
export const ADDRESS_IN_USE = /Address already in use|EADDRINUSE|BindException/i;
