import { workerData } from 'node:worker_threads';
import { serveJobs, workerRenderer, type JobSession, type WorkerInit } from './parse-jobs.js';

/*
 * A parse pool's own worker thread (load/parse-pool.ts): builds the main thread's Renderer and renders
 * the jobs it claims (parse-jobs.ts). A Renderer that cannot be built leaves every job to the main thread.
 */

export type { WorkerInit, WorkerResult } from './parse-jobs.js';

const { init, ...session } = workerData as JobSession & { init: WorkerInit };
const renderer = workerRenderer(init);
if (renderer) serveJobs(renderer, session);
