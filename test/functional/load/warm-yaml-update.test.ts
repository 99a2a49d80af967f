import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, type LoadedProject, type LoadOptions } from '../../../packages/core/src/index.js';
import { loadComparedWithCold } from '../../helpers/manifest-text.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { generateProject } from '../../../bench/gen-project.mjs';
import { canonicalText } from '../../../packages/core/src/load/warm-yaml-update.js';

/*
 * An edited schema YAML file updates the warm start entry by entry (load/warm-yaml-update.ts): when
 * the file holds plain model entries, with the same names before and after, only the models whose
 * entry changed are parsed again, with their tests. The manifest (and the order of its nodes) and
 * the warnings are a cold parse's; anything else a YAML edit can do loads in full.
 */

let p: InlineProject | undefined;
const dirs: string[] = [];
afterEach(() => {
  p?.cleanup();
  p = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Loads (warm start allowed) and checks manifest, node order and warnings against a cold parse. */
const load = (dir: string, options: LoadOptions = {}): LoadedProject => loadComparedWithCold(dir, options).loaded;

const updated = (l: LoadedProject) => l.partialParse.warmUpdate;
const asSaved = (l: LoadedProject) => l.partialParse.warmStart === true && l.partialParse.warmUpdate === undefined;
const fullLoad = (l: LoadedProject) => l.partialParse.warmStart !== true;
const renderedModels = (l: LoadedProject) => l.partialParse.rendered.filter((id) => id.startsWith('model.'));

const SCHEMA = `version: 2
models:
  - name: a
    description: the a model
    columns:
      - name: v
        tests: [not_null]
  - name: b
    description: the b model
    columns:
      - name: v
        tests:
          - not_null
          - unique
          - accepted_values:
              values: [1, 2]
  - name: c
    description: the c model
`;

const PROJECT: Record<string, string> = {
  'models/a.sql': "select {{ var('x', 1) }} as v",
  'models/b.sql': "select v from {{ ref('a') }}",
  'models/c.sql': "select v from {{ ref('b') }}",
  'models/schema.yml': SCHEMA,
  'models/other.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n',
};

describe('warm update: an edited schema YAML file, entry by entry', () => {
  it("an entry's description: the saved model with the new description, nothing parsed again; the manifest is a cold parse", () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/schema.yml': SCHEMA.replace('the b model', 'the B model, edited') });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/schema.yml']);
    expect(after.partialParse.rendered).toEqual([]);
    expect(after.manifest.nodes.get('model.proj.b')!.description).toBe('the B model, edited');
    const next = load(p.dir);
    expect(asSaved(next)).toBe(true);
    expect(next.manifest.nodes.get('model.proj.b')!.description).toBe('the B model, edited');
  });

  it("descriptions only (model's and columns'): not parsed again; anything more, or Jinja in a description, parses the model", () => {
    const DOCS = 'version: 2\nmodels:\n  - name: a\n    description: the a model\n    columns:\n      - name: v\n        description: the v column\n        tests: [not_null]\n  - name: b\n    description: the b model\n  - name: c\n    description: the c model\n';
    p = inlineProject({ ...PROJECT, 'models/schema.yml': DOCS });
    load(p.dir);
    const s2 = DOCS.replace('the v column', '"the \u00e9 column: v"').replace('the b model', 'the B model');
    p.write({ 'models/schema.yml': s2 });
    const edited = load(p.dir);
    expect(updated(edited)).toEqual(['models/schema.yml']);
    expect(edited.partialParse.rendered).toEqual([]);
    expect(Object.values(edited.manifest.nodes.get('model.proj.a')!.columns)[0]!.description).toBe('the \u00e9 column: v');
    expect(edited.manifest.nodes.get('model.proj.b')!.description).toBe('the B model');
    // a description and a tag together: parsed
    const s3 = s2.replace('    description: the c model\n', '    description: the c model!\n    config:\n      tags: [t]\n');
    p.write({ 'models/schema.yml': s3 });
    expect(renderedModels(load(p.dir))).toEqual(['model.proj.c']);
    // a description with Jinja is rendered: a full load (as before)
    const s4 = s3.replace('the B model', `"{{ 'the' }} B model"`);
    p.write({ 'models/schema.yml': s4 });
    expect(fullLoad(load(p.dir))).toBe(true);
    // the saved node's description was rendered from the entry's Jinja, so it does not show the entry: b is parsed
    p.write({ 'models/schema.yml': s4.replace(`"{{ 'the' }} B model"`, 'the b model again') });
    expect(renderedModels(load(p.dir))).toEqual(['model.proj.b']);
    p.write({ 'models/schema.yml': s4.replace(`"{{ 'the' }} B model"`, 'the b model, once more') });
    expect(load(p.dir).partialParse.rendered).toEqual([]);
    // a description over two lines moves the test below it (its line is part of the entry): parsed
    p.write({ 'models/schema.yml': s4.replace(`"{{ 'the' }} B model"`, 'the b model, once more').replace('    description: the a model\n', '    description: >\n      the a model,\n      folded\n') });
    expect(renderedModels(load(p.dir))).toContain('model.proj.a');
  });

  it("an entry's config, columns and a test removed", () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    const edited = SCHEMA.replace('    description: the a model\n', '    description: the a model\n    config:\n      tags: [nightly]\n      materialized: table\n')
      .replace('          - unique\n', '')
      .replace('  - name: c\n    description: the c model\n', '  - name: c\n    description: the c model\n    columns:\n      - name: v\n        description: "{{ \'plain\' }} text is not a doc"\n');
    p.write({ 'models/schema.yml': edited });
    const after = load(p.dir);
    // c's column description has Jinja: rendered descriptions load in full; without it, an update.
    expect(fullLoad(after)).toBe(true);
    const plain = edited.replace(`"{{ 'plain' }} text is not a doc"`, 'plain text');
    p.write({ 'models/schema.yml': plain });
    const again = load(p.dir);
    expect(updated(again)).toEqual(['models/schema.yml']);
    expect(renderedModels(again)).toEqual(['model.proj.c']);
    p.write({ 'models/schema.yml': plain.replace('tags: [nightly]', 'tags: [nightly, hourly]') });
    const third = load(p.dir);
    expect(updated(third)).toEqual(['models/schema.yml']);
    expect(renderedModels(third)).toEqual(['model.proj.a']);
    expect(third.manifest.nodes.get('model.proj.a')!.config.tags).toEqual(['nightly', 'hourly']);
    expect(third.manifest.nodes.get('model.proj.a')!.config.materialized).toBe('table');
    expect(third.manifest.nodes.has('test.proj.unique_b_v')).toBe(false);
  });

  it('a test removed from an entry: the update drops it', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/schema.yml': SCHEMA.replace('          - unique\n', '') });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/schema.yml']);
    expect(after.manifest.nodes.has('test.proj.unique_b_v')).toBe(false);
    expect(asSaved(load(p.dir))).toBe(true);
  });

  it('an entry edited, then its model file: the later update reads the entry the first one saved', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/schema.yml': SCHEMA.replace('the b model', 'first edit') });
    expect(updated(load(p.dir))).toEqual(['models/schema.yml']);
    p.write({ 'models/b.sql': "select v + 1 as v from {{ ref('a') }}" });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/b.sql']);
    expect(after.manifest.nodes.get('model.proj.b')!.description).toBe('first edit');
  });

  it('many entry edits in a row: past the deltas kept, the whole load (and its entries) is written again', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    for (let i = 0; i < 34; i++) {
      p.write({ 'models/schema.yml': SCHEMA.replace('the b model', `edit ${i}`) });
      expect(updated(loadProject({ projectDir: p.dir }))).toEqual(['models/schema.yml']);
    }
    p.write({ 'models/b.sql': "select v + 2 as v from {{ ref('a') }}" });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/b.sql']);
    expect(after.manifest.nodes.get('model.proj.b')!.description).toBe('edit 33');
  });

  it('a file that also holds sources, seeds and exposures: its model entries are compared, the rest must be the same', () => {
    const MIXED = `version: 2
sources:
  - name: raw_m
    tables:
      - name: events
        columns:
          - name: id
            tests: [not_null]
models:
  - name: c
    description: the c model
    columns:
      - name: v
        tests: [not_null]
seeds:
  - name: s
    description: a seed
exposures:
  - name: dash
    type: dashboard
    owner: {name: x}
    depends_on: ["ref('c')"]
`;
    p = inlineProject({ ...PROJECT, 'models/schema.yml': SCHEMA.replace('  - name: c\n    description: the c model\n', ''), 'models/mixed.yml': MIXED, 'seeds/s.csv': 'id\n1\n' });
    load(p.dir);
    p.write({ 'models/mixed.yml': MIXED.replace('the c model', 'the C model') });
    const after = load(p.dir);
    expect(updated(after)).toEqual(['models/mixed.yml']);
    expect(renderedModels(after)).toEqual([]); // its description only
    // the rest of the file edited: a full load
    p.write({ 'models/mixed.yml': MIXED.replace('description: a seed', 'description: the seed') });
    expect(fullLoad(load(p.dir))).toBe(true);
  });

  it('a model and its entry edited together', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/schema.yml': SCHEMA.replace('the c model', 'the C model'), 'models/c.sql': "select v * 2 as v from {{ ref('b') }}" });
    const after = load(p.dir);
    expect([...updated(after)!].sort()).toEqual(['models/c.sql', 'models/schema.yml']);
    expect(renderedModels(after)).toEqual(['model.proj.c']);
  });

  it('on a generated Jinja project: the benchmark\'s edit (one description) gives the manifest of a cold parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-wyu-gen-'));
    dirs.push(dir);
    generateProject(200, dir, { jinja: true });
    load(dir);
    const file = join(dir, 'models', 'layer_5', 'schema.yml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('description: "Synthetic', 'description: "Edit 0 of synthetic'));
    const after = load(dir);
    expect(updated(after)).toEqual(['models/layer_5/schema.yml']);
    expect(renderedModels(after)).toHaveLength(0); // a description only: the saved node with the new one
    // a column's tests edited on another entry (a test gone: the others keep their places)
    writeFileSync(file, text.replace('tests: [not_null, unique]', 'tests: [not_null]'));
    const again = load(dir);
    expect(updated(again)).toEqual(['models/layer_5/schema.yml']);
  });
});

