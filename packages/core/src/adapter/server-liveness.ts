import { ConnectionError } from '../shared/errors.js';

/** Seconds a server may leave /ping unanswered while statements run before they fail (profile `liveness_timeout`). */
export const DEFAULT_LIVENESS_TIMEOUT = 60;

/** The error of statements given up because the server stopped answering. */
export function unresponsive(where: string, timeoutMs: number): ConnectionError {
  return new ConnectionError('server_unresponsive', `${where} has not answered for ${Math.round(timeoutMs / 1000)} s (no reply to /ping): the server is frozen or unreachable, so its statements were given up`, {
    hint: 'Check the server (is it stopped, overloaded, or the network down?) and run again; `liveness_timeout` in profiles.yml sets how long tsdbt waits.',
  });
}

/**
 * Whether a server still answers, checked while statements run on it: a long statement is fine
 * (it may run for hours without sending a byte), a server that does not answer `/ping` any more
 * (frozen: SIGSTOP, a hung host, a dead link that keeps the socket open) fails every statement in
 * flight with a clear error after `timeoutMs` instead of letting the run wait forever.
 */
export class ServerLiveness {
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastAnswer = 0;
  private controller = new AbortController();

  constructor(
    private readonly pingUrl: string,
    private readonly timeoutMs: number,
    private readonly where: string,
  ) {}

  /** Runs `work` with a signal that also aborts when the server stops answering; that failure is a ConnectionError. */
  async watch<T>(outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.start();
    const own = this.controller.signal;
    try {
      return await work(outer ? AbortSignal.any([outer, own]) : own);
    } catch (error) {
      if (own.aborted && !outer?.aborted) throw own.reason as Error;
      throw error;
    } finally {
      if (--this.inFlight === 0) this.stop();
    }
  }

  private start(): void {
    this.lastAnswer = Date.now();
    const every = Math.max(200, Math.min(5000, this.timeoutMs / 4));
    this.timer = setInterval(() => {
      if (Date.now() - this.lastAnswer > this.timeoutMs) {
        this.controller.abort(unresponsive(this.where, this.timeoutMs));
        this.controller = new AbortController();
        this.lastAnswer = Date.now();
        return;
      }
      fetch(this.pingUrl, { signal: AbortSignal.timeout(every) })
        .then(async (res) => {
          await res.text();
          if (res.ok) this.lastAnswer = Date.now();
        })
        .catch(() => {});
    }, every);
    this.timer.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
