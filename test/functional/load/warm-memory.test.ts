import { readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keepWarmStarts, loadProject, type LoadedProject, type LoadOptions } from '../../../packages/core/src/index.js';
// A count for tests only, not part of the public API (same module instance as the index's).
import { keptWarmStartHits, keptWarmStartUpdates } from '../../../packages/core/src/load/warm-memory.js';
import { WARM_START_FILE } from '../../../packages/core/src/load/warm-load.js';
import { manifestText } from '../../helpers/manifest-text.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * Warm starts kept in memory between commands (load/warm-memory.ts: the resident process turns it on).
 * The next load with nothing changed is the kept one — not read from target/warm_start.bin again —
 * and anything a load from the file would see (an edited, new or deleted file, the racy rule, an
 * environment variable or --vars the load read, other options, the file replaced) is seen: the kept
 * load is not used and the result is a cold parse's, byte for byte. No timing involved: the hits are counted.
 */

let p: InlineProject | undefined;
beforeAll(() => keepWarmStarts(true));
afterAll(() => keepWarmStarts(false));
afterEach(() => {
  p?.cleanup();
  p = undefined;
});

/** Loads (warm start allowed) and checks the manifest equals a cold parse's with the same options; whether it came from memory. */
function load(dir: string, options: LoadOptions = {}): { loaded: LoadedProject; fromMemory: boolean } {
  const hits = keptWarmStartHits();
  const loaded = loadProject({ projectDir: dir, ...options });
  const fromMemory = keptWarmStartHits() > hits;
  const cold = loadProject({ projectDir: dir, ...options, partialParse: false });
  expect(manifestText(loaded)).toBe(manifestText(cold));
  return { loaded, fromMemory };
}

const PROJECT: Record<string, string> = {
  'models/a.sql': "select {{ var('x', 1) }} as v",
  'models/b.sql': "select v from {{ ref('a') }}",
  'models/c.sql': '{{ three() }}',
  'models/d.sql': "select '{{ env_var(\"TSDBT_WM_TEST_E\", \"none\") }}' as v",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: "the a model"\n    columns:\n      - name: v\n        tests: [not_null]\n',
  'macros/three.sql': '{% macro three() %}select 3 as v{% endmacro %}',
  'seeds/s.csv': 'id,name\n1,x\n',
};

describe('warm start kept in memory', () => {
  it('a load with nothing changed is the kept one: the same manifest, nothing read again', () => {
    p = inlineProject(PROJECT);
    keepWarmStarts(false);
    try {
      expect(load(p.dir).fromMemory).toBe(false); // cold, in another process as it were: saves the warm start
    } finally {
      keepWarmStarts(true);
    }
    const read = load(p.dir); // read from the file, kept
    expect(read.fromMemory).toBe(false);
    expect(read.loaded.partialParse.warmStart).toBe(true);
    const kept = load(p.dir);
    expect(kept.fromMemory).toBe(true);
    expect(kept.loaded.manifest).toBe(read.loaded.manifest);
    expect(kept.loaded.partialParse).toMatchObject({ mode: 'warm', warmStart: true, rendered: [] });
    expect(kept.loaded.warmIdentity).toBe(read.loaded.warmIdentity);
    expect(load(p.dir).fromMemory).toBe(true);
  });

  it('a load made in full is kept as saved: the next command is served from memory, its manifest a cold parse\'s', () => {
    p = inlineProject(PROJECT);
    const cold = load(p.dir);
    expect([cold.fromMemory, cold.loaded.partialParse.warmStart]).toEqual([false, undefined]);
    const next = load(p.dir);
    expect([next.fromMemory, next.loaded.partialParse.warmKept]).toEqual([true, true]);
    expect(next.loaded.warmIdentity).toBeDefined();
  });

  it('is not kept when keeping is off (a command in its own process)', () => {
    p = inlineProject(PROJECT);
    keepWarmStarts(false);
    try {
      load(p.dir);
      load(p.dir);
      expect(load(p.dir).fromMemory).toBe(false);
    } finally {
      keepWarmStarts(true);
    }
  });

  const changes: [string, (q: InlineProject) => LoadOptions | void][] = [
    ['an edited model file', (q) => q.write({ 'models/b.sql': "select v + 1 as v from {{ ref('a') }}" })],
    ['an edited model file of the same size and time', (q) => {
      // git's "racy" rule: the first load saw the file modified in its own clock tick, so it kept its text's hash
      const path = join(q.dir, 'models/b.sql');
      const { mtime } = statSync(path);
      writeFileSync(path, readFileSync(path, 'utf8').replace('select v', 'SELECT v'));
      utimesSync(path, mtime, mtime);
    }],
    ['an edited YAML file', (q) => q.write({ 'models/schema.yml': PROJECT['models/schema.yml']!.replace('the a model', 'the A model') })],
    ['a new model file', (q) => q.write({ 'models/e.sql': 'select 5 as v' })],
    ['a deleted model file', (q) => q.remove('models/c.sql')],
    ['a new file in a new sub-folder', (q) => q.write({ 'models/sub/e.sql': 'select 5 as v' })],
    ['an edited macro', (q) => q.write({ 'macros/three.sql': '{% macro three() %}select 33 as v{% endmacro %}' })],
    ['an edited seed', (q) => q.write({ 'seeds/s.csv': 'id,name,extra\n1,x,2\n' })],
    ['an edited project.yml', (q) => q.write({ 'project.yml': 'name: proj\nprofile: proj\nmodels:\n  proj:\n    +tags: [t]\n' })],
    ['an edited profiles.yml', (q) => q.write({ 'profiles.yml': readFileSync(join(q.dir, 'profiles.yml'), 'utf8').replace('threads: 4', 'threads: 2') })],
    ['an installed package', (q) => q.write({ 'dbt_packages/pkg_a/dbt_project.yml': "name: pkg_a\nversion: '1.0.0'\n", 'dbt_packages/pkg_a/macros/m.sql': '{% macro m() %}1{% endmacro %}' })],
    ['an env var a model reads', () => ({ env: { ...process.env, TSDBT_WM_TEST_E: 'set' } })],
    ['--vars', () => ({ vars: { x: 2 } })],
    ['--full-refresh', () => ({ fullRefresh: true })],
    ['the warm-start file replaced by another process', (q) => {
      // As a command in its own process (TSDBT_RESIDENT=0) saves one: written beside it and renamed over it — here, the same bytes.
      const file = join(q.dir, 'target', WARM_START_FILE);
      writeFileSync(`${file}.new`, readFileSync(file));
      renameSync(`${file}.new`, file);
    }],
    ['the warm-start file removed', (q) => q.remove(`target/${WARM_START_FILE}`)],
  ];
  for (const [what, change] of changes)
    it(`is not used after ${what}`, () => {
      p = inlineProject(PROJECT);
      // Files written a moment ago are racy (kept with their hash); so are these, set in the future.
      const future = new Date(Date.now() + 60_000);
      utimesSync(join(p.dir, 'models/b.sql'), future, future);
      load(p.dir);
      load(p.dir);
      expect(load(p.dir).fromMemory).toBe(true);
      const options = change(p) ?? {};
      expect(load(p.dir, options).fromMemory).toBe(false);
      // The load just made (in full, or brought up to date) is kept in its place: the next one with the same options is served from memory.
      expect(load(p.dir, options).fromMemory).toBe(true);
      expect(load(p.dir, options).fromMemory).toBe(true);
    });
});

