import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, reloadProject, type LoadedProject, type LoadOptions } from '../../../packages/core/src/index.js';
import { ProjectGraph } from '../../../packages/core/src/graph/project-graph.js';
import { PARTIAL_PARSE_FILE } from '../../../packages/core/src/load/load-project.js';
import { generateProject } from '../../../bench/gen-project.mjs';
import { manifestText } from '../../helpers/manifest-text.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * The parse cache (target/partial_parse.bin, dbt's partial parsing): a load reuses the Jinja render
 * of every node none of whose inputs changed, re-renders exactly the nodes whose inputs did, and
 * gives the manifest a cold parse gives.
 */

let p: InlineProject | undefined;
const dirs: string[] = [];
afterEach(() => {
  p?.cleanup();
  p = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const names = (loaded: LoadedProject) => loaded.partialParse.rendered.map((id) => id.split('.').pop()).sort();

/** Loads with the cache, then checks the manifest equals a cold parse's (no cache) with the same options. */
function warmLoad(dir: string, options: LoadOptions = {}): LoadedProject {
  const warm = loadProject({ projectDir: dir, ...options });
  const cold = loadProject({ projectDir: dir, ...options, partialParse: false });
  expect(cold.partialParse.mode).toBe('off');
  expect(manifestText(warm)).toBe(manifestText(cold));
  return warm;
}

const PROJECT: Record<string, string> = {
  'models/a.sql': "select {{ var('x', 1) }} as v",
  'models/b.sql': "select {{ var('y', 2) }} as v from {{ ref('a') }}",
  'models/c.sql': '{{ three() }}',
  'models/d.sql': "select '{{ env_var(\"TSDBT_PP_TEST_E\", \"none\") }}' as v",
  'models/e.sql': "{% set n = config.get('n', 5) %}select {{ n }} as v",
  'models/f.sql': "select '{{ invocation_id }}' as v",
  'models/g.sql': "{% if target.name == 'dev' %}select 1 as v{% else %}select 2 as v{% endif %}",
  'models/h.sql': "select {{ 1 if flags.FULL_REFRESH else 0 }} as v",
  'models/s.sql': "select 1 as v from {{ ref('a') }}",
  'macros/three.sql': '{% macro three() %}select 3 as v{% endmacro %}',
};

describe('parse cache: what is re-rendered', () => {
  it('reuses every Jinja render when nothing changed; never a render that read invocation_id', () => {
    p = inlineProject(PROJECT);
    const first = loadProject({ projectDir: p.dir });
    expect(first.partialParse).toMatchObject({ mode: 'cold', reason: 'no cache file', reused: 0 });
    // s is literal: the static parser reads it, no Jinja render to cache.
    expect(names(first)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    statSync(join(p.dir, 'target', PARTIAL_PARSE_FILE));
    const second = warmLoad(p.dir);
    expect(second.partialParse.mode).toBe('warm');
    expect(names(second)).toEqual(['f']);
    expect(second.partialParse.reused).toBe(7);
  });

  it('re-renders only the nodes that read a changed var; an unrelated var changes nothing', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    const changed = warmLoad(p.dir, { vars: { x: 5 } });
    expect(names(changed)).toEqual(['a', 'f']);
    expect(changed.manifest.nodes.get('model.proj.a')!.renderedCode).toBe('select 5 as v');
    expect(names(warmLoad(p.dir, { vars: { x: 5, unrelated: 1 } }))).toEqual(['f']);
    // Back to the project's default: `x` absent again is a change too.
    expect(names(warmLoad(p.dir))).toEqual(['a', 'f']);
  });

  it('re-renders an edited model file, and the callers of an edited macro', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    p.write({ 'models/b.sql': "select {{ var('y', 3) }} as v from {{ ref('a') }}" });
    expect(names(warmLoad(p.dir))).toEqual(['b', 'f']);
    p.write({ 'macros/three.sql': '{% macro three() %}select 33 as v{% endmacro %}' });
    const loaded = warmLoad(p.dir);
    expect(names(loaded)).toEqual(['c', 'f']);
    expect(loaded.manifest.nodes.get('model.proj.c')!.renderedCode).toBe('select 33 as v');
  });

  it('re-renders the nodes that read a changed env var', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir, env: { ...process.env, TSDBT_PP_TEST_E: 'one' } });
    const loaded = warmLoad(p.dir, { env: { ...process.env, TSDBT_PP_TEST_E: 'two' } });
    expect(names(loaded)).toEqual(['d', 'f']);
    expect(loaded.manifest.nodes.get('model.proj.d')!.renderedCode).toBe("select 'two' as v");
  });

  it('re-renders the nodes whose YAML or project-folder config changed (templates read it)', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    p.write({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: e\n    config: {n: 7}\n' });
    const loaded = warmLoad(p.dir);
    expect(names(loaded)).toEqual(['e', 'f']);
    expect(loaded.manifest.nodes.get('model.proj.e')!.renderedCode).toBe('select 7 as v');
    p.write({ 'project.yml': 'name: proj\nprofile: proj\nmodels:\n  proj:\n    +tags: [t]\n' });
    expect(names(warmLoad(p.dir))).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('re-renders only the nodes that read flags when --full-refresh changes them', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    const loaded = warmLoad(p.dir, { fullRefresh: true });
    expect(names(loaded)).toEqual(['f', 'h']);
    expect(loaded.manifest.nodes.get('model.proj.h')!.renderedCode).toBe('select 1 as v');
  });

  it('parses in full when the target changes, or a macro appears (a name may resolve elsewhere)', () => {
    p = inlineProject(PROJECT);
    p.write({ 'profiles.yml': readFileSync(join(p.dir, 'profiles.yml'), 'utf8').replace('  outputs:\n', '  outputs:\n    prod:\n      type: chdb\n      path: /tmp/none\n      schema: other\n') });
    loadProject({ projectDir: p.dir });
    const prod = warmLoad(p.dir, { target: 'prod' });
    expect(prod.partialParse).toMatchObject({ mode: 'cold', reason: 'target changed' });
    expect(names(prod)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(prod.manifest.nodes.get('model.proj.g')!.renderedCode).toBe('select 2 as v');
    p.write({ 'macros/more.sql': '{% macro four() %}4{% endmacro %}' });
    expect(warmLoad(p.dir, { target: 'prod' }).partialParse).toMatchObject({ mode: 'cold', reason: 'macros changed' });
  });

  it("reuses generic tests' renders; a changed test macro re-renders only its tests", () => {
    p = inlineProject({
      ...PROJECT,
      'tests/generic/is_small.sql': '{% test is_small(model, column_name) %}select * from {{ model }} where {{ column_name }} > 10{% endtest %}',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: v\n        tests: [not_null, is_small]\n  - name: s\n    columns:\n      - name: v\n        tests: [is_small, {accepted_values: {values: [1]}}]\n',
    });
    const first = loadProject({ projectDir: p.dir });
    expect(names(first)).toEqual(['a', 'accepted_values_s_v__1', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'is_small_a_v', 'is_small_s_v', 'not_null_a_v']);
    expect(names(warmLoad(p.dir))).toEqual(['f']);
    p.write({ 'tests/generic/is_small.sql': '{% test is_small(model, column_name) %}select * from {{ model }} where {{ column_name }} > 100{% endtest %}' });
    const loaded = warmLoad(p.dir);
    expect(names(loaded)).toEqual(['f', 'is_small_a_v', 'is_small_s_v']);
    expect([...loaded.manifest.nodes.values()].find((n) => n.name === 'is_small_s_v')!.renderedCode).toContain('> 100');
  });

  it('re-renders the callers of a changed macro of an installed package', () => {
    p = inlineProject({
      'models/a.sql': '{{ pkg_a.twice(2) }}',
      'models/b.sql': "select {{ var('y', 2) }} as v",
      'dbt_packages/pkg_a/dbt_project.yml': "name: pkg_a\nversion: '1.0.0'\n",
      'dbt_packages/pkg_a/macros/m.sql': '{% macro twice(x) %}select {{ x * 2 }} as v{% endmacro %}',
    });
    loadProject({ projectDir: p.dir });
    p.write({ 'dbt_packages/pkg_a/macros/m.sql': '{% macro twice(x) %}select {{ x * 20 }} as v{% endmacro %}' });
    const loaded = warmLoad(p.dir);
    expect(names(loaded)).toEqual(['a']);
    expect(loaded.manifest.nodes.get('model.proj.a')!.renderedCode).toBe('select 40 as v');
  });
});

describe('parse cache: secrets', () => {
  it('keeps no render holding a DBT_ENV_SECRET_* value, and no var value at all', () => {
    p = inlineProject({
      'models/a.sql': "select '{{ var(\"DBT_ENV_SECRET_V\", \"none\") }}' as v",
      'models/b.sql': "select '{{ var(\"plain\", \"none\") }}' as v",
    });
    const vars = { DBT_ENV_SECRET_V: 'hunter2-secret', plain: 'visible-value' };
    loadProject({ projectDir: p.dir, vars });
    const file = readFileSync(join(p.dir, 'target', PARTIAL_PARSE_FILE)).toString('latin1');
    expect(file).not.toContain('hunter2-secret');
    expect(file).not.toContain('"visible-value"');
    const again = warmLoad(p.dir, { vars });
    expect(names(again)).toEqual(['a']);
    expect(again.manifest.nodes.get('model.proj.a')!.renderedCode).toBe("select 'hunter2-secret' as v");
  });
});

describe('parse cache: watch mode', () => {
  it("a full re-load after a macro edit re-renders only the macro's callers", () => {
    p = inlineProject(PROJECT);
    const first = loadProject({ projectDir: p.dir });
    p.write({ 'macros/three.sql': '{% macro three() %}select 333 as v{% endmacro %}' });
    const r = reloadProject({ loaded: first, graph: new ProjectGraph(first.manifest) }, [{ path: 'macros/three.sql', kind: 'change' }], { projectDir: p.dir });
    expect(r.mode).toBe('full');
    expect(names(r.loaded)).toEqual(['c', 'f']);
    expect(r.loaded.manifest.nodes.get('model.proj.c')!.renderedCode).toBe('select 333 as v');
  });
});

describe('parse cache: a cache file that cannot be trusted is ignored', () => {
  const cacheFile = () => join(p!.dir, 'target', PARTIAL_PARSE_FILE);

  it('of another tsdbt build', () => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    const text = readFileSync(cacheFile());
    const cut = text.indexOf(10);
    const header = JSON.parse(text.subarray(0, cut).toString());
    header.key.tsdbt = 'an-older-build';
    writeFileSync(cacheFile(), Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), text.subarray(cut + 1)]));
    const loaded = warmLoad(p.dir);
    expect(loaded.partialParse).toMatchObject({ mode: 'cold', reason: 'tsdbt changed' });
    expect(names(loaded)).toHaveLength(8);
  });

  it.each([
    ['a flipped byte', (b: Buffer) => (b[b.length - 5] ^= 1, b)],
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 100)],
    ['garbage', () => Buffer.from('not a cache')],
    ['empty', () => Buffer.alloc(0)],
  ])('%s', (_name, damage) => {
    p = inlineProject(PROJECT);
    loadProject({ projectDir: p.dir });
    writeFileSync(cacheFile(), damage(readFileSync(cacheFile())));
    const loaded = warmLoad(p.dir);
    expect(loaded.partialParse).toMatchObject({ mode: 'cold', reason: 'the cache file is corrupt' });
    expect(names(loaded)).toHaveLength(8);
    // The damaged file was replaced by a good one.
    expect(names(loadProject({ projectDir: p.dir }))).toEqual(['f']);
  });

  it('is neither read nor written with partialParse false or DBT_PARTIAL_PARSE=false', () => {
    p = inlineProject(PROJECT);
    expect(loadProject({ projectDir: p.dir, partialParse: false }).partialParse.mode).toBe('off');
    expect(() => statSync(cacheFile())).toThrow();
    expect(loadProject({ projectDir: p.dir, env: { ...process.env, DBT_PARTIAL_PARSE: 'false' } }).partialParse.mode).toBe('off');
    expect(() => statSync(cacheFile())).toThrow();
    loadProject({ projectDir: p.dir });
    const written = statSync(cacheFile()).mtimeMs;
    expect(loadProject({ projectDir: p.dir, vars: { x: 9 }, partialParse: false }).partialParse.mode).toBe('off');
    expect(statSync(cacheFile()).mtimeMs).toBe(written);
  });
});

