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

/**
 * Splits a stream of text into JSON messages, one a line. Each chunk is searched for line ends once: a
 * command's output is one message (`ls` of a 10k-node project: ~0.9 MB) that arrives in 64 KB chunks, and
 * searching the text gathered so far from its start at every chunk made the client's reading quadratic.
 */
export function messageReader<T>(onMessage: (message: T) => void): (chunk: string) => void {
  /** The chunks (or their ends) of the line not ended yet. */
  let open: string[] = [];
  return (chunk) => {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      open.push(chunk.slice(from, nl));
      const line = open.length === 1 ? open[0]! : open.join('');
      open = [];
      from = nl + 1;
      if (line) onMessage(JSON.parse(line) as T);
    }
    if (from < chunk.length) open.push(from ? chunk.slice(from) : chunk);
  };
}
