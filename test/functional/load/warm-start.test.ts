import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, TsdbtProject, type LoadedProject, type LoadOptions } from '../../../packages/core/src/index.js';
import { WARM_START_FILE } from '../../../packages/core/src/load/warm-load.js';
import { manifestText } from '../../helpers/manifest-text.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/*
 * The warm start (target/warm_start.bin): a load whose inputs are all unchanged is not run — its
 * saved result is — and that result is the manifest a cold parse gives, byte for byte. Any change of
 * a file, an option, or an environment variable the load read makes the load run again.
 */

let p: InlineProject | undefined;
const dirs: string[] = [];
afterEach(() => {
  p?.cleanup();
  p = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const isWarm = (loaded: LoadedProject) => loaded.partialParse.warmStart === true;
/** Served as saved: neither loaded nor brought up to date (load/warm-update.ts). */
const asSaved = (loaded: LoadedProject) => isWarm(loaded) && loaded.partialParse.warmUpdate === undefined;

/** Loads (warm start allowed) and checks the manifest equals a cold parse's with the same options. */
function load(dir: string, options: LoadOptions = {}): LoadedProject {
  const loaded = loadProject({ projectDir: dir, ...options });
  const cold = loadProject({ projectDir: dir, ...options, partialParse: false });
  expect(cold.partialParse.mode).toBe('off');
  expect(manifestText(loaded)).toBe(manifestText(cold));
  return loaded;
}

const PROJECT: Record<string, string> = {
  'models/a.sql': "select {{ var('x', 1) }} as v",
  'models/b.sql': "select v from {{ ref('a') }}",
  'models/c.sql': '{{ three() }}',
  'models/d.sql': "select '{{ env_var(\"TSDBT_WS_TEST_E\", \"none\") }}' as v",
  'models/n.sql': "select 1 as v from {{ ref('a').identifier }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: "the a model"\n    columns:\n      - name: v\n        tests: [not_null]\n',
  'macros/three.sql': '{% macro three() %}select 3 as v{% endmacro %}',
  'seeds/s.csv': 'id,name\n1,x\n',
};

describe('warm start: nothing changed', () => {
  it('skips the load and gives the manifest of a cold parse, byte for byte', () => {
    p = inlineProject(PROJECT);
    const first = load(p.dir);
    expect(isWarm(first)).toBe(false);
    statSync(join(p.dir, 'target', WARM_START_FILE));
    const second = load(p.dir);
    expect(isWarm(second)).toBe(true);
    expect(second.partialParse).toMatchObject({ mode: 'warm', rendered: [] });
    expect([...second.manifest.nodes.keys()]).toEqual([...first.manifest.nodes.keys()]);
    expect(second.projectFile.name).toBe('proj');
    expect(second.projectFile.yaml.lineOf(['name'])).toBe(1); // read again when asked for
  });

  it('says the saved warnings again', () => {
    p = inlineProject({ ...PROJECT, 'models/schema.yml': 'version: 2\nmodels:\n  - name: ghost\n    description: no file\n' });
    const warnings = (options: LoadOptions = {}) => {
      const seen: string[] = [];
      const loaded = loadProject({ projectDir: p!.dir, onLog: (m, level) => level === 'warn' && seen.push(m), ...options });
      return { loaded, seen };
    };
    const cold = warnings();
    expect(cold.seen.some((m) => m.includes("'ghost' matches no model file"))).toBe(true);
    const warm = warnings();
    expect(isWarm(warm.loaded)).toBe(true);
    expect(warm.seen).toEqual(cold.seen);
  });

  it('builds the Jinja renderer only when a command renders: compile gives the cold SQL', async () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    const compiled = async (partialParse: boolean) => {
      const project = TsdbtProject.open({ projectDir: p!.dir, partialParse });
      expect(isWarm(project.loaded)).toBe(partialParse);
      const nodes = await project.compile({ write: false });
      return Object.fromEntries(nodes.map((c) => [c.node.name, c.sql]));
    };
    const warm = await compiled(true);
    expect(warm).toEqual(await compiled(false));
    expect(warm.n).toMatch(/^select 1 as v from a$/); // rendered again with final names (needsNames)
  });
});

describe('warm start: every input is checked', () => {
  const changes: [string, (p: InlineProject) => LoadOptions | void][] = [
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
    ['a new selectors.yml', (q) => q.write({ 'selectors.yml': 'selectors:\n  - name: only_a\n    definition: a\n' })],
    ['an edited profiles.yml', (q) => q.write({ 'profiles.yml': readFileSync(join(q.dir, 'profiles.yml'), 'utf8').replace('threads: 4', 'threads: 2') })],
    ['an installed package', (q) => q.write({ 'dbt_packages/pkg_a/dbt_project.yml': "name: pkg_a\nversion: '1.0.0'\n", 'dbt_packages/pkg_a/macros/m.sql': '{% macro m() %}1{% endmacro %}' })],
    ['an env var a model reads', () => ({ env: { ...process.env, TSDBT_WS_TEST_E: 'set' } })],
    ['--vars', () => ({ vars: { x: 2 } })],
    ['--full-refresh', () => ({ fullRefresh: true })],
  ];
  for (const [what, change] of changes)
    it(`loads again after ${what}`, () => {
      p = inlineProject(PROJECT);
      // Files written a moment ago are racy (kept with their hash); so are these, set in the future.
      const future = new Date(Date.now() + 60_000);
      utimesSync(join(p.dir, 'models/b.sql'), future, future);
      loadProject({ projectDir: p.dir });
      expect(isWarm(load(p.dir))).toBe(true);
      const options = change(p) ?? {};
      const after = load(p.dir, options);
      expect(asSaved(after)).toBe(false);
      // …and the load just made (or brought up to date) is the next warm start.
      expect(asSaved(load(p.dir, options))).toBe(true);
    });

  it('an env var nothing reads changes nothing', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    expect(isWarm(load(p.dir, { env: { ...process.env, TSDBT_WS_UNREAD: 'x' } }))).toBe(true);
  });

  it('an edited README in the project folder loads again (every root-level file counts)', () => {
    p = inlineProject({ ...PROJECT, 'README.md': 'hello' });
    loadProject({ projectDir: p.dir });
    p.write({ 'README.md': 'hello again' });
    expect(isWarm(load(p.dir))).toBe(false);
  });
});

