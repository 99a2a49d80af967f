import type { TargetConfig } from '../load/profiles.js';
import { servedHere } from './endpoint-registry.js';
import { startServer, type WarehouseServer } from './server.js';

/**
 * While this process holds an embedded warehouse, other tsdbt processes on the same target go
 * through it: it answers ClickHouse's HTTP interface on loopback, on a port of its own choosing,
 * to the process token only (written 0600 next to the data directory). One such endpoint per
 * directory, shared by every project of the process that opened it; none when the process serves
 * the directory already (`tsdbt serve`, `watch --serve`).
 */
const shares = new Map<string, { refs: number; server: Promise<WarehouseServer | undefined> }>();

/** Starts (or joins) the endpoint for `target`'s directory; the returned function leaves it. */
export async function shareWarehouse(target: TargetConfig): Promise<() => Promise<void>> {
  const path = target.path;
  if (target.type !== 'chdb' || !path) return async () => {};
  let entry = shares.get(path);
  if (!entry) {
    // Sharing is a convenience for other commands: a failure to start it must not fail this one.
    const server = servedHere(path) ? Promise.resolve(undefined) : startServer({ target }, { port: 0, host: '127.0.0.1', clients: false }).catch(() => undefined);
    entry = { refs: 0, server };
    shares.set(path, entry);
  }
  entry.refs++;
  await entry.server;
  let left = false;
  const mine = entry;
  return async () => {
    if (left) return;
    left = true;
    if (--mine.refs > 0) return;
    if (shares.get(path) === mine) shares.delete(path);
    await (await mine.server)?.close();
  };
}
