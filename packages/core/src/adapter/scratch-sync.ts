import { Worker } from 'node:worker_threads';

/**
 * Blocking requests to the scratch warehouse, for templates that ask it something while they render
 * (run_query, get_columns_in_relation: nunjucks renders synchronously). A worker thread holds its own
 * connection to the scratch's socket; the caller hands it a request and sleeps on a shared buffer
 * (Atomics.wait) until the worker has written the reply there: ~0.2 ms a request, where a child
 * process per request cost 50 ms and more.
 */
const WORKER_JS = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { state, data, socketPath } = workerData;
const flag = new Int32Array(state);
const bytes = new Uint8Array(data);
const conn = net.connect(socketPath);
let buffer = '';
conn.setEncoding('utf8');
conn.on('data', (chunk) => {
  buffer += chunk;
  const nl = buffer.indexOf('\n');
  if (nl < 0) return;
  const line = buffer.slice(0, nl);
  buffer = buffer.slice(nl + 1);
  const encoded = Buffer.from(line, 'utf8');
  // Too long for the shared buffer: say how long (the caller asks again another way).
  if (encoded.length > bytes.length) flag[1] = -encoded.length;
  else {
    bytes.set(encoded);
    flag[1] = encoded.length;
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
// A broken connection answers every request (and the one waiting) with an error, never silence.
let broken = '';
function fail(message) {
  broken = message;
  const encoded = Buffer.from(JSON.stringify({ id: 0, results: [{ ok: false, message: 'scratch connection: ' + message }] }));
  bytes.set(encoded.subarray(0, bytes.length));
  flag[1] = Math.min(encoded.length, bytes.length);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
conn.on('error', (e) => fail(e.message));
conn.on('close', () => fail('closed'));
parentPort.on('message', (line) => (broken ? fail(broken) : conn.write(line + '\n')));
`;

export interface SyncChannel {
  /** Sends one request line and waits for its reply line; undefined when the reply did not fit (ask another way). */
  request(line: string): string | undefined;
  close(): void;
}

/** A blocking channel to the scratch warehouse's socket (replies up to `capacity` bytes). */
export function openSyncChannel(socketPath: string, capacity = 16 * 1024 * 1024): SyncChannel {
  const state = new SharedArrayBuffer(8);
  const data = new SharedArrayBuffer(capacity);
  const flag = new Int32Array(state);
  const worker = new Worker(WORKER_JS, { eval: true, workerData: { state, data, socketPath } });
  worker.unref();
  return {
    request(line) {
      Atomics.store(flag, 0, 0);
      worker.postMessage(line);
      // The worker's own event loop runs while this thread waits.
      while (Atomics.wait(flag, 0, 0, 60_000) === 'timed-out') {
        /* a statement may take long: keep waiting */
      }
      const length = flag[1]!;
      if (length < 0) return undefined;
      return Buffer.from(new Uint8Array(data, 0, length)).toString('utf8');
    },
    close() {
      void worker.terminate();
    },
  };
}
