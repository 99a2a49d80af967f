import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, TsdbtProject, type LoadedProject, type LoadOptions } from '../../../packages/core/src/index.js';
import { WARM_START_FILE } from '../../../packages/core/src/load/warm-load.js';
import { scanMapsMade } from '../../../packages/core/src/load/input-fingerprint.js';
import { tailCellsParsed } from '../../../packages/core/src/manifest/lazy-nodes.js';
import { manifestText } from '../../helpers/manifest-text.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/*
 * A changed input updates the warm start instead of loading the project (load/warm-update.ts):
 * the edited or deleted SQL files' nodes are parsed again over the saved manifest and the change
 * is appended to warm_start.bin. The manifest is the one a cold parse gives, byte for byte, only
 * the changed files' nodes are parsed again, and whatever an update cannot reproduce loads in full.
 */

let p: InlineProject | undefined;
const dirs: string[] = [];
afterEach(() => {
  p?.cleanup();
  p = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Loads (warm start allowed) and checks the manifest and the warnings equal a cold parse's. */
let lastSaid: string[] = [];
function load(dir: string, options: LoadOptions = {}): LoadedProject {
  const said: string[] = [];
  const coldSaid: string[] = [];
  const loaded = loadProject({ projectDir: dir, ...options, onLog: (m) => said.push(m) });
  const cold = loadProject({ projectDir: dir, ...options, partialParse: false, onLog: (m) => coldSaid.push(m) });
  expect(manifestText(loaded)).toBe(manifestText(cold));
  expect(said).toEqual(coldSaid);
  lastSaid = said;
  return loaded;
}

const updated = (l: LoadedProject) => l.partialParse.warmUpdate;
const asSaved = (l: LoadedProject) => l.partialParse.warmStart === true && l.partialParse.warmUpdate === undefined;
const fullLoad = (l: LoadedProject) => l.partialParse.warmStart !== true;

const PROJECT: Record<string, string> = {
  'models/a.sql': "select {{ var('x', 1) }} as v",
  'models/b.sql': "select v from {{ ref('a') }}",
  'models/c.sql': '{{ three() }}',
  'models/d.sql': "select v from {{ ref('b') }} join {{ ref('c') }} using v",
  'models/e.sql': 'select 5 as v',
  'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: v\n        tests: [not_null, unique]\n',
  'macros/three.sql': '{% macro three() %}select 3 as v{% endmacro %}',
  'tests/t.sql': "select * from {{ ref('a') }} where v < 0",
};

describe('warm update: a changed SQL file', () => {
  it('an edited model: only its node and its tests are parsed again; the manifest is a cold parse', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/b.sql': "select v + 1 as v from {{ ref('a') }} where v > 0" });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/b.sql']);
    const rendered = [...after.partialParse.rendered];
    expect(rendered.filter((id) => !id.startsWith('test.'))).toEqual(['model.proj.b']);
    expect(rendered.filter((id) => id.startsWith('test.')).map((id) => (after.manifest.nodes.get(id) as { attachedNode?: string }).attachedNode)).toEqual(['model.proj.b', 'model.proj.b']);
    expect(after.manifest.nodes.get('model.proj.b')!.rawCode).toContain('v + 1');
    // the next command starts from the updated save, unchanged
    const next = load(p.dir);
    expect(asSaved(next)).toBe(true);
    expect(next.manifest.nodes.get('model.proj.b')!.rawCode).toContain('v + 1');
  });

  it('a model whose refs change: new dependencies, the same order of nodes as a cold parse', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/e.sql': "select v from {{ ref('d') }}" });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/e.sql']);
    expect(after.manifest.nodes.get('model.proj.e')!.dependsOn).toEqual(['model.proj.d']);
    const project = TsdbtProject.open({ projectDir: p.dir });
    expect(asSaved(project.loaded)).toBe(true);
    expect(project.graph.generations()).toEqual(TsdbtProject.open({ projectDir: p.dir, partialParse: false }).graph.generations());
  });

  it('several updates in a row are appended to the file, each one read back', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    const size = () => statSync(join(p!.dir, 'target', WARM_START_FILE)).size;
    const before = size();
    for (let i = 0; i < 4; i++) {
      p.write({ 'models/e.sql': `select ${i} as v` });
      expect(updated(load(p.dir))).toEqual(['models/e.sql']);
      expect(asSaved(load(p.dir))).toBe(true);
    }
    expect(size()).toBeGreaterThan(before); // deltas appended, not the whole load written again
    // An update that appends a delta reads the changed files' fingerprints only: neither scan made a map of every input.
    p.write({ 'models/e.sql': 'select 9 as v' });
    const maps = scanMapsMade();
    const warm = loadProject({ projectDir: p.dir });
    expect(updated(warm)).toEqual(['models/e.sql']);
    expect(scanMapsMade() - maps).toBe(0);
    p.write({ 'models/e.sql': 'select 3 as v' });
    expect(updated(load(p.dir))).toEqual(['models/e.sql']);
    expect(loadProject({ projectDir: p.dir }).manifest.nodes.get('model.proj.e')!.rawCode).toBe('select 3 as v');
  });

  it('an edited singular test', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'tests/t.sql': "select * from {{ ref('b') }} where v < 0" });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['tests/t.sql']);
    expect(after.manifest.nodes.get('test.proj.t')!.dependsOn).toEqual(['model.proj.b']);
  });

  it('a deleted model nothing depends on', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.remove('models/e.sql');
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/e.sql']);
    expect(after.manifest.nodes.has('model.proj.e')).toBe(false);
    expect(asSaved(load(p.dir))).toBe(true);
  });

  it('an edit that makes a model empty: the warning a full load gives', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/e.sql': '-- nothing yet\n' });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/e.sql']);
    expect(lastSaid.some((m) => m.includes('models/e.sql holds no SQL'))).toBe(true);
    p.write({ 'models/e.sql': 'select 6 as v' });
    load(p.dir);
    expect(lastSaid).toEqual([]);
  });

  it('on a generated Jinja project: an edited model gives the manifest of a cold parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-wu-gen-'));
    dirs.push(dir);
    generateProject(200, dir, { jinja: true });
    load(dir);
    const file = join(dir, 'models', 'layer_5', 'm_00110.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace("'jinja'", "'jinja', 'edited'"));
    const after = load(dir);
    expect(updated(after)).toEqual(['models/layer_5/m_00110.sql']);
    expect(after.partialParse.rendered.filter((id) => id.startsWith('model.'))).toEqual(['model.synth.m_00110']);
    expect(after.manifest.nodes.get('model.synth.m_00110')!.config.tags).toContain('edited');
  });

  it("an edited model's update reads the saved configs and relations of a few nodes, not every node's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-wu-cells-'));
    dirs.push(dir);
    generateProject(200, dir, { jinja: true });
    load(dir);
    const file = join(dir, 'models', 'layer_5', 'm_00110.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace("'jinja'", "'jinja', 'edited'"));
    const before = tailCellsParsed();
    const warm = loadProject({ projectDir: dir });
    const parsed = tailCellsParsed() - before;
    expect(updated(warm)).toEqual(['models/layer_5/m_00110.sql']);
    // 200 models and their tests: ~500 nodes, two cells each.
    expect(parsed).toBeGreaterThan(0);
    expect(parsed).toBeLessThan(20);
    expect(manifestText(warm)).toBe(manifestText(loadProject({ projectDir: dir, partialParse: false })));
  });

  it('on the Instacart reference project: an edited model gives the manifest of a cold parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-wu-ref-'));
    dirs.push(dir);
    const root = join(import.meta.dirname, '../../..');
    // The project's own files (root-level YAML and its resource folders), not the repository's.
    for (const f of [...readdirSync(root).filter((f) => f.endsWith('.yml')), 'models', 'macros', 'tests', 'seeds', 'snapshots', 'analyses'])
      if (existsSync(join(root, f))) cpSync(join(root, f), join(dir, f), { recursive: true });
    load(dir);
    const model = join(dir, 'models', 'mart', 'g2_v2_fact_orders_star.sql');
    writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- edited\n`);
    const after = load(dir);
    expect(updated(after)).toEqual(['models/mart/g2_v2_fact_orders_star.sql']);
  });
});

describe('warm update: what loads in full instead', () => {
  // [what, change, whether the load after it is saved]
  const cases: [string, (q: InlineProject) => void, boolean?][] = [
    ['a schema YAML file with a new entry (warm-yaml-update.test.ts: edited entries)', (q) => q.write({ 'models/schema.yml': `${PROJECT['models/schema.yml']!}  - name: e\n    description: new\n` })],
    ['a new model file (a full load places its node)', (q) => q.write({ 'models/f.sql': 'select 6 as v' })],
    ['an edited macro', (q) => q.write({ 'macros/three.sql': '{% macro three() %}select 33 as v{% endmacro %}' })],
    ['an edited project.yml', (q) => q.write({ 'project.yml': 'name: proj\nprofile: proj\nmodels:\n  proj:\n    +tags: [t]\n' })],
    ['an edited profiles.yml', (q) => q.write({ 'profiles.yml': readFileSync(join(q.dir, 'profiles.yml'), 'utf8').replace('threads: 4', 'threads: 2') })],
    ['a deleted model others depend on (the full load reports it)', (q) => q.remove('models/c.sql')],
    ['a deleted model with a YAML entry', (q) => (q.remove('models/d.sql'), q.remove('models/b.sql'))],
    ['a model that reads invocation_id', (q) => q.write({ 'models/e.sql': "select '{{ invocation_id }}' as v" }), false],
    ['a model with an unknown config key', (q) => q.write({ 'models/e.sql': "{{ config(my_custom_key=1) }} select 1 as v" })],
    ['a model that turns ephemeral', (q) => q.write({ 'models/c.sql': "{{ config(materialized='ephemeral') }} select 3 as v" })],
    ['an edited seed', (q) => q.write({ 'seeds/s.csv': 'id\n2\n' })],
  ];
  for (const [what, change, saved = true] of cases)
    it(what, () => {
      p = inlineProject({ ...PROJECT, 'seeds/s.csv': 'id\n1\n' });
      load(p.dir);
      change(p);
      let after: LoadedProject | undefined;
      let error: unknown;
      try {
        after = load(p.dir);
      } catch (e) {
        error = e;
      }
      if (error) {
        // the same error as a cold load
        expect(() => loadProject({ projectDir: p!.dir, partialParse: false })).toThrow((error as Error).message);
        return;
      }
      expect(fullLoad(after!)).toBe(true);
      expect(asSaved(load(p.dir))).toBe(saved);
    });

  it('a model given the alias of another (two nodes build one relation): the error of a full load', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/e.sql': "{{ config(alias='a') }} select 5 as v" });
    expect(() => loadProject({ projectDir: p!.dir, partialParse: false })).toThrow(/two resources with the database representation/);
    expect(() => loadProject({ projectDir: p!.dir })).toThrow(/two resources with the database representation/);
    // a free alias: an update (its relation changed, so the update checks every node's)
    p.write({ 'models/e.sql': "{{ config(alias='e_free') }} select 5 as v" });
    expect(updated(load(p.dir))).toEqual(['models/e.sql']);
    expect(load(p.dir).manifest.nodes.get('model.proj.e')!.relation.identifier).toBe('e_free');
  });

  it('a model that references a missing model: the error of a full load', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/e.sql': "select * from {{ ref('nope') }}" });
    expect(() => loadProject({ projectDir: p!.dir })).toThrow(/nope/);
    expect(() => loadProject({ projectDir: p!.dir, partialParse: false })).toThrow(/nope/);
  });
});

describe('warm update: a damaged or foreign delta is never trusted', () => {
  const file = () => join(p!.dir, 'target', WARM_START_FILE);
  const withDelta = () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    const base = readFileSync(file());
    p.write({ 'models/e.sql': 'select 7 as v' });
    expect(updated(load(p.dir))).toEqual(['models/e.sql']);
    const after = readFileSync(file());
    expect(after.length).toBeGreaterThan(base.length);
    return { base, after };
  };
  const damage: [string, (d: { base: Buffer; after: Buffer }) => Buffer][] = [
    ['a torn delta (cut short)', ({ after }) => after.subarray(0, after.length - 20)],
    ['a delta with a damaged byte', ({ after }) => {
      const c = Buffer.from(after);
      c[c.length - 10] = c[c.length - 10]! ^ 0xff;
      return c;
    }],
    ['a delta appended twice', ({ base, after }) => Buffer.concat([after, after.subarray(base.length)])],
    ['garbage after the load', ({ base }) => Buffer.concat([base, Buffer.from('garbage garbage')])],
  ];
  for (const [what, hurt] of damage)
    it(`${what}: the load runs in full and saves a good file`, () => {
      const d = withDelta();
      writeFileSync(file(), hurt(d));
      const again = load(p!.dir);
      expect(fullLoad(again)).toBe(true);
      expect(again.manifest.nodes.get('model.proj.e')!.rawCode).toBe('select 7 as v');
      expect(asSaved(load(p!.dir))).toBe(true);
    });

  it("another save's delta (another base) is not applied", () => {
    const d = withDelta();
    // The project's first save again, with this delta on it, after a full load rewrote the base.
    p!.write({ 'macros/three.sql': '{% macro three() %}select 33 as v{% endmacro %}' });
    expect(fullLoad(load(p!.dir))).toBe(true);
    const rewritten = readFileSync(file());
    writeFileSync(file(), Buffer.concat([rewritten, d.after.subarray(d.base.length)]));
    const again = load(p!.dir);
    expect(fullLoad(again)).toBe(true);
  });
});

describe('warm update: groups and access checked as a full load checks them', () => {
  const GROUPS: Record<string, string> = {
    'models/groups.yml': 'version: 2\ngroups:\n  - name: g1\n    owner: {name: a}\n  - name: g2\n    owner: {name: b}\n',
    'models/p.sql': "{{ config(group='g1', access='protected') }} select 1 as v",
    'models/q.sql': "{{ config(group='g1') }} select v from {{ ref('p') }}",
    'models/r.sql': "select v from {{ ref('p') }}",
    'models/s.sql': 'select 2 as v',
  };
  const PRIVATE = { 'models/p.sql': "{{ config(group='g1', access='private') }} select 1 as v", 'models/r.sql': 'select 1 as v' };
  // [what, the project before (over GROUPS), the edit]
  const cases: [string, Record<string, string>, Record<string, string>][] = [
    ['an edited model that now refs a private model of another group', PRIVATE, { 'models/s.sql': "select v from {{ ref('p') }}" }],
    ['a model made private: an unchanged model of no group refs it', {}, { 'models/p.sql': PRIVATE['models/p.sql'] }],
    ['a model that refs a private one moved to another group', PRIVATE, { 'models/q.sql': "{{ config(group='g2') }} select v from {{ ref('p') }}" }],
  ];
  for (const [what, before, files] of cases)
    it(`${what}: the error of a full load`, () => {
      p = inlineProject({ ...GROUPS, ...before });
      load(p.dir);
      p.write(files);
      let message: string | undefined;
      try {
        loadProject({ projectDir: p.dir, partialParse: false });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/private to the 'g1' group/);
      expect(() => loadProject({ projectDir: p!.dir })).toThrow(message);
    });

  it('an edit that keeps the rules: an update', () => {
    p = inlineProject(GROUPS);
    load(p.dir);
    p.write({ 'models/s.sql': "select v from {{ ref('q') }}" });
    expect(updated(load(p.dir))).toEqual(['models/s.sql']);
  });
});
