/**
 * A closed stdout (`tsdbt build | head -3`: head exits, writes fail with EPIPE). For listing
 * commands (`tsdbt ls | head`) it is the reader being done: exit 0. A run listening here is stopped
 * like Ctrl-C instead (clean-up, artifacts, exit 2), and prints nothing more to the closed pipe.
 * A resident process (resident/daemon.ts) gives each command it runs the state of its client's stdout.
 */
export interface StdoutState {
  closed: boolean;
  readonly listeners: Set<() => void>;
  /** Closed with no run listening: this process exits 0; a resident process ends the client's command. */
  readonly whenUnheard: () => void;
}

const processStdout: StdoutState = { closed: false, listeners: new Set(), whenUnheard: () => process.exit(0) };
let current = processStdout;

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') closeStdout(processStdout);
});

/** The reader of `state`'s stdout went away. */
export function closeStdout(state: StdoutState): void {
  if (state.closed) return;
  state.closed = true;
  if (state.listeners.size === 0) state.whenUnheard();
  for (const listener of state.listeners) listener();
}

/** Makes `state` the stdout of the command about to run (undefined: this process's own). */
export function useStdout(state: StdoutState | undefined): void {
  current = state ?? processStdout;
}

export function stdoutClosed(): boolean {
  return current.closed;
}

/** Calls `listener` once stdout is closed (instead of exiting). */
export function onStdoutClosed(listener: () => void): void {
  current.listeners.add(listener);
}
