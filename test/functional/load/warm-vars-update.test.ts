import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadedProject, LoadOptions } from '../../../packages/core/src/index.js';
import { loadComparedWithCold } from '../../helpers/manifest-text.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/*
 * Changed --vars update the warm start (load/warm-vars-update.ts): only the nodes whose render read
 * a changed var are parsed again (a generic test that read one: its model, with its tests). The
 * manifest, its node order and the warnings are a cold parse's with the same vars; a var read by
 * YAML values or profiles.yml, or a node that may appear, loads in full.
 */

let p: InlineProject | undefined;
const dirs: string[] = [];
afterEach(() => {
  p?.cleanup();
  p = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Loads (warm start allowed) and checks manifest, node order, vars and warnings against a cold parse. */
function load(dir: string, options: LoadOptions = {}): LoadedProject {
  const { loaded, cold } = loadComparedWithCold(dir, options);
  expect(loaded.vars).toEqual(cold.vars);
  return loaded;
}

const updated = (l: LoadedProject) => l.partialParse.warmUpdate;
const asSaved = (l: LoadedProject) => l.partialParse.warmStart === true && l.partialParse.warmUpdate === undefined;
const fullLoad = (l: LoadedProject) => l.partialParse.warmStart !== true;
const renderedModels = (l: LoadedProject) => l.partialParse.rendered.filter((id) => !id.startsWith('test.')).sort();

const PROJECT: Record<string, string> = {
  'project.yml': "name: proj\nprofile: proj\nmodels:\n  proj:\n    +tags: [\"{{ var('tag', 'plain') }}\"]\n",
  'models/a.sql': "select {{ var('x', 1) }} as v",
  'models/b.sql': "select v from {{ ref('a') }}",
  'models/c.sql': "select {{ var('y', 2) }} as v",
  'models/d.sql': '{% if true %}select 4 as v{% endif %}',
  'models/e.sql': "{{ config(enabled=var('e_on', false)) }} select 5 as v",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: v\n        tests: [not_null]\n  - name: b\n    columns:\n      - name: v\n        tests: [over_limit]\n',
  'tests/generic/over_limit.sql': "{% test over_limit(model, column_name) %}select * from {{ model }} where {{ column_name }} > {{ var('limit', 10) }}{% endtest %}",
  'tests/t.sql': "select * from {{ ref('c') }} where v > {{ var('z', 0) }}",
};

describe('warm update: changed --vars', () => {
  it('a var one model reads: that model (and its tests) parsed again, the manifest a cold parse with the new vars', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    const after = load(p.dir, { vars: { x: 5 } });
    expect(updated(after)).toEqual([]);
    expect(renderedModels(after)).toEqual(['model.proj.a']);
    expect(after.manifest.nodes.get('model.proj.a')!.renderedCode).toContain('select 5 as v');
    expect(asSaved(load(p.dir, { vars: { x: 5 } }))).toBe(true);
    // and back: the var unset
    const back = load(p.dir);
    expect(renderedModels(back)).toEqual(['model.proj.a']);
    expect(back.manifest.nodes.get('model.proj.a')!.renderedCode).toContain('select 1 as v');
  });

  it('a var nothing reads: nothing parsed again', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    const after = load(p.dir, { vars: { unread: 1 } });
    expect(updated(after)).toEqual([]);
    expect(after.partialParse.rendered).toEqual([]);
    expect(after.vars).toMatchObject({ unread: 1 });
  });

  it('a var a generic test reads: its model parsed again, the test built with the new value', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    const after = load(p.dir, { vars: { limit: 3 } });
    expect(renderedModels(after)).toEqual(['model.proj.b']);
    const test = [...after.manifest.nodes.values()].find((n) => n.name.startsWith('over_limit'))!;
    expect(test.renderedCode).toContain('> 3');
  });

  it('a var a singular test reads', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    const after = load(p.dir, { vars: { z: 7 } });
    expect(after.partialParse.rendered).toEqual(['test.proj.t']);
    expect(after.manifest.nodes.get('test.proj.t')!.renderedCode).toContain('v > 7');
  });

  it('a model edited to read a new var, then that var changed: the update recorded the new read', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/d.sql': "select {{ var('w', 0) }} as v" });
    expect(updated(load(p.dir))).toEqual(['models/d.sql']);
    const after = load(p.dir, { vars: { w: 9 } });
    expect(renderedModels(after)).toEqual(['model.proj.d']);
    expect(after.manifest.nodes.get('model.proj.d')!.renderedCode).toContain('select 9 as v');
  });

  it('vars and a file changed together', () => {
    p = inlineProject(PROJECT);
    load(p.dir);
    p.write({ 'models/d.sql': 'select 44 as v' });
    const after = load(p.dir, { vars: { y: 3 } });
    expect(updated(after)).toEqual(['models/d.sql']);
    expect(renderedModels(after)).toEqual(['model.proj.c', 'model.proj.d']);
  });

  it('on a generated Jinja project: a var every model reads (each parsed again) gives the manifest of a cold parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-wvu-gen-'));
    dirs.push(dir);
    generateProject(200, dir, { jinja: true });
    load(dir);
    const after = load(dir, { vars: { with_flag: true } });
    expect(updated(after)).toEqual([]);
    expect(renderedModels(after)).toHaveLength(200);
    expect(asSaved(load(dir, { vars: { with_flag: true } }))).toBe(true);
  });
});

describe('warm update: --vars changes that load in full', () => {
  const cases: [string, Readonly<Record<string, unknown>>][] = [
    ['a var project.yml reads (a config value)', { tag: 'other' }],
    ['a var that enables a disabled model (a new node)', { e_on: true }],
  ];
  for (const [what, vars] of cases)
    it(what, () => {
      p = inlineProject(PROJECT);
      load(p.dir);
      expect(fullLoad(load(p.dir, { vars }))).toBe(true);
      expect(asSaved(load(p.dir, { vars }))).toBe(true);
    });

  it('a var profiles.yml reads', () => {
    p = inlineProject(PROJECT);
    const profiles = join(p.dir, 'profiles.yml');
    writeFileSync(profiles, readFileSync(profiles, 'utf8').replace('threads: 4', "threads: \"{{ var('threads', 4) }}\""));
    load(p.dir);
    const after = load(p.dir, { vars: { threads: 2 } });
    expect(fullLoad(after)).toBe(true);
  });
});