describe('parse cache: warm manifests equal cold ones', () => {
  it('on the Instacart reference project', () => {
    const target = mkdtempSync(join(tmpdir(), 'tsdbt-pp-ref-'));
    dirs.push(target);
    const root = resolve(__dirname, '../../..');
    loadProject({ projectDir: root, targetPath: target });
    // Every model of it takes the static parser: nothing to render again, nothing to keep.
    const warm = warmLoad(root, { targetPath: target });
    expect(warm.partialParse.rendered).toEqual([]);
  });

  it.each([['static', false], ['Jinja-heavy', true]])('on a generated %s project', (_kind, jinja) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdbt-pp-gen-'));
    dirs.push(dir);
    generateProject(300, dir, { jinja });
    loadProject({ projectDir: dir });
    const warm = warmLoad(dir);
    expect(warm.partialParse.rendered).toEqual([]);
    // 300 models (Jinja-heavy) and 450 generic tests.
    expect(warm.partialParse.reused).toBe(jinja ? 750 : 450);
    // The models that read the var (a warm start's vars update: load/warm-vars-update.ts; their tests are built again with them).
    const vars = warmLoad(dir, { vars: { with_flag: true } });
    expect(vars.partialParse.rendered.filter((id) => id.startsWith('model.'))).toHaveLength(jinja ? 300 : 0);
  });
});
