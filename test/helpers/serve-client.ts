import { spawn } from 'node:child_process';
import { connect } from 'node:net';

export interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/** Runs curl with `-i` and splits its answer (a 100 Continue is skipped). */
export function curl(args: string[], input?: Buffer | string): Promise<CurlResult> {
  return new Promise((done, fail) => {
    const child = spawn('curl', ['-s', '-S', '-i', ...args]);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`curl exited ${code}: ${Buffer.concat(err).toString()}`));
      let raw = Buffer.concat(out);
      for (;;) {
        const end = raw.indexOf('\r\n\r\n');
        const head = raw.subarray(0, end).toString('latin1');
        raw = raw.subarray(end + 4);
        if (/^HTTP\/[\d.]+ 100/.test(head)) continue;
        const [statusLine, ...lines] = head.split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
        }
        return done({ status: Number(statusLine!.split(' ')[1]), headers, body: raw, text: raw.toString('utf8') });
      }
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** A child process, awaited: exit code and output. */
export function runProcess(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export interface ServeChild {
  readonly url: string;
  readonly child: import('node:child_process').ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Stops it (SIGTERM) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `tsdbt serve` (or `tsdbt watch --serve`) in a child process (its own process group) and waits for its URL
 * (`--log-format json` prints `{"url": …}`; watch prints "Serving the warehouse at …").
 */
export function spawnServe(cli: string, args: string[], options: { cwd?: string } = {}): Promise<ServeChild> {
  // A process group of its own: a SYSTEM SHUTDOWN that gets through signals the whole group.
  const child = spawn(process.execPath, [cli, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' }, detached: true });
  let text = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const onData = (c: Buffer) => {
      text += c;
      const m = /"url":"([^"]+)"/.exec(text) ?? /Serving the warehouse at (http:\/\/\S+?)[ ,]/.exec(text);
      if (m)
        done({
          url: m[1]!,
          child,
          output: () => text,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            else return child.exitCode;
            return exited;
          },
        });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('close', (code) => fail(new Error(`${args[0]} exited ${code} before serving: ${text}`)));
  });
}

/** Sends raw bytes to 127.0.0.1:`port` and resolves with all that comes back once the socket closes. */
export function rawExchange(port: number, text: string, options: { end: boolean }): Promise<string> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (c) => (reply += c));
    socket.on('close', () => done(reply));
    socket.on('error', () => done(reply));
    if (options.end) socket.end(text);
    else socket.write(text);
  });
}
