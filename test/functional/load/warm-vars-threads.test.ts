import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
// The built code: worker threads run dist/load/parse-worker.js (from the TypeScript sources a load parses on the main thread only).
import { loadProject } from '../../../packages/core/dist/index.js';
import { parsePoolHooks } from '../../../packages/core/dist/load/parse-pool.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/* A warm start's vars update (load/warm-vars-update.ts) knows what renders done on a worker thread read. */

parsePoolHooks.waitForWorkers = true;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('parsed on two threads: the var reads of a worker\'s renders are recorded too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-wvu-threads-'));
  dirs.push(dir);
  generateProject(600, dir, { jinja: true });
  // The first and the last file in the order files are parsed: the threads claim from both ends.
  writeFileSync(join(dir, 'models', 'aaa_first.sql'), "select {{ var('v_first', 1) }} as v");
  writeFileSync(join(dir, 'models', 'layer_9', 'zzz_last.sql'), "select {{ var('v_last', 1) }} as v");
  expect(loadProject({ projectDir: dir, parseThreads: 2 }).partialParse.workerRendered).toBeGreaterThan(0);
  const vars = { v_first: 2, v_last: 3 };
  const after = loadProject({ projectDir: dir, vars });
  expect(after.partialParse.warmUpdate).toEqual([]);
  expect([...after.partialParse.rendered].sort()).toEqual(['model.synth.aaa_first', 'model.synth.zzz_last']);
  expect(after.manifest.nodes.get('model.synth.zzz_last')!.renderedCode).toBe('select 3 as v');
  const cold = loadProject({ projectDir: dir, vars, partialParse: false });
  expect([...after.manifest.nodes.keys()]).toEqual([...cold.manifest.nodes.keys()]);
});
