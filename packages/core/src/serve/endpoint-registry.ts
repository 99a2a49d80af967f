import { randomBytes } from 'node:crypto';
import { removeServeInfo, writeServeInfo } from '../adapter/serve-endpoint.js';

/**
 * This process's servers per data directory, and the one advertised in the endpoint file (the
 * first still open). One random token per directory and process: every server of this process on
 * that directory accepts it.
 */
interface Announced {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly startedAt: string;
}

const tokens = new Map<string, string>();
const servers = new Map<string, Announced[]>();
let exitHook = false;

export function processToken(dataPath: string): string {
  let token = tokens.get(dataPath);
  if (!token) {
    token = randomBytes(24).toString('base64url');
    tokens.set(dataPath, token);
  }
  return token;
}

/** True when a server of this process serves `dataPath`. */
export function servedHere(dataPath: string): boolean {
  return (servers.get(dataPath)?.length ?? 0) > 0;
}

function write(dataPath: string): void {
  const first = servers.get(dataPath)?.[0];
  if (!first) {
    removeServeInfo(dataPath);
    return;
  }
  writeServeInfo({ pid: process.pid, ...first, path: dataPath, token: processToken(dataPath) });
}

/** Adds a server; the endpoint file names the first one. Returns its withdrawal. */
export function announce(dataPath: string, server: Announced, advertise: boolean): () => void {
  const list = servers.get(dataPath) ?? [];
  servers.set(dataPath, list);
  if (advertise) list.push(server);
  if (advertise && list.length === 1) write(dataPath);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const [path, open] of servers) if (open.length) removeServeInfo(path);
    });
  }
  let withdrawn = !advertise;
  return () => {
    if (withdrawn) return;
    withdrawn = true;
    const i = list.indexOf(server);
    if (i < 0) return;
    list.splice(i, 1);
    if (i === 0) write(dataPath);
  };
}
