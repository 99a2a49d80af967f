import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * `tsdbt serve` holds an embedded warehouse's data directory (chDB locks it per process) and
 * advertises its HTTP endpoint in a small file next to that directory. Other tsdbt processes
 * opening the same chdb target find the file and talk to the endpoint instead of the lock.
 */
export interface ServeInfo {
  readonly pid: number;
  /** The address to connect to (a wildcard bind is advertised as loopback). */
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** The data directory served. */
  readonly path: string;
  readonly startedAt: string;
}

/** `<parent>/tsdbt-serve-<dir name>.json`: one file per data directory, outside chDB's own tree. */
export function serveInfoPath(dataPath: string): string {
  return join(dirname(dataPath), `tsdbt-serve-${basename(dataPath)}.json`);
}

export function writeServeInfo(info: ServeInfo): void {
  writeFileSync(serveInfoPath(info.path), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

/** Removes the file if it is still ours (a later server may have replaced it). */
export function removeServeInfo(dataPath: string, pid = process.pid): void {
  const info = readServeInfo(dataPath);
  if (info && info.pid !== pid) return;
  rmSync(serveInfoPath(dataPath), { force: true });
}

export function readServeInfo(dataPath: string): ServeInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(serveInfoPath(dataPath), 'utf8')) as ServeInfo;
    if (typeof info.pid !== 'number' || typeof info.port !== 'number' || typeof info.host !== 'string') return undefined;
    return info;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live `tsdbt serve` endpoint of another process holding `dataPath`, if any: the info file
 * exists, its process is alive and answers /ping. A stale file (dead process) is removed.
 */
export async function findServeEndpoint(dataPath: string, timeoutMs = 2000): Promise<ServeInfo | undefined> {
  const info = readServeInfo(dataPath);
  if (!info || info.pid === process.pid) return undefined;
  if (!processAlive(info.pid)) {
    rmSync(serveInfoPath(dataPath), { force: true });
    return undefined;
  }
  try {
    const res = await fetch(`http://${hostForUrl(info.host)}:${info.port}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return res.ok && text.startsWith('Ok.') ? info : undefined;
  } catch {
    return undefined;
  }
}

export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