describe('warm start: what is never saved or trusted', () => {
  const file = () => join(p!.dir, 'target', WARM_START_FILE);

  it('a load that read invocation_id is not saved', () => {
    p = inlineProject({ ...PROJECT, 'models/f.sql': "select '{{ invocation_id }}' as v" });
    loadProject({ projectDir: p.dir });
    expect(() => statSync(file())).toThrow();
    expect(isWarm(loadProject({ projectDir: p.dir }))).toBe(false);
  });

  it('a load with DBT_ENV_SECRET_* variables is not saved, nor reused', () => {
    p = inlineProject(PROJECT);
    const env = { ...process.env, DBT_ENV_SECRET_WS: 'hunter2-ws-secret' };
    loadProject({ projectDir: p.dir, env });
    expect(() => statSync(file())).toThrow();
    loadProject({ projectDir: p.dir });
    expect(isWarm(loadProject({ projectDir: p.dir, env }))).toBe(false);
  });

  it('--no-partial-parse neither reads nor writes it', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir, partialParse: false });
    expect(() => statSync(file())).toThrow();
    loadProject({ projectDir: p.dir });
    expect(isWarm(loadProject({ projectDir: p.dir, partialParse: false }))).toBe(false);
  });

  /** The file with one byte of its `n`th section (inputs, load, node blobs, node index, update internals) flipped. */
  const damagedSection = (b: Buffer, n: number) => {
    const cut = b.indexOf(10);
    const { sections } = JSON.parse(b.subarray(0, cut).toString('utf8')) as { sections: { bytes: number }[] };
    const at = cut + 1 + sections.slice(0, n).reduce((sum, s) => sum + s.bytes, 0) + Math.floor(sections[n]!.bytes / 2);
    const c = Buffer.from(b);
    c[at] = c[at]! ^ 0xff;
    return c;
  };
  const damage: [string, (bytes: Buffer) => Buffer][] = [
    ['truncated', (b) => b.subarray(0, b.length - 100)],
    ['with a damaged byte in its inputs', (b) => damagedSection(b, 0)],
    ['with a damaged byte in its load', (b) => damagedSection(b, 1)],
    ['with a damaged byte in its node index', (b) => damagedSection(b, 3)],
    ['of another format', (b) => Buffer.from(b.toString('latin1').replace('tsdbt-warm-start/', 'tsdbt-warm-start/0'), 'latin1')],
    ['of another tsdbt build', (b) => Buffer.from(b.toString('latin1').replace(/"tsdbt":"[^"]*"/, '"tsdbt":"0.0.0@0"'), 'latin1')],
    ['not one at all', () => Buffer.from('garbage')],
  ];
  for (const [what, hurt] of damage)
    it(`a file ${what} is ignored: the load runs and saves a good one`, () => {
      p = inlineProject(PROJECT);
      loadProject({ projectDir: p.dir });
      writeFileSync(file(), hurt(readFileSync(file())));
      expect(isWarm(load(p.dir))).toBe(false);
      expect(isWarm(load(p.dir))).toBe(true);
    });

  it('a damaged byte in what only an update reads: a start with nothing changed does not read it, an update ignores the file', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    writeFileSync(file(), damagedSection(readFileSync(file()), 5));
    expect(asSaved(load(p.dir))).toBe(true);
    p.write({ 'models/b.sql': "select v + 1 as v from {{ ref('a') }}" });
    expect(isWarm(load(p.dir))).toBe(false);
    expect(asSaved(load(p.dir))).toBe(true);
  });

  /** The file with one byte of node `id`'s blob flipped (found through the node index's ids and blob lengths). */
  const damagedBlob = (b: Buffer, id: string) => {
    const cut = b.indexOf(10);
    const { sections } = JSON.parse(b.subarray(0, cut).toString('utf8')) as { sections: { bytes: number }[] };
    const start = (n: number) => cut + 1 + sections.slice(0, n).reduce((sum, s) => sum + s.bytes, 0);
    const index = b.subarray(start(3), start(4));
    const { ids, lengths } = JSON.parse(index.subarray(0, index.indexOf(10)).toString('utf8')) as { ids: string[]; lengths: number[] };
    const row = ids.indexOf(id);
    const at = start(2) + lengths.slice(0, row).reduce((sum, l) => sum + l, 0) + Math.floor(lengths[row]! / 2);
    const c = Buffer.from(b);
    c[at] = c[at]! ^ 0xff;
    return c;
  };

  it('a damaged node blob: the command that decodes that node says so and removes the file; the others read their own blob', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    writeFileSync(file(), damagedBlob(readFileSync(file()), 'model.proj.a'));
    const loaded = loadProject({ projectDir: p.dir });
    expect(asSaved(loaded)).toBe(true);
    expect(JSON.parse(JSON.stringify(loaded.manifest.nodes.get('model.proj.b')))).toMatchObject({ name: 'b', rawCode: "select v from {{ ref('a') }}" });
    expect(() => JSON.stringify(loaded.manifest.nodes.get('model.proj.a'))).toThrow(/is damaged/);
    expect(() => statSync(file())).toThrow();
  });

  it('a damaged byte anywhere in the node blobs is found by a command that decodes every node', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    writeFileSync(file(), damagedSection(readFileSync(file()), 2));
    const loaded = loadProject({ projectDir: p.dir });
    expect(() => {
      for (const node of loaded.manifest.nodes.values()) JSON.stringify(node);
    }).toThrow(/is damaged/);
  });
});

