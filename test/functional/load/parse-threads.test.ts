import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// The built code: worker threads run dist/load/parse-worker.js (run from the TypeScript sources, a
// load parses on the main thread only).
import { loadProject, type LoadedProject, type LoadOptions } from '../../../packages/core/dist/index.js';
import { ProjectGraph } from '../../../packages/core/dist/graph/project-graph.js';
import { writeManifest } from '../../../packages/core/dist/report/artifacts.js';
import { parsePoolHooks } from '../../../packages/core/dist/load/parse-pool.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/*
 * Parsing on worker threads (load/parse-pool.ts): the same manifest, the same first error, logs
 * printed once, as a load on the main thread alone.
 */

// Workers start before the main thread claims a file: they take part however slow their start.
parsePoolHooks.waitForWorkers = true;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function manifestText(loaded: LoadedProject): string {
  const dir = tempDir('tsdbt-pt-manifest-');
  writeManifest(dir, loaded.manifest, new ProjectGraph(loaded.manifest), 'fixed-invocation');
  return readFileSync(join(dir, 'manifest.json'), 'utf8').replace(/"generated_at":"[^"]*"/, '');
}

/** A generated Jinja-heavy project of `n` models, plus `files`. */
function project(n: number, files: Record<string, string> = {}): string {
  const dir = tempDir('tsdbt-pt-');
  generateProject(n, dir, { jinja: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

const load = (dir: string, options: LoadOptions = {}) => loadProject({ projectDir: dir, partialParse: false, ...options });

describe('parsing on worker threads', () => {
  it('gives the manifest of a single-threaded load, with renders done on the worker', () => {
    const dir = project(600);
    const threaded = load(dir, { parseThreads: 2 });
    expect(threaded.partialParse.workerRendered).toBeGreaterThan(0);
    const single = load(dir, { parseThreads: 1 });
    expect(single.partialParse.workerRendered).toBe(0);
    expect(manifestText(threaded)).toBe(manifestText(single));
  });

  it('renders again on the main thread what a worker cannot hand back: logs print once, per-run values are this run\'s', () => {
    const dir = project(600, {
      'models/layer_9/m_00599.sql': "{{ log('hello from the last model', info=True) }}select '{{ invocation_id }}' as v",
      'models/layer_8/m_00500.sql': "{{ config(materialized='view') }}select {{ modules.datetime.date(2024, 1, 2).year }} as y",
    });
    const logs: string[] = [];
    const loaded = load(dir, { parseThreads: 2, invocationId: 'inv-1', onLog: (m) => logs.push(m) });
    expect(loaded.partialParse.workerRendered).toBeGreaterThan(0);
    expect(logs.filter((m) => m === 'hello from the last model')).toHaveLength(1);
    expect(loaded.manifest.nodes.get('model.synth.m_00599')!.renderedCode).toBe("select 'inv-1' as v");
    expect(loaded.manifest.nodes.get('model.synth.m_00500')!.renderedCode).toBe('select 2024 as y');
  });

  it('throws the first error in file order, as a single-threaded load does', () => {
    const dir = project(600, {
      // (a missing var no longer fails a parse: dbt's ParseVar gives None)
      'models/layer_2/m_00150.sql': "select * from {{ source('only_one_argument') }}",
      'models/layer_9/m_00590.sql': 'select {{ broken( }}',
    });
    const error = (threads: number) => {
      try {
        load(dir, { parseThreads: threads });
      } catch (e) {
        return e as Error & { file?: string; code?: string };
      }
      throw new Error('the load did not fail');
    };
    const threaded = error(2);
    const single = error(1);
    expect([threaded.code, threaded.file, threaded.message]).toEqual([single.code, single.file, single.message]);
    expect(threaded.file).toBe('models/layer_2/m_00150.sql');
  });

  it('keeps the renders of worker threads in the parse cache', () => {
    const dir = project(600);
    const first = loadProject({ projectDir: dir, parseThreads: 2 });
    expect(first.partialParse.workerRendered).toBeGreaterThan(0);
    const warm = loadProject({ projectDir: dir, parseThreads: 2 });
    expect(warm.partialParse).toMatchObject({ mode: 'warm', rendered: [], workerRendered: 0 });
    expect(warm.partialParse.reused).toBeGreaterThanOrEqual(600);
    expect(manifestText(warm)).toBe(manifestText(load(dir, { parseThreads: 1 })));
  });
});
