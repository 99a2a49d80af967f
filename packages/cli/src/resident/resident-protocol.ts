/*
 * What a client and a resident process say over the resident's Unix socket: one JSON message a line.
 * The client sends its command line first, then at most its signals and the closing of its stdout;
 * the resident answers with the command's output, byte for byte, and its exit code — or declines
 * before the command wrote anything (the client then runs it in its own process).
 */

export interface CommandRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The client's cliVersion(): another build is declined. */
  readonly version: string;
  readonly outIsTty: boolean;
  readonly errIsTty: boolean;
  readonly columns?: number;
  readonly errColumns?: number;
  readonly outColors: boolean;
  readonly errColors: boolean;
}

export type ClientMessage = { readonly signal: 'SIGINT' | 'SIGTERM' } | { readonly stdoutClosed: true };

export type ResidentMessage =
  | { readonly out: string }
  | { readonly err: string }
  /** The command waits for the one running (a command that may write the warehouse). */
  | { readonly queued: string }
  /** The command passed the resident's checks and runs there (it may write from now on). */
  | { readonly begun: true }
  | { readonly decline: string }
  | { readonly exit: number };

/** Splits a stream of text into JSON messages, one a line. */
export function messageReader<T>(onMessage: (message: T) => void): (chunk: string) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line) onMessage(JSON.parse(line) as T);
    }
  };
}