describe('warm start: the graph', () => {
  it('a project with a cycle is not saved: every command reports the cycle', () => {
    p = inlineProject({ 'models/a.sql': "select * from {{ ref('b') }}", 'models/b.sql': "select * from {{ ref('a') }}" });
    expect(() => TsdbtProject.open({ projectDir: p!.dir })).toThrow(/cycle/);
    expect(() => statSync(join(p!.dir, 'target', WARM_START_FILE))).toThrow();
    expect(() => TsdbtProject.open({ projectDir: p!.dir })).toThrow(/cycle/);
  });

  it('gives the dependency order of a cold parse (generations saved with it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-ws-gen-'));
    dirs.push(dir);
    generateProject(120, dir, {});
    const cold = TsdbtProject.open({ projectDir: dir, partialParse: false });
    TsdbtProject.open({ projectDir: dir });
    const warm = TsdbtProject.open({ projectDir: dir });
    expect(isWarm(warm.loaded)).toBe(true);
    expect(warm.select()).toEqual(cold.select());
    expect(warm.select({ select: ['m_00050+'] })).toEqual(cold.select({ select: ['m_00050+'] }));
    expect(warm.graph.generations()).toEqual(cold.graph.generations());
    expect(manifestText(warm.loaded)).toBe(manifestText(cold.loaded));
  });

  it('on the Instacart reference project: a warm start, the manifest of a cold parse', () => {
    const target = mkdtempSync(join(tmpdir(), 'tsdbt-ws-ref-'));
    dirs.push(target);
    const root = join(import.meta.dirname, '../../..');
    loadProject({ projectDir: root, targetPath: target });
    expect(isWarm(load(root, { targetPath: target }))).toBe(true);
  });
});
