import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { WorkerInit } from './parse-jobs.js';
import { readProjectText } from '../shared/text-file.js';
import { loadYamlData } from '../shared/yaml-schema.js';
import { join } from 'node:path';
import { CLAIM_WORKER, PROGRESS, type PrefetchFile, type PrefetchMail, type PrefetchMessage, type PrefetchModels, type YamlAnswer } from './yaml-prefetch.js';

/*
 * The schema YAML thread of a load (load/yaml-prefetch.ts): reads and parses the files it claims,
 * from the last, until it meets the main thread. A file it cannot hand back as plain data (unreadable,
 * not UTF-8, a syntax error, a key written twice, an unusual value) is answered `{ ok: false }`: the
 * main thread reads and parses it itself, so errors and warnings are the main thread's. Then it reads
 * model files the same way, MODEL_BATCH to a message (one message per file cost about what reading
 * it does); a file it cannot read or decode is answered null. Then, given `init` and when the main
 * thread asks (its model files need Jinja), it builds the main thread's Renderer and renders the jobs of
 * the parse pools that borrow it (parse-jobs.ts), one pool after another, until told to stop.
 */

interface YamlWorkerData {
  readonly files: readonly PrefetchFile[];
  readonly models: PrefetchModels;
  readonly claims: Int32Array;
  readonly modelClaims: Int32Array;
  readonly progress: Int32Array;
  readonly port: MessagePort;
  readonly init?: WorkerInit;
}

const MODEL_BATCH = 32;
const IDLE_MS = 30_000;
const { files, models: folders, claims, modelClaims, progress, port, init } = workerData as YamlWorkerData;
const models = folders.flatMap((f) => f.rels.map((rel) => join(f.dir, rel)));

function post(message: PrefetchMessage, word: number): void {
  port.postMessage(message);
  Atomics.add(progress, word, 1);
  Atomics.notify(progress, word);
}

function done(word: number): void {
  Atomics.store(progress, word, 1);
  Atomics.notify(progress, word);
}

for (let i = files.length - 1; i >= 0; i--) {
  if (Atomics.compareExchange(claims, i, 0, CLAIM_WORKER) !== 0) break; // the main thread has it, and every file before it
  const { path, display } = files[i]!;
  let answer: YamlAnswer;
  try {
    const text = readProjectText(path, display);
    const data = loadYamlData(text, display);
    answer = plainYaml(data) ? { ok: true, text, data } : { ok: false };
  } catch {
    answer = { ok: false };
  }
  post(['yaml', i, answer], PROGRESS.yamlPosted);
}
done(PROGRESS.yamlDone);

for (let i = models.length - 1, met = false; i >= 0 && !met; ) {
  const batch: number[] = [];
  for (; i >= 0 && batch.length < MODEL_BATCH; i--) {
    if (Atomics.compareExchange(modelClaims, i, 0, CLAIM_WORKER) !== 0) {
      met = true; // the main thread reads this one and every one before it
      break;
    }
    batch.push(i);
  }
  if (batch.length === 0) break;
  const texts = batch.map((k) => {
    try {
      return readProjectText(models[k]!, models[k]!); // how it is named matters not: an error is answered null
    } catch {
      return null;
    }
  });
  post(['models', batch, texts], PROGRESS.modelsPosted);
}
done(PROGRESS.modelsDone);
if (init && waitWhile(PROGRESS.boot, 0) === 1) await serveSessions(init);
Atomics.store(progress, PROGRESS.rendererReady, 3); // gone: lend no more
port.close();

/**
 * The value of `progress[word]` once it is not `value`, or 0 when told to stop or left waiting IDLE_MS
 * (a load that failed never says stop). Waits in short slices: a stop never goes unseen.
 */
function waitWhile(word: number, value: number): number {
  for (const until = Date.now() + IDLE_MS; Date.now() < until; ) {
    if (Atomics.load(progress, PROGRESS.stop) === 1) return 0;
    const now = Atomics.load(progress, word);
    if (now !== value) return now;
    Atomics.wait(progress, word, value, 200);
  }
  return 0;
}

async function serveSessions(init: WorkerInit): Promise<void> {
  const { serveJobs, workerRenderer } = await import('./parse-jobs.js');
  const renderer = workerRenderer(init);
  Atomics.store(progress, PROGRESS.rendererReady, renderer ? 1 : 2);
  for (let read = 0; ; ) {
    const m = receiveMessageOnPort(port);
    if (m) {
      read++;
      const { session } = m.message as PrefetchMail;
      if (renderer) serveJobs(renderer, session);
      else session.port.close();
      continue;
    }
    if (waitWhile(PROGRESS.mail, read) === 0) return;
  }
}

/** Data a structured clone gives back equal: plain objects and arrays of scalars, dates and bytes (no `__proto__` key). */
function plainYaml(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function' && typeof v !== 'symbol' && typeof v !== 'bigint';
  if (Object.getPrototypeOf(v) === Date.prototype || Object.getPrototypeOf(v) === Uint8Array.prototype) return true;
  if (Array.isArray(v)) return v.every(plainYaml);
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const key in v) if (key === '__proto__' || !plainYaml((v as Record<string, unknown>)[key])) return false;
  return !Object.hasOwn(v, '__proto__');
}