describe('an edit applied to the kept warm start', () => {
  /** Loads as load() does; whether the update started from the kept load (not the file's), and which files it parsed again. */
  function edited(dir: string, options: LoadOptions = {}): { loaded: LoadedProject; fromKept: boolean } {
    const before = keptWarmStartUpdates();
    const { loaded } = load(dir, options);
    return { loaded, fromKept: keptWarmStartUpdates() > before };
  }

  const edits: [string, (q: InlineProject, round: number) => LoadOptions | void, string[]][] = [
    ['an edited model file', (q, r) => q.write({ 'models/b.sql': `select v + ${r} as v from {{ ref('a') }}` }), ['models/b.sql']],
    ['an edited YAML entry', (q, r) => q.write({ 'models/schema.yml': PROJECT['models/schema.yml']!.replace('the a model', `the a model, ${r}`) }), ['models/schema.yml']],
    ['--vars', (_q, r) => ({ vars: { x: r + 2 } }), []],
  ];
  for (const [what, edit, files] of edits)
    it(`${what}: the update starts from the kept load, edit after edit; the result is a cold parse's, earlier loads stay as they were`, () => {
      p = inlineProject(PROJECT);
      const future = new Date(Date.now() + 60_000);
      utimesSync(join(p.dir, 'models/b.sql'), future, future);
      load(p.dir);
      expect(load(p.dir).fromMemory).toBe(true);
      let previous = load(p.dir).loaded;
      for (let round = 1; round <= 3; round++) {
        const text = manifestText(previous);
        const options = edit(p, round) ?? {};
        const next = edited(p.dir, options); // its manifest checked against a cold parse's
        expect(next.fromKept).toBe(true);
        expect(next.loaded.partialParse.warmUpdate).toEqual(files);
        // The kept load was the base, never changed: what an earlier command holds is as it was.
        expect(manifestText(previous)).toBe(text);
        // The updated load is kept in turn.
        expect(load(p.dir, options).fromMemory).toBe(true);
        previous = next.loaded;
      }
    });

  it('a new file, a changed environment variable: read from the file as without memory', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    expect(load(p.dir).fromMemory).toBe(true);
    p.write({ 'models/e.sql': 'select 5 as v' });
    expect(edited(p.dir).fromKept).toBe(false);
    expect(load(p.dir).fromMemory).toBe(true);
    expect(edited(p.dir, { env: { ...process.env, TSDBT_WM_TEST_E: 'set' } }).fromKept).toBe(false);
  });
});
