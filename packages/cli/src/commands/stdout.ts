/**
 * A closed stdout (`tsdbt build | head -3`: head exits, writes fail with EPIPE). For listing
 * commands (`tsdbt ls | head`) it is the reader being done: exit 0. A run listening here is stopped
 * like Ctrl-C instead (clean-up, artifacts, exit 2), and prints nothing more to the closed pipe.
 */
let closed = false;
const listeners = new Set<() => void>();

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE' || closed) return;
  closed = true;
  if (listeners.size === 0) process.exit(0);
  for (const listener of listeners) listener();
});

export function stdoutClosed(): boolean {
  return closed;
}

/** Calls `listener` once stdout is closed (instead of exiting). */
export function onStdoutClosed(listener: () => void): void {
  listeners.add(listener);
}
