import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A tsdbt process that holds an embedded warehouse's data directory (chDB locks it per process)
 * answers ClickHouse's HTTP interface on it and advertises that endpoint in a small file next to
 * the directory. Other tsdbt processes opening the same chdb target find the file and talk to the
 * endpoint instead of failing on the lock. The file holds a random per-process token, the only
 * credential that endpoint accepts from tsdbt processes: it is written 0600 and read only when
 * this user owns it, so another local user cannot use the endpoint or plant one.
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
  /** The holding process's credential (password of any user on its endpoint). */
  readonly token: string;
}

/** `<parent>/tsdbt-serve-<dir name>.json`: one file per data directory, outside chDB's own tree. */
export function serveInfoPath(dataPath: string): string {
  return join(dirname(dataPath), `tsdbt-serve-${basename(dataPath)}.json`);
}

/** Writes the file atomically, mode 0600 from creation on (a rename replaces whatever was there, symlinks included). */
export function writeServeInfo(info: ServeInfo): void {
  const target = serveInfoPath(info.path);
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(info, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Removes the file if it is still ours (a later server may have replaced it). */
export function removeServeInfo(dataPath: string, pid = process.pid): void {
  const info = readServeInfo(dataPath);
  if (info && info.pid !== pid) return;
  rmSync(serveInfoPath(dataPath), { force: true });
}

/**
 * The endpoint file, if it is a regular file of this user that nobody else can read or write
 * (anything else could be a planted endpoint that would receive our statements).
 */
export function readServeInfo(dataPath: string): ServeInfo | undefined {
  const file = serveInfoPath(dataPath);
  try {
    const st = lstatSync(file);
    if (!st.isFile() || (st.mode & 0o077) !== 0) return undefined;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    const info = JSON.parse(readFileSync(file, 'utf8')) as ServeInfo;
    if (typeof info.pid !== 'number' || typeof info.port !== 'number' || typeof info.host !== 'string' || typeof info.token !== 'string') return undefined;
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
 * The live endpoint of another process holding `dataPath`, if any: the info file exists, its
 * process is alive and answers /ping. A stale file (dead process) is removed.
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

/** Data directories this process served to a request that may write (another tsdbt process, a writing client). */
const writers = new Set<string>();

/** Records that a request that may write reached this process's endpoint on `dataPath`. */
export function noteWriterFrom(dataPath: string): void {
  writers.add(dataPath);
}

/** True once another process may have written to `dataPath` through this process (its temporaries may be alive). */
export function writtenByOthers(dataPath: string): boolean {
  return writers.has(dataPath);
}

export function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
