import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError } from '../shared/errors.js';
import { findServeEndpoint, processAlive, type ServeInfo } from './serve-endpoint.js';

/**
 * Who holds an embedded warehouse's data directory. ClickHouse writes the holder's pid into
 * `<path>/status` and keeps that file locked while it runs; the file stays behind when the process
 * ends, so the pid counts only while that process is alive and (where /proc tells) has the file open.
 */
export interface WarehouseHolder {
  readonly pid: number;
  /** Its command line, shortened (`node …/cli.js watch`), or undefined when it cannot be read. */
  readonly command?: string;
}

export function warehouseHolder(dataPath: string): WarehouseHolder | undefined {
  let pid: number;
  try {
    const m = /^PID:\s*(\d+)/m.exec(readFileSync(join(dataPath, 'status'), 'utf8'));
    if (!m) return undefined;
    pid = Number(m[1]);
  } catch {
    return undefined;
  }
  if (pid === process.pid || !processAlive(pid)) return undefined;
  if (holdsFile(pid, join(dataPath, 'status')) === false) return undefined;
  return { pid, command: commandOf(pid) };
}

/** Whether `pid` has `file` open (Linux /proc); undefined when that cannot be told (another user, another OS). */
function holdsFile(pid: number, file: string): boolean | undefined {
  let target: string;
  try {
    target = realpathSync(file);
  } catch {
    return undefined;
  }
  try {
    const dir = `/proc/${pid}/fd`;
    for (const fd of readdirSync(dir)) {
      try {
        if (readlinkSync(join(dir, fd)) === target) return true;
      } catch {
        // the descriptor closed meanwhile
      }
    }
    return false;
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string | undefined {
  try {
    const parts = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (parts.length === 0) return undefined;
    const text = parts.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' ');
    return text.length > 160 ? text.slice(0, 157) + '...' : text;
  } catch {
    return undefined;
  }
}

/** The error for a data directory held by a process that shares nothing (not tsdbt, or its endpoint does not answer). */
export function warehouseLockedError(dataPath: string, holder: WarehouseHolder | undefined, cause?: unknown): ConnectionError {
  const who = holder ? `process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : 'another process';
  return new ConnectionError('warehouse_locked', `The embedded warehouse ${dataPath} is held by ${who}, which does not share it`, {
    hint:
      'chDB lets one process open a data directory. Stop that process, or let tsdbt hold the warehouse: while any tsdbt command ' +
      '(watch, serve, run, build…) holds it, other tsdbt commands on the same target go through that command automatically.',
    cause,
  });
}

/** How long to wait for a holding process's endpoint to appear (it announces it right after opening the directory). */
const HOLDER_WAIT_MS = 5_000;

/**
 * The endpoint of the tsdbt process holding a chdb data directory, or undefined when the directory
 * is free (or held by this process). Throws, naming the holder, when another process holds it and
 * shares nothing.
 */
export async function holdingEndpoint(dataPath: string): Promise<ServeInfo | undefined> {
  const until = Date.now() + HOLDER_WAIT_MS;
  for (;;) {
    const served = await findServeEndpoint(dataPath);
    if (served) return served;
    const holder = warehouseHolder(dataPath);
    if (!holder) return undefined;
    if (Date.now() > until) throw warehouseLockedError(dataPath, holder);
    await new Promise((r) => setTimeout(r, 100));
  }
}
