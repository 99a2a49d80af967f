import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The built code: the YAML thread runs dist/load/yaml-worker.js (from the TypeScript sources a load parses on the main thread only).
import { loadProject, type LoadOptions } from '../../../packages/core/dist/index.js';
import { yamlPrefetchHooks } from '../../../packages/core/dist/load/yaml-prefetch.js';
import { parsePoolHooks } from '../../../packages/core/dist/load/parse-pool.js';
import { generateProject } from '../../../bench/gen-project.mjs';
import { manifestText } from '../../helpers/manifest-text.js';

/*
 * Schema YAML parsed on a worker thread while the main thread reads and compiles model files ahead
 * (load/yaml-prefetch.ts, loadProject), then model files read by that worker: the same manifest,
 * warnings and first error as a load on one thread.
 */

const dirs: string[] = [];
beforeEach(() => {
  // Every file is the worker's (it answers all of them before the main thread reads any), however small.
  Object.assign(yamlPrefetchHooks, { minBytes: 0, waitForWorker: true, taken: 0, modelsTaken: 0, readAheadAll: false });
});
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-yp-'));
  dirs.push(dir);
  generateProject(300, dir, { jinja: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

const load = (dir: string, options: LoadOptions = {}) => loadProject({ projectDir: dir, partialParse: false, ...options });

describe('schema YAML parsed on a worker thread', () => {
  it('gives the manifest of a load on one thread, dates, numbers and nulls included', () => {
    const dir = project({
      'models/extra.yml': [
        'version: 2',
        'models:',
        '  - name: m_00001',
        '    description: "{{ \'rendered\' ~ \' description\' }}"',
        '    meta: {since: 2024-01-02, at: 2024-01-02T03:04:05Z, big: 1e3, hex: 0x1F, nothing: ~, flag: yes, text: "007", list: [1, 2.5, -0.0]}',
        '    columns:',
        '      - name: id',
        '        tests: [not_null]',
      ].join('\n'),
    });
    const threaded = load(dir);
    expect(yamlPrefetchHooks.taken).toBe(11); // the generator's 10 schema files and extra.yml
    const single = load(dir, { parseThreads: 1 });
    expect(manifestText(threaded)).toBe(manifestText(single));
    expect(threaded.manifest.nodes.get('model.synth.m_00001')!.description).toBe('rendered description');
  });

  it('leaves a key written twice to the main thread: the warning is said once, as on one thread', () => {
    const dir = project({ 'models/twice.yml': 'version: 2\nmodels:\n  - name: m_00003\n    description: first\n    description: second\n' });
    const logs = (threads?: number) => {
      const out: string[] = [];
      const loaded = load(dir, { parseThreads: threads, onLog: (m, level) => level === 'warn' && out.push(m) });
      return { out, loaded };
    };
    const threaded = logs();
    expect(yamlPrefetchHooks.taken).toBe(10);
    const single = logs(1);
    expect(threaded.out).toEqual(single.out);
    expect(threaded.out.filter((m) => m.includes('a key is written twice'))).toHaveLength(1);
    expect(threaded.loaded.manifest.nodes.get('model.synth.m_00003')!.description).toBe('second');
  });

  it('throws the first error in file order: a YAML syntax error before a model compiled ahead with a Jinja syntax error', () => {
    const dir = project({
      'models/layer_0/broken.yml': 'version: 2\nmodels:\n  - name: m_00003\n    description: [unclosed\n',
      'models/layer_0/aaa_broken.sql': 'select {{ broken( }}',
    });
    const error = (threads?: number) => {
      try {
        load(dir, { parseThreads: threads });
      } catch (e) {
        return e as Error & { file?: string; line?: number; code?: string };
      }
      throw new Error('the load did not fail');
    };
    const threaded = error();
    const single = error(1);
    expect([threaded.code, threaded.file, threaded.line, threaded.message]).toEqual([single.code, single.file, single.line, single.message]);
    expect(threaded.file).toBe('models/layer_0/broken.yml');
    // Without the YAML error, the model's syntax error is reported as on one thread (its template was compiled ahead).
    rmSync(join(dir, 'models/layer_0/broken.yml'));
    const jinja = error();
    expect(jinja.file).toBe('models/layer_0/aaa_broken.sql');
    expect([jinja.code, jinja.line, jinja.message]).toEqual([error(1).code, error(1).line, error(1).message]);
  });

  it('reads model files on the worker: the same nodes, raw code with a byte order mark and non-ASCII text included', () => {
    const dir = project({
      'models/layer_0/m_00001.sql': "\uFEFFselect 'héllo ✓' as greeting, {{ var('factor', 1) }} as f\n",
      'models/layer_1/empty_model.sql': '',
    });
    const threaded = load(dir);
    expect(yamlPrefetchHooks.modelsTaken).toBe(301); // every model file (the worker read them all before the main thread began)
    const single = load(dir, { parseThreads: 1 });
    expect(manifestText(threaded)).toBe(manifestText(single));
    const node = threaded.manifest.nodes.get('model.synth.m_00001')!;
    expect(node.rawCode).toBe("select 'héllo ✓' as greeting, {{ var('factor', 1) }} as f\n");
    expect(threaded.manifest.nodes.get('model.synth.m_00200')!.rawCode).toBe(single.manifest.nodes.get('model.synth.m_00200')!.rawCode);
  });

  it('leaves a model file the worker cannot read or decode to the main thread: the same error', () => {
    const dir = project();
    const error = (threads?: number) => {
      try {
        load(dir, { parseThreads: threads });
      } catch (e) {
        return e as Error & { file?: string; line?: number; code?: string };
      }
      throw new Error('the load did not fail');
    };
    writeFileSync(join(dir, 'models/layer_5/latin1.sql'), Buffer.from('select 1 as caf\xe9', 'latin1'));
    const threaded = error();
    expect(yamlPrefetchHooks.modelsTaken).toBeGreaterThan(0);
    expect(threaded.file).toBe('models/layer_5/latin1.sql');
    expect([threaded.code, threaded.line, threaded.message]).toEqual([error(1).code, error(1).line, error(1).message]);
    rmSync(join(dir, 'models/layer_5/latin1.sql'));
    symlinkSync(join(dir, 'nowhere.sql'), join(dir, 'models/layer_7/dangling.sql'));
    const dangling = error();
    expect(dangling.file).toBe('models/layer_7/dangling.sql');
    expect([dangling.code, dangling.message]).toEqual([error(1).code, error(1).message]);
  });

  it('renders model files on the YAML thread when a parse pool would start a worker: none is started, the same manifest', () => {
    // Templates each of their own shape (a parse pool's case), all read ahead, and the pool waiting for its worker.
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-yp-'));
    dirs.push(dir);
    generateProject(400, dir, { jinja: true, varied: true, unique: true });
    Object.assign(yamlPrefetchHooks, { waitForWorker: false, readAheadAll: true });
    Object.assign(parsePoolHooks, { waitForWorkers: true, started: 0, borrowed: 0 });
    try {
      const threaded = load(dir, { parseThreads: 2 });
      expect([parsePoolHooks.started, parsePoolHooks.borrowed]).toEqual([0, 1]);
      expect(threaded.partialParse.workerRendered).toBeGreaterThan(0);
      const single = load(dir, { parseThreads: 1 });
      expect(manifestText(threaded)).toBe(manifestText(single));
    } finally {
      Object.assign(parsePoolHooks, { waitForWorkers: false });
    }
  });
});
