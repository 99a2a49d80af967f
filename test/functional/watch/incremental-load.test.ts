import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, reloadProject, type FileChange, type LoadedProject, type ProjectGraph } from '../../../packages/core/src/index.js';
import { ProjectGraph as Graph } from '../../../packages/core/src/graph/project-graph.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

let projects: InlineProject[] = [];
afterEach(() => {
  for (const p of projects) p.cleanup();
  projects = [];
});

/** What a manifest holds that matters: per node, its parents, SQL and config. */
function shape(loaded: LoadedProject, graph: ProjectGraph) {
  return {
    nodes: Object.fromEntries(
      [...loaded.manifest.nodes.values()].map((n) => [
        n.uniqueId,
        { dependsOn: [...n.dependsOn].sort(), config: n.config, sql: 'renderedCode' in n ? n.renderedCode : undefined, parents: graph.parents(n.uniqueId).sort() },
      ]),
    ),
    order: graph.order(new Set(loaded.manifest.nodes.keys())),
  };
}

describe('reloadProject', () => {
  const files = {
    'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
    'models/b.sql': "select id from {{ ref('a') }}",
    'models/c.sql': "select id from {{ ref('b') }}",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        tests: [not_null]\n  - name: d\n    columns:\n      - name: id\n        tests: [unique]\n',
    'tests/t.sql': "select * from {{ ref('c') }} where id < 0",
  };

  it('gives the same manifest and graph as a full load, re-parsing only the changed files', () => {
    const p = inlineProject(files);
    projects.push(p);
    const first = loadProject({ projectDir: p.dir });
    let state = { loaded: first, graph: new Graph(first.manifest) };
    const step = (changes: FileChange[], expectMode: 'incremental' | 'full') => {
      const r = reloadProject(state, changes, { projectDir: p.dir });
      expect(r.mode, JSON.stringify(changes)).toBe(expectMode);
      const full = loadProject({ projectDir: p.dir });
      expect(shape(r.loaded, r.graph)).toEqual(shape(full, new Graph(full.manifest)));
      state = { loaded: r.loaded, graph: r.graph };
      return r;
    };
    // Content change with new parents: c now reads a directly.
    p.write({ 'models/c.sql': "select id from {{ ref('a') }} union all select id from {{ ref('b') }}" });
    const r1 = step([{ path: 'models/c.sql', kind: 'change' }], 'incremental');
    expect(r1.loaded.manifest.nodes.get('model.proj.a')).toBe(first.manifest.nodes.get('model.proj.a')); // untouched nodes are shared
    // A new model picks up its YAML tests.
    p.write({ 'models/d.sql': "select id from {{ ref('c') }}" });
    const r2 = step([{ path: 'models/d.sql', kind: 'add' }], 'incremental');
    expect([...r2.loaded.manifest.nodes.keys()].some((id) => id.startsWith('test.proj.unique_d_id'))).toBe(true);
    // Config change in the file.
    p.write({ 'models/b.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('a') }}" });
    step([{ path: 'models/b.sql', kind: 'change' }], 'incremental');
    // Deleting the singular test.
    rmSync(join(p.dir, 'tests/t.sql'));
    step([{ path: 'tests/t.sql', kind: 'unlink' }], 'incremental');
    // Deleting a leaf whose YAML entry stays: a full load (it warns, and the entry's tests go to a seed or snapshot of that name).
    rmSync(join(p.dir, 'models/d.sql'));
    step([{ path: 'models/d.sql', kind: 'unlink' }], 'full');
    // Renaming a leaf model (no children left) stays incremental.
    renameSync(join(p.dir, 'models/c.sql'), join(p.dir, 'models/c2.sql'));
    step([{ path: 'models/c.sql', kind: 'unlink' }, { path: 'models/c2.sql', kind: 'add' }], 'incremental');
    // YAML: always a full load.
    writeFileSync(join(p.dir, 'models/schema.yml'), 'version: 2\nmodels: []\n');
    step([{ path: 'models/schema.yml', kind: 'change' }], 'full');
  });

  it("gives an edited model that joins dbt_semantics' join_use_nulls, as a full load does; an ephemeral model or a doc() description loads in full", () => {
    const p = inlineProject({
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select a.id from {{ ref('a') }} as a",
      'models/e.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('a') }}",
      'models/f.sql': "select id from {{ ref('e') }}",
      'models/docs.md': '{% docs b_doc %}the b model{% enddocs %}',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: f\n    description: "{{ doc(\'b_doc\') }}"\n',
    });
    projects.push(p);
    const first = loadProject({ projectDir: p.dir });
    let state = { loaded: first, graph: new Graph(first.manifest) };
    const step = (path: string, text: string, expectMode: 'incremental' | 'full') => {
      p.write({ [path]: text });
      const r = reloadProject(state, [{ path, kind: 'change' }], { projectDir: p.dir });
      expect(r.mode).toBe(expectMode);
      const full = loadProject({ projectDir: p.dir, partialParse: false });
      expect(shape(r.loaded, r.graph)).toEqual(shape(full, new Graph(full.manifest)));
      state = { loaded: r.loaded, graph: r.graph };
      return r.loaded.manifest;
    };
    const b = step('models/b.sql', "select a.id from {{ ref('a') }} as a left join {{ ref('a') }} as x on a.id = x.id", 'incremental');
    expect(b.nodes.get('model.proj.b')!.config.query_settings).toEqual({ join_use_nulls: 1 });
    // f inlines e: e's join is f's join.
    const e = step('models/e.sql', "{{ config(materialized='ephemeral') }}\nselect a.id from {{ ref('a') }} as a left join {{ ref('a') }} as x on a.id = x.id", 'full');
    expect(e.nodes.get('model.proj.f')!.config.query_settings).toEqual({ join_use_nulls: 1 });
    const f = step('models/f.sql', "select id from {{ ref('e') }} -- edited", 'full');
    expect(f.nodes.get('model.proj.f')!.description).toBe('the b model');
  });

  it('throws the file error and leaves the previous state usable', () => {
    const p = inlineProject(files);
    projects.push(p);
    const first = loadProject({ projectDir: p.dir });
    const graph = new Graph(first.manifest);
    p.write({ 'models/b.sql': "select id from {{ ref('nope') }}" });
    expect(() => reloadProject({ loaded: first, graph }, [{ path: 'models/b.sql', kind: 'change' }], { projectDir: p.dir })).toThrow(
      expect.objectContaining({ code: 'unknown_ref', file: 'models/b.sql' }),
    );
    p.write({ 'models/c.sql': "select id from {{ ref('c') }}" });
    expect(() => reloadProject({ loaded: first, graph }, [{ path: 'models/c.sql', kind: 'change' }], { projectDir: p.dir })).toThrow(expect.objectContaining({ code: 'cycle' }));
    p.write({ 'models/c.sql': "select id from {{ ref('a') }}", 'models/a.sql': "select id from {{ ref('c') }}" });
    expect(() => reloadProject({ loaded: first, graph }, [{ path: 'models/c.sql', kind: 'change' }, { path: 'models/a.sql', kind: 'change' }], { projectDir: p.dir })).toThrow(
      expect.objectContaining({ code: 'cycle' }),
    );
    expect(first.manifest.nodes.get('model.proj.b')!.dependsOn).toEqual(['model.proj.a']);
    expect(graph.parents('model.proj.c')).toEqual(['model.proj.b']);
  });
});