describe('warm update: YAML edits that load in full', () => {
  const cases: [string, Record<string, string>][] = [
    ['a new model entry', { 'models/schema.yml': `${SCHEMA}  - name: d\n    description: no file\n` }],
    ['an entry gone', { 'models/schema.yml': SCHEMA.replace('  - name: c\n    description: the c model\n', '') }],
    ['entries in another order', { 'models/schema.yml': SCHEMA.replace('  - name: c\n    description: the c model\n', '').replace('models:\n', 'models:\n  - name: c\n    description: the c model\n') }],
    ['a new test (a full load places it)', { 'models/schema.yml': SCHEMA.replace('tests: [not_null]', 'tests: [not_null, unique]') }],
    ["a test's arguments (its name changes)", { 'models/schema.yml': SCHEMA.replace('values: [1, 2]', 'values: [1, 2, 3]') }],
    ["a model's tests in another order", { 'models/schema.yml': SCHEMA.replace('          - not_null\n          - unique\n', '          - unique\n          - not_null\n') }],
    ['a file with sources', { 'models/other.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n        description: edited\n' }],
    ['a source section added to a models file', { 'models/schema.yml': `${SCHEMA}sources:\n  - name: raw2\n    tables:\n      - name: t\n` }],
    ['an entry that disables its model', { 'models/schema.yml': SCHEMA.replace('    description: the c model\n', '    description: the c model\n    config:\n      enabled: false\n') }],
    ['an unknown config key', { 'models/schema.yml': SCHEMA.replace('    description: the c model\n', '    description: the c model\n    config:\n      my_key: 1\n') }],
    ['a key written twice (a warning)', { 'models/schema.yml': SCHEMA.replace('    description: the c model\n', '    description: the c model\n    description: twice\n') }],
    ['a new YAML file', { 'models/more.yml': 'version: 2\nmodels:\n  - name: c\n    description: x\n' }],
  ];
  for (const [what, files] of cases)
    it(what, () => {
      p = inlineProject(PROJECT);
      load(p.dir);
      p.write(files);
      let after: LoadedProject | undefined;
      try {
        after = load(p.dir);
      } catch (error) {
        // the same error as a cold load
        expect(() => loadProject({ projectDir: p!.dir, partialParse: false })).toThrow((error as Error).message);
        return;
      }
      expect(fullLoad(after)).toBe(true);
      expect(asSaved(load(p.dir))).toBe(true);
    });

  it('a deleted schema YAML file', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.remove('models/schema.yml');
    expect(fullLoad(load(p.dir))).toBe(true);
  });
});

describe('canonicalText: how entries are compared', () => {
  it('tells apart values JSON would confuse, and leaves functions out as saved patches do', () => {
    const pairs: [unknown, unknown][] = [
      [{ a: Number.NaN }, { a: null }],
      [{ a: Number.POSITIVE_INFINITY }, { a: null }],
      [{ a: -0 }, { a: 0 }],
      [{ a: new Date(0) }, { a: new Date(0).toISOString() }],
      [{ a: undefined }, {}],
      [[undefined], [null]],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
    ];
    for (const [x, y] of pairs) expect(canonicalText(x)).not.toBe(canonicalText(y));
    expect(canonicalText({ tests: [{ line: 3, exactLine: () => 3 }] })).toBe(canonicalText({ tests: [{ line: 3 }] }));
    // equal arrays however they were made (v8's serializer writes a mapped array's elements kind apart)
    expect(canonicalText([1, 2].map((n) => n))).toBe(canonicalText([1, 2]));
    expect(canonicalText(new Map())).toBeUndefined();
  });
});
